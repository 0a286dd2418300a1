"""The editorial merge measured on the labelled set (tests/data/eval), with floors just below today's figures.

`make eval` prints the same figures with every error listed; this test keeps them from quietly regressing.
"""

from __future__ import annotations

import pytest

from whalewatch.config import load_edition
from whalewatch.evaluate import evaluate, load_labelled
from tests.conftest import DATA, ROOT

FLOORS = {"precision": 0.97, "recall": 0.89, "placement": 0.90}


@pytest.fixture(scope="module")
def scores():
    config = load_edition(ROOT / "feeds.yaml").config
    items, truth, near_misses = load_labelled(DATA / "eval" / "stories.yaml", config)
    return evaluate(config, items, truth, near_misses)


def test_the_labelled_set_is_as_big_and_varied_as_promised(scores):
    assert scores.items >= 150 and scores.events >= 60 and scores.near_misses >= 20


@pytest.mark.parametrize("measure", sorted(FLOORS))
def test_folding_and_placement_stay_above_their_floors(scores, measure):
    assert getattr(scores, measure) >= FLOORS[measure], f"{measure} fell to {getattr(scores, measure):.3f}; run `make eval -v`"


def test_releases_that_share_words_are_never_folded(scores):
    releases = {("v3-release", "v3-0324"), ("v3-0324", "v31"), ("v31", "v32-exp"), ("r1-release", "r1-0528"),
                ("r1-release", "kimi-k15"), ("diffusion-rule", "diffusion-rescinded"), ("h20-licence", "h20-resume")}
    assert not releases & set(scores.near_misses_folded)
