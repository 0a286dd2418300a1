"""The editorial merge measured on the labelled set (tests/data/eval), split by event into a tuning
half and a held-out half. Floors sit just below today's held-out figures (the targets of `make eval`
are higher): this test keeps them from quietly regressing, on data nobody tuned on.
"""

from __future__ import annotations

import pytest

from whalewatch.config import load_edition
from whalewatch.evaluate import HALVES, evaluate, evaluate_pairs, half_of, load_labelled, load_pairs, split
from tests.conftest import DATA, ROOT

HELD_OUT_FLOORS = {"precision": 0.94, "recall": 0.84, "placement": 0.93}   # lowered by the blind events of 2026-12


@pytest.fixture(scope="module")
def labelled():
    config = load_edition(ROOT / "feeds.yaml").config
    return config, load_labelled(DATA / "eval" / "stories.yaml", config)


@pytest.fixture(scope="module")
def held_out(labelled):
    config, (items, truth, near_misses) = labelled
    return evaluate(config, *split(items, truth, near_misses)["held-out"])


def test_the_labelled_set_is_as_big_and_varied_as_promised(labelled):
    _, (items, truth, near_misses) = labelled
    assert len(items) >= 150 and len({t.event for t in truth.values()}) >= 60 and len(near_misses) >= 20


def test_the_halves_split_by_event_and_each_holds_a_fair_share(labelled):
    _, (items, truth, near_misses) = labelled
    halves = split(items, truth, near_misses)
    events = {half: {label.event for label in halves[half][1].values()} for half in HALVES}
    assert not events["tuning"] & events["held-out"]
    assert all(len(events[half]) >= 25 for half in HALVES)
    assert {half_of(e) for e in events["held-out"]} == {"held-out"}


@pytest.mark.parametrize("measure", sorted(HELD_OUT_FLOORS))
def test_held_out_folding_and_placement_stay_above_their_floors(held_out, measure):
    value = getattr(held_out, measure)
    assert value >= HELD_OUT_FLOORS[measure], f"held-out {measure} fell to {value:.3f}; run `make eval VERBOSE=1`"


def test_releases_that_share_words_are_never_folded(labelled):
    config, (items, truth, near_misses) = labelled
    scores = evaluate(config, items, truth, near_misses)
    releases = {("v3-release", "v3-0324"), ("v3-0324", "v31"), ("v31", "v32-exp"), ("r1-release", "r1-0528"),
                ("r1-release", "kimi-k15"), ("diffusion-rule", "diffusion-rescinded"), ("h20-licence", "h20-resume")}
    assert not releases & set(scores.near_misses_folded)


def test_labelled_news_pairs_beyond_the_beat_fold_across_languages(labelled):
    """Pairs of real reports on other beats (tests/data/eval/pairs.yaml), folded as one busy week."""
    config, _ = labelled
    pairs = load_pairs(DATA / "eval" / "pairs.yaml")
    assert len(pairs) >= 50
    results = evaluate_pairs(config, pairs)
    assert set(results) == {"en-en", "zh-zh", "zh-en"}
    # the targets for zh-en (0.85) and zh-zh (0.9); en-en is held to 0.8, below its 0.9 target, as measured
    assert results["zh-en"].recall >= 0.85 and results["zh-zh"].recall >= 0.9 and results["en-en"].recall >= 0.8
    wrong = sum(r.different_folded for r in results.values()) / sum(r.different for r in results.values())
    assert wrong <= 0.06, [t for r in results.values() for t in r.wrong]   # 2 of 54 when every pair shares one week


def test_an_event_written_twice_is_refused_not_merged_silently(labelled, tmp_path):
    config, _ = labelled
    entry = ('  - id: same\n    section: policy\n    items:\n      - {feed: "SCMP Tech", date: "2025-01-01T00:00:00Z", '
             'url: "https://scmp.example/a", title: "A", summary: ""}\n')
    path = tmp_path / "stories.yaml"
    path.write_text("events:\n" + entry + entry, encoding="utf-8")
    with pytest.raises(ValueError, match="used twice: same"):
        load_labelled(path, config)


def test_a_pair_written_twice_is_refused(tmp_path):
    pair = ('  - id: twin\n    same: false\n    a: {date: "2024-01-01T00:00:00Z", title: "A"}\n'
            '    b: {date: "2024-01-01T00:00:00Z", title: "B"}\n')
    path = tmp_path / "pairs.yaml"
    path.write_text("pairs:\n" + pair + pair, encoding="utf-8")
    with pytest.raises(ValueError, match="used twice: twin"):
        load_pairs(path)
