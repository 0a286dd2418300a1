"""make eval: the editorial merge measured against tests/data/eval/stories.yaml with the root edition's rules.

Prints pairwise precision and recall of folding, placement accuracy, and the near misses; with
--verbose, every wrong fold, missed fold and misplaced story, for tuning rules without guessing.
Usage: python scripts/eval.py [--labelled FILE] [--config feeds.yaml] [--verbose]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from whalewatch.config import load_edition
from whalewatch.evaluate import evaluate, load_labelled

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"precision": 0.97, "recall": 0.90, "accuracy": 0.90}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labelled", type=Path, default=ROOT / "tests" / "data" / "eval" / "stories.yaml")
    parser.add_argument("--config", type=Path, default=ROOT / "feeds.yaml")
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args()
    config = load_edition(args.config).config
    items, truth, near_misses = load_labelled(args.labelled, config)
    scores = evaluate(config, items, truth, near_misses)
    print(f"Labelled set: {args.labelled.relative_to(ROOT) if args.labelled.is_relative_to(ROOT) else args.labelled} "
          f"({scores.items} items, {scores.events} events, {scores.true_pairs} true pairs, {scores.near_misses} near-miss pairs)")
    print(f"Rules: {args.config}")
    print()
    print(f"{'measure':<22}{'value':>8}{'target':>9}")
    for name, value in (("folding precision", scores.precision), ("folding recall", scores.recall),
                        ("placement accuracy", scores.placement)):
        target = TARGETS[name.split()[-1]]
        print(f"{name:<22}{value:>8.3f}{target:>9.2f}  {'ok' if value >= target else 'BELOW TARGET'}")
    folded = len(scores.near_misses_folded)
    print(f"{'near misses folded':<22}{folded:>5d}/{scores.near_misses:<2d}{'':>9}  {'none' if not folded else 'listed with --verbose'}")
    if args.verbose:
        for heading, rows in (("Folded but different events", scores.false_merges), ("One event left apart", scores.missed_merges),
                              ("Misplaced (expected -> got)", scores.misplaced), ("Near misses folded", scores.near_misses_folded)):
            if rows:
                print(f"\n{heading}:")
                for row in rows:
                    print("  " + "  |  ".join(row))
    below = scores.precision < TARGETS["precision"] or scores.recall < TARGETS["recall"] or scores.placement < TARGETS["accuracy"]
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
