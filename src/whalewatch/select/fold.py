"""Fold items about the same event into one cluster.

Evidence, strongest first: the same canonical URL and the same global GUID join items outright.
Then wording: each pair of items close in time gets a similarity (an IDF-weighted cosine of
title and summary words, English and Chinese compared through ``text.tokens``), and groups are
merged best pair first, as long as the two groups are alike on average, not just through one
pair (which would let a vague item chain two events together). Wording never joins items that
name different releases (R1 vs R1-Zero, V3 vs V3.1) or different instalments (day 2 vs day 3).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from ..model import Item
from .text import essay_shaped, has_cjk, instalments, model_ids, names, release_family, releases_in_order, title_numbers, tokens

MAX_GAP = timedelta(days=4)
NEVER = -1.0                 # the score of two items that cannot be one event, whatever their words
DISTINCT_NAMES = 0.5         # the weight left to wording when each item names someone the other does not
ESSAY_AND_REPORT = 0.5       # ... and when one is commentary (a question, "Interview:") and the other a report
ALL_PAIRS_BELOW = 400        # a week smaller than this compares every pair; a larger one uses blocking
_COMMON_TOKEN_SHARE = 0.05   # in a large week, words in more than this share of items do not suggest pairs
_MIN_DOCUMENTS = 30          # IDF is computed as if a week had at least this many items


@dataclass(frozen=True)
class Thresholds:
    pair: float = 0.18         # a pair this alike may start or join a group (IDF cosine, 0..1)
    group: float = 0.12        # two groups merge only if their items are this alike on average


@dataclass
class _Features:
    """What one item offers for comparison, computed once."""

    title: frozenset[str]
    body: frozenset[str]
    portable: frozenset[str]    # words that exist in both languages: no Chinese character bigrams
    chinese: bool
    title_ids: frozenset[str]
    title_families: dict[str, frozenset[str]]   # release family -> the releases of it the title names
    all_families: dict[str, frozenset[str]]     # ... that the title or the summary names
    parts: frozenset[str]
    names: frozenset[str]       # who or what the title is about (Azure, Amazon, FlashMLA)
    subject: str                # the first release the title names: what it is about
    numbers: frozenset[str]     # standalone numbers in the title (issue 398)
    essay: bool                 # commentary about news rather than a report of it


class _UnionFind:
    def __init__(self, size: int):
        self.parent = list(range(size))
        self.members: dict[int, list[int]] = {i: [i] for i in range(size)}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            keep, gone = min(ra, rb), max(ra, rb)
            self.parent[gone] = keep
            self.members[keep] += self.members.pop(gone)


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


def _features(item: Item) -> _Features:
    summary = item.summary_text[:600]
    title, body = frozenset(tokens(item.title)), frozenset(tokens(summary))
    words = title | body
    ordered = releases_in_order(item.title, bare_versions=True)
    title_ids = frozenset(ordered)
    return _Features(title, body, frozenset(w for w in words if not has_cjk(w)), has_cjk(item.title), title_ids,
                     _families(title_ids), _families(title_ids | model_ids(summary)),
                     frozenset(instalments(f"{item.title} {summary}")), names(item.title, title),
                     ordered[0] if ordered else "", title_numbers(item.title), essay_shaped(item.title))


def _join_similar(uf: _UnionFind, items: list[Item], thresholds: Thresholds) -> None:
    features = [_features(i) for i in items]
    weights = _idf([f.title | f.body for f in features])
    cache: dict[tuple[int, int], float] = {}

    def score(a: int, b: int) -> float:
        key = (a, b) if a < b else (b, a)
        if key not in cache:
            cache[key] = _score(items[a], items[b], features[a], features[b], weights)
        return cache[key]

    pairs = [(score(a, b), a, b) for a, b in _candidates(features)]
    for value, a, b in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if value < thresholds.pair:
            break
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            continue
        group_a, group_b = uf.members[ra], uf.members[rb]
        cross = [score(x, y) for x in group_a for y in group_b]
        if min(cross) > NEVER and sum(cross) / len(cross) >= thresholds.group:
            uf.union(a, b)


def _candidates(features: list[_Features]) -> list[tuple[int, int]]:
    """Which pairs to score: all of them in a small week; in a large one, pairs that share a rare
    title word, or a release name (which may be common that week and still tell events apart)."""
    count = len(features)
    if count < ALL_PAIRS_BELOW:
        return [(a, b) for a in range(count) for b in range(a + 1, count)]
    releases = set().union(*(f.title_ids for f in features))
    postings: dict[str, list[int]] = defaultdict(list)
    for index, f in enumerate(features):
        for word in f.title:
            postings[word].append(index)
    limit = max(8, int(count * _COMMON_TOKEN_SHARE))
    pairs: set[tuple[int, int]] = set()
    for word, members in postings.items():
        if len(members) <= (limit * 4 if word in releases else limit):
            pairs.update((a, b) for n, a in enumerate(members) for b in members[n + 1:])
    return sorted(pairs)


def _idf(documents: list[frozenset]) -> dict[str, float]:
    """Words in many of the week's items (deepseek, china, model) say little about which event it is."""
    counts: dict[str, int] = defaultdict(int)
    for words in documents:
        for word in words:
            counts[word] += 1
    total = max(len(documents), _MIN_DOCUMENTS)
    return {word: math.log(1 + total / count) for word, count in counts.items()}


def _score(a: Item, b: Item, fa: _Features, fb: _Features, weights: dict[str, float]) -> float:
    """NEVER when the two cannot be one event; otherwise how alike their words are (0..1)."""
    if abs(a.date - b.date) > MAX_GAP:
        return NEVER
    if _different_releases(fa, fb) or (fa.parts and fb.parts and fa.parts != fb.parts):
        return NEVER
    if fa.numbers and fb.numbers and not fa.numbers & fb.numbers:
        return NEVER                 # "Import AI 397" and "Import AI 398"
    if fa.chinese != fb.chinese:
        # Across languages only words both can have count: lexicon words, names, figures.
        value = _cosine(fa.title & fa.portable, fa.body & fa.portable, fb.title & fb.portable, fb.body & fb.portable, weights)
    else:
        value = _cosine(fa.title, fa.body, fb.title, fb.body, weights)
    if fa.names - (fb.title | fb.body) and fb.names - (fa.title | fa.body):
        value *= DISTINCT_NAMES      # each is about someone the other never mentions: Azure vs Amazon
    if fa.essay != fb.essay:
        value *= ESSAY_AND_REPORT    # "What tariffs would do" is a story of its own beside "Trump proposes tariffs"
    return value


def _different_releases(fa: _Features, fb: _Features) -> bool:
    """R1 vs R1-Zero, V3 vs V3.1: releases of one family that the two cannot both be about.

    A title naming GPT-4o or FP8 beside V3 does not contradict one naming V3 alone (other
    families), and "DeepSeek updates V3" whose summary names V3-0324 is about V3-0324: a title's
    names only contradict the other item if its whole text does not name them too.
    """
    if fa.subject and fb.subject and release_family(fa.subject) != release_family(fb.subject):
        return True                  # "DeepSeek releases R1" and "DeepSeek releases V3"
    for family in fa.title_families.keys() | fb.title_families.keys():
        a_unmet = _unmet(fa.title_families.get(family), fb.all_families.get(family))
        b_unmet = _unmet(fb.title_families.get(family), fa.all_families.get(family))
        both_name_it = family in fa.title_families and family in fb.title_families
        if (a_unmet and b_unmet) if both_name_it else (a_unmet or b_unmet):
            return True
    return False


def _unmet(named: frozenset[str] | None, other_text: frozenset[str] | None) -> bool:
    """A title names releases of a family the other item mentions too, but not these ones."""
    return named is not None and other_text is not None and not named <= other_text


def _families(ids: frozenset[str]) -> dict[str, frozenset[str]]:
    grouped: dict[str, set[str]] = defaultdict(set)
    for release in ids:
        grouped[release_family(release)].add(release)
    return {family: frozenset(members) for family, members in grouped.items()}


def _cosine(title_a: frozenset, body_a: frozenset, title_b: frozenset, body_b: frozenset, weights: dict[str, float]) -> float:
    """IDF cosine over the title (counted twice) and the summary."""
    def vector(title: frozenset, body: frozenset) -> dict[str, float]:
        vec = {w: weights.get(w, 1.0) for w in body}
        for w in title:
            vec[w] = vec.get(w, 0.0) + 2 * weights.get(w, 1.0)
        return vec

    va, vb = vector(title_a, body_a), vector(title_b, body_b)
    if len(va.keys() & vb.keys()) < 2:
        return 0.0
    dot = sum(value * vb[w] for w, value in va.items() if w in vb)
    norm = math.sqrt(sum(v * v for v in va.values())) * math.sqrt(sum(v * v for v in vb.values()))
    return dot / norm if norm else 0.0


def similar(a: Item, b: Item) -> float:
    """The similarity of two items on their own (for explanations and tests); NEVER means never one event."""
    return _score(a, b, _features(a), _features(b), _idf([]))
