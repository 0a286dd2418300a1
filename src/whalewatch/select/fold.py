"""Fold items about the same event into one cluster.

Three kinds of evidence, strongest first: the same canonical URL, the same global GUID, and
near-duplicate wording within a few days (English and Chinese compared through ``text.tokens``).
Wording alone never joins two items that name different releases (R1 vs R1-Zero, V3 vs V3.1).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from ..model import Item
from .text import model_ids, tokens

MAX_GAP = timedelta(days=4)
_COMMON_TOKEN_SHARE = 0.25   # tokens in more than this share of the week's items don't suggest pairs


@dataclass(frozen=True)
class Thresholds:
    title_jaccard: float = 0.5        # IDF-weighted: shared rare words count, shared common ones barely
    title_containment: float = 0.7
    strong_containment: float = 0.6   # with four or more shared words, no body check needed
    text_cosine: float = 0.45
    body_jaccard: float = 0.2


class _UnionFind:
    def __init__(self, size: int):
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _global_guid(guid: str) -> bool:
    """Only GUIDs that could be unique across sources (URLs, URNs, long ids) say two items are one."""
    return len(guid) >= 12 and not guid.isdigit()


def fold(items: list[Item], thresholds: Thresholds = Thresholds()) -> list[list[Item]]:
    """Clusters in a stable order (by their earliest item); each cluster sorted by date then key."""
    items = sorted(items, key=lambda i: (i.date, i.key))
    uf = _UnionFind(len(items))
    _join_equal(uf, [i.canonical_url for i in items])
    _join_equal(uf, [i.guid if _global_guid(i.guid) else "" for i in items])
    _join_similar(uf, items, thresholds)
    groups: dict[int, list[Item]] = defaultdict(list)
    for index, item in enumerate(items):
        groups[uf.find(index)].append(item)
    return [groups[root] for root in sorted(groups)]


def _join_equal(uf: _UnionFind, keys: list[str]) -> None:
    first: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key:
            if key in first:
                uf.union(first[key], index)
            else:
                first[key] = index


def _join_similar(uf: _UnionFind, items: list[Item], thresholds: Thresholds) -> None:
    titles = [frozenset(tokens(i.title)) for i in items]
    bodies = [frozenset(tokens(i.summary_text[:600])) for i in items]
    weights = _idf([t | b for t, b in zip(titles, bodies)])
    ids = [model_ids(f"{i.title} {i.summary_text[:300]}") for i in items]
    title_ids = [model_ids(i.title) for i in items]
    postings: dict[str, list[int]] = defaultdict(list)
    for index, words in enumerate(titles):
        for word in words:
            postings[word].append(index)
    limit = max(4, int(len(items) * _COMMON_TOKEN_SHARE))
    candidates: set[tuple[int, int]] = set()
    for members in postings.values():
        if len(members) <= limit:
            candidates.update((a, b) for n, a in enumerate(members) for b in members[n + 1:])
    for a, b in sorted(candidates):
        if abs(items[a].date - items[b].date) > MAX_GAP:
            continue
        if _different_releases(title_ids[a], title_ids[b], ids[a], ids[b]):
            continue
        if similar(titles[a], titles[b], bodies[a], bodies[b], weights, thresholds):
            uf.union(a, b)


def _idf(documents: list[frozenset]) -> dict[str, float]:
    """Words in many of the week's titles (deepseek, china) say little about which event it is."""
    counts: dict[str, int] = defaultdict(int)
    for words in documents:
        for word in words:
            counts[word] += 1
    total = len(documents) or 1
    return {word: math.log(1 + total / count) for word, count in counts.items()}


def _different_releases(title_a: frozenset, title_b: frozenset, all_a: frozenset, all_b: frozenset) -> bool:
    if title_a and title_b:
        return title_a != title_b
    if title_a or title_b:
        named = title_a or title_b
        other = all_b if title_a else all_a
        return bool(other) and not named <= other
    return False


def similar(title_a: frozenset, title_b: frozenset, body_a: frozenset, body_b: frozenset,
            weights: dict[str, float] | None = None, thresholds: Thresholds = Thresholds()) -> bool:
    if not title_a or not title_b:
        return False
    weight = (lambda words: sum(weights.get(w, 1.0) for w in words)) if weights else len
    common = title_a & title_b
    if len(common) < 2:
        return False
    shared = weight(common)
    jaccard = shared / weight(title_a | title_b)
    containment = shared / min(weight(title_a), weight(title_b))
    if jaccard >= thresholds.title_jaccard:
        return True
    if containment >= thresholds.strong_containment and len(common) >= 4:
        return True
    if containment >= thresholds.title_containment and len(common) >= 3:
        text_a, text_b = title_a | body_a, title_b | body_b
        if weight(text_a & text_b) / weight(text_a | text_b) >= thresholds.body_jaccard:
            return True
    return weights is not None and _cosine(title_a, body_a, title_b, body_b, weights) >= thresholds.text_cosine


def _cosine(title_a: frozenset, body_a: frozenset, title_b: frozenset, body_b: frozenset, weights: dict[str, float]) -> float:
    """IDF cosine over title (counted twice) and summary: catches reports that word the headline differently."""
    def vector(title: frozenset, body: frozenset) -> dict[str, float]:
        vec = {w: weights.get(w, 1.0) for w in body}
        for w in title:
            vec[w] = vec.get(w, 0.0) + 2 * weights.get(w, 1.0)
        return vec

    va, vb = vector(title_a, body_a), vector(title_b, body_b)
    dot = sum(value * vb[w] for w, value in va.items() if w in vb)
    norm = math.sqrt(sum(v * v for v in va.values())) * math.sqrt(sum(v * v for v in vb.values()))
    return dot / norm if norm else 0.0
