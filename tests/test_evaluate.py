"""The editorial merge measured on the labelled set (tests/data/eval), split by event into a tuning
half and a held-out half. Floors sit just below today's held-out figures (the targets of `make eval`
are higher): this test keeps them from quietly regressing, on data nobody tuned on.
"""

from __future__ import annotations

import pytest

from whalewatch.config import load_edition
from whalewatch.evaluate import HALVES, evaluate, evaluate_pairs, half_of, load_labelled, load_pairs, split
from whalewatch.select import fold as fold_module
from tests.conftest import DATA, ROOT

# held-out today: 0.851, 0.935, 0.878. Lowered five times by blind events nobody tuned on: from 0.949
# precision by the Paris-summit pair; from 0.924 / 0.904 / 0.953 by the batch of same-actor,
# same-week events (the foundry rule beside the diffusion rule; regulators' actions on chipmakers placed in policy);
# from 0.906 by 29 events of 2023-2025 (one act and another's answer to it a day later: Trump's H200 approval
# and Beijing's limits; two US states' bans in two days); then to 0.833 / 0.897 by 16 events of two labs' or two
# agencies' like acts within days (a price cut and a free tier, two updates of one model family); then placement
# from 0.906 to 0.873 by 14 events written in the second stop of December 2026 (a Treasury rule on investment in
# chipmakers placed in chips by its words, DeepSeek pausing API top-ups in policy by 'suspend', a release's paper
# and its news split between research and models), while precision and recall rose to 0.846 and 0.900;
# the real-article rules of the third stop raised them to 0.851 / 0.935 / 0.878
HELD_OUT_FLOORS = {"precision": 0.83, "recall": 0.88, "placement": 0.87}


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
    # the targets for zh-en (0.85) and zh-zh (0.9); en-en is held to 0.74, far below its 0.9 target, as
    # measured: it was 0.8 until the second blind batch of December 2026 (news of 2020-2021 with longer leads,
    # the two reports of a story often from different angles) folded 7 of its 16 English pairs
    assert results["zh-en"].recall >= 0.85 and results["zh-zh"].recall >= 0.9 and results["en-en"].recall >= 0.74
    wrong = sum(r.different_folded for r in results.values()) / sum(r.different for r in results.values())
    # 21 of 106. Before that second batch 6 of 83: SVB and Signature, the Fed and the BoE, one bureau's GDP and
    # population figures of one morning (3 pairs, chained), and Iran's attack on Israel beside the oil market's
    # reading of it. The batch added 11: mostly one person's or one place's two events within days (Johnson's
    # lockdown and his diagnosis, Chang'e-5's landing and its ascent, Ant's summons and its halted listing). A third
    # blind batch, of Chinese news, added 4 more of the kind (Tianwen-1's launch and its first picture, Fitch's
    # Evergrande and Kaisa downgrades of one day) and shifted the week's weights enough to fold one older pair
    assert wrong <= 0.2, [t for r in results.values() for t in r.wrong]


def test_a_week_large_enough_for_candidates_folds_what_comparing_every_pair_folds(labelled, monkeypatch):
    """Past ALL_PAIRS_BELOW items a week is compared through candidates; a Chinese report must still
    be compared with its English twin, though reports in its own language are more alike to it."""
    config, _ = labelled
    pairs = load_pairs(DATA / "eval" / "pairs.yaml")
    assert 2 * len(pairs) >= fold_module.ALL_PAIRS_BELOW
    through_candidates = evaluate_pairs(config, pairs)["zh-en"]
    monkeypatch.setattr(fold_module, "ALL_PAIRS_BELOW", 10 ** 6)
    every_pair = evaluate_pairs(config, pairs)["zh-en"]
    assert through_candidates.same_folded >= every_pair.same_folded - 1


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


def test_pairs_re_dated_into_one_window_keep_their_own_spread():
    from datetime import datetime, timedelta, timezone
    from whalewatch.evaluate import in_one_window

    def when(text: str) -> datetime:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))

    pairs = [{"id": f"p{n}", "same": True, "a": {"date": "2023-02-06T06:00:00Z", "title": "A"},
              "b": {"date": f"2023-02-0{6 + n % 2}T09:30:00Z", "title": "B"}} for n in range(40)]
    start = datetime(2026, 3, 2, tzinfo=timezone.utc)
    moved = in_one_window(pairs, start)
    for before, after in zip(pairs, moved):
        assert when(after["b"]["date"]) - when(after["a"]["date"]) == when(before["b"]["date"]) - when(before["a"]["date"])
        assert start <= when(after["a"]["date"]) < start + timedelta(hours=48)
    assert len({p["a"]["date"] for p in moved}) > 30 and in_one_window(pairs, start) == moved   # spread out, and stable


def test_an_event_written_twice_under_two_ids_is_pointed_out(tmp_path):
    """The October 2023 chip rules were once written twice; each copy's reports then counted as a false merge."""
    from whalewatch.evaluate import likely_duplicates
    assert likely_duplicates(DATA / "eval" / "stories.yaml") == []
    twice = tmp_path / "twice.yaml"
    twice.write_text("""events:
  - id: chip-rules
    section: chips
    items:
      - {feed: "SCMP Tech", date: "2023-10-17T20:00:00Z", url: "https://a.example/1", title: "US tightens curbs on AI chip exports to China, closing gaps for Nvidia's A800 and H800"}
  - id: chip-rules-again
    section: chips
    items:
      - {feed: "SCMP Tech", date: "2023-10-17T21:00:00Z", url: "https://a.example/2", title: "US tightens curbs on AI chip exports to China, closing loophole on Nvidia's A800 and H800"}
  - id: graphite
    section: policy
    items:
      - {feed: "SCMP Tech", date: "2023-10-20T10:00:00Z", url: "https://a.example/3", title: "China to require export permits for graphite days after US widens chip curbs"}
""", encoding="utf-8")
    found = likely_duplicates(twice)
    assert len(found) == 1 and "chip-rules and chip-rules-again" in found[0]


def test_make_eval_verbose_lists_the_held_out_half_only_when_asked():
    """Reading the held-out half's errors makes its figures no longer blind: VERBOSE=1 lists the
    tuning half's, and only --held-out adds the other's."""
    import subprocess
    import sys

    def run(*flags: str) -> str:
        return subprocess.run([sys.executable, str(ROOT / "scripts" / "eval.py"), *flags],
                              capture_output=True, text=True, cwd=ROOT).stdout

    tuning_only, both = run("--verbose"), run("--verbose", "--held-out")
    assert "[tuning]" in tuning_only and "[held-out]" not in tuning_only
    assert "[held-out]" in both
    listed = {line.split(":", 1)[1].strip() for line in tuning_only.splitlines()
              if line.startswith("    left apart:") or line.startswith("    folded:")}
    held_out = {f"{p['a']['title']}  |  {p['b']['title']}" for p in load_pairs(DATA / "eval" / "pairs.yaml")
                if half_of(p["id"]) == HALVES[-1]}
    assert listed and not listed & held_out
