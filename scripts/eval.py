"""make eval: the editorial merge measured against tests/data/eval/stories.yaml with the root edition's rules,
on a tuning half and a held-out half of its events.

Prints pairwise precision and recall of folding, placement accuracy, and the near misses; with
--verbose, every wrong fold, missed fold and misplaced story of the tuning half, for tuning rules
without guessing. The held-out half's are listed only with --held-out as well: once read, its
figures are no longer blind.
Usage: python scripts/eval.py [--labelled FILE] [--config feeds.yaml] [--verbose [--held-out]]
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path

from whalewatch.config import load_edition
from whalewatch.evaluate import (HALVES, evaluate, evaluate_pairs, half_of, in_one_window, likely_duplicates, load_labelled,
                                 load_pairs, split)

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"precision": 0.97, "recall": 0.90, "accuracy": 0.90}
PAIR_RECALL = {"en-en": 0.90, "zh-zh": 0.90, "zh-en": 0.85}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labelled", type=Path, default=ROOT / "tests" / "data" / "eval" / "stories.yaml")
    parser.add_argument("--pairs", type=Path, default=ROOT / "tests" / "data" / "eval" / "pairs.yaml")
    parser.add_argument("--config", type=Path, default=ROOT / "feeds.yaml")
    parser.add_argument("--verbose", "-v", action="store_true", help="list the tuning half's errors")
    parser.add_argument("--held-out", action="store_true", help="with --verbose, list the held-out half's errors too")
    args = parser.parse_args()
    shown = set(HALVES) if args.held_out else {HALVES[0]}
    config = load_edition(args.config).config
    items, truth, near_misses = load_labelled(args.labelled, config)
    for warning in likely_duplicates(args.labelled):
        print(f"warning: {warning}")
    print(f"Labelled set: {args.labelled.relative_to(ROOT) if args.labelled.is_relative_to(ROOT) else args.labelled} "
          f"({len(items)} items, {len({t.event for t in truth.values()})} events, {len(near_misses)} near-miss pairs), "
          "split by event into a tuning half and a held-out half")
    print(f"Rules: {args.config}")
    halves = split(items, truth, near_misses)
    results = {half: evaluate(config, *halves[half]) for half in HALVES}
    print()
    print(f"{'measure':<22}" + "".join(f"{half:>12}" for half in HALVES) + f"{'target':>9}")
    for name, attribute, target in (("folding precision", "precision", TARGETS["precision"]),
                                    ("folding recall", "recall", TARGETS["recall"]),
                                    ("placement accuracy", "placement", TARGETS["accuracy"])):
        values = [getattr(results[half], attribute) for half in HALVES]
        verdict = "ok" if values[-1] >= target else "BELOW TARGET (held-out)"
        print(f"{name:<22}" + "".join(f"{v:>12.3f}" for v in values) + f"{target:>9.2f}  {verdict}")
    print(f"{'near misses folded':<22}" + "".join(f"{len(results[h].near_misses_folded):>8d}/{results[h].near_misses:<3d}" for h in HALVES))
    print(f"{'items / events':<22}" + "".join(f"{results[h].items:>8d}/{results[h].events:<3d}" for h in HALVES))
    if args.verbose:
        for half in (h for h in HALVES if h in shown):
            scores = results[half]
            for heading, rows in (("Folded but different events", scores.false_merges), ("One event left apart", scores.missed_merges),
                                  ("Misplaced (expected -> got)", scores.misplaced), ("Near misses folded", scores.near_misses_folded)):
                if rows:
                    print(f"\n[{half}] {heading}:")
                    for row in rows:
                        print("  " + "  |  ".join(row))
    print(f"\nLabelled pairs beyond the beat: {args.pairs.name}, split by pair the same way")
    print(f"{'half':<10}{'pairing':<9}{'same story folded':>20}{'target':>9}{'different folded':>20}{'target':>9}")
    every_pair = load_pairs(args.pairs)
    titles = {(p["a"]["title"], p["b"]["title"]) for p in every_pair if half_of(p["id"]) in shown} if args.verbose else set()
    for half in HALVES:
        _print_pairs(half, evaluate_pairs(config, [p for p in every_pair if half_of(p["id"]) == half]), titles)
    busy = in_one_window(every_pair, datetime(2026, 3, 2, tzinfo=timezone.utc))
    print(f"\nAll {len(every_pair)} pairs re-dated into one four-day window, as one very busy week (both halves)")
    _print_pairs("both", evaluate_pairs(config, busy), titles)
    held = results[HALVES[-1]]
    below = held.precision < TARGETS["precision"] or held.recall < TARGETS["recall"] or held.placement < TARGETS["accuracy"]
    return 1 if below else 0


def _print_pairs(label: str, results: dict, shown_pairs: set[tuple[str, str]]) -> None:
    """One row per pairing: same-story pairs folded and look-alikes folded, each beside its target;
    then the misses among ``shown_pairs`` (a half's pairs by their titles, when listing them)."""
    for kind, found in results.items():
        print(f"{label:<10}{kind:<9}{found.same_folded:>10d}/{found.same:<3d}{found.recall:>6.2f}{PAIR_RECALL.get(kind, 0.9):>9.2f}"
              f"{found.different_folded:>10d}/{found.different:<3d}{found.false_rate:>6.2f}{0.02:>9.2f}")
        for heading, rows in (("left apart:", found.missed), ("folded:    ", found.wrong)):
            for title_a, title_b in rows:
                if (title_a, title_b) in shown_pairs:
                    print(f"    {heading} {title_a}  |  {title_b}")


if __name__ == "__main__":
    sys.exit(main())
