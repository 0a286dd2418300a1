"""A score per story that can be explained line by line in ``build --explain``."""

from __future__ import annotations

import math
from datetime import datetime


def score(weight: float, sources: int, match: float, priority: int, annotated: bool,
          date: datetime, start: datetime, end: datetime) -> tuple[float, list[str]]:
    parts: list[tuple[float, str]] = [
        (1.2 * weight, f"source weight {weight:g}"),
        (3.0 * math.log2(1 + sources), f"covered by {sources} source{'s' if sources != 1 else ''}"),
        (0.5 * min(match, 12.0), "section keywords"),
    ]
    if priority:
        parts.append((3.0 * priority, f"editor priority {priority}"))
    if annotated:
        parts.append((2.0, "the editor wrote a note on it"))
    span = (end - start).total_seconds() or 1.0
    freshness = max(0.0, min(1.0, (date - start).total_seconds() / span))
    parts.append((freshness, "later in the week"))
    total = round(sum(value for value, _ in parts), 3)
    return total, [f"{label} (+{value:.2f})" if value >= 0 else f"{label} ({value:.2f})" for value, label in parts if value]
