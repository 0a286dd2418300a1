"""Fold items about the same event into one cluster.

Evidence, strongest first: the same canonical URL and the same global GUID join items outright.
Then wording: each candidate pair of items close in time gets a similarity, and groups are merged
best pair first, as long as the two groups are alike on average, not just through one pair (which
would let a vague item chain two events together). Wording never joins items that name different
releases (R1 vs R1-Zero, V3 vs V3.1) or different instalments (day 2 vs day 3).

The similarity is a weighted coverage: how much of each item's wording (IDF-weighted, the title
counting three times, weights squared) the other item meets, combined as a geometric mean; where
both items use the very same words this is exactly their cosine. A Chinese word is met by the same word, or by an English word among its
dictionary glosses (``lexicon``), so reports meet across languages and scripts.

Candidates: a small week compares every pair; a large one takes the pairs that share rare words,
found with one sparse matrix product, so cost grows close to linearly with the week.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields
from functools import lru_cache, partial
from typing import Callable, Iterable, TypeVar
from itertools import accumulate, chain
from datetime import datetime, timedelta

from ..model import Item
from .lexicon import STOPWORDS, Lexicon, capital_table, gloss_strength, places, stem, synonym_table, synonyms
from .parallel import in_two_halves, may_fork
from .readings import Readings, digest, pack, unpack
from .text import EDITIONS, Reading, acronyms, essay_shaped, foreign_names, headline_context, lead_word, has_cjk, initialisms, instalments, model_ids, names, read, release_family, releases_in_order, numbered_apart, title_numbers

MAX_GAP = timedelta(days=4)
FRAMING_SPREAD = MAX_GAP / 2   # a name framing the week is in titles this far apart; one story's reports come closer
NEVER = -1.0                 # the score of two items that cannot be one event, whatever their words
DISTINCT_NAMES = 0.35        # the weight left to wording when each item names only someone the other does not
DIFFERENT_PLACES = 0.25      # ... and when their titles name different countries, neither naming the other's
ESSAY_AND_REPORT = 0.25      # ... and when one is commentary (a question, "Interview:") and the other a report
ESSAY_OF_THE_EVENT = 0.5     # ... unless their words are this alike: 'What to know about the explosion in Beirut' is its report
FOLLOWED_FROM = 0.25         # ... and when one title gives the other's event as its context ('after…')
UNMET_HEADLINE = 0.7         # ... and when what one title says happened is nowhere in the other report
OTHER_FIGURES = 0.35         # ... and when both titles give percentages and none is the same
SYNONYM = 0.6                # what an English word met only by a synonym counts ('detains' for 'arrested')
ALL_PAIRS_BELOW = 300        # a week smaller than this compares every pair; a larger one uses candidates
CANDIDATES_PER_ITEM = 6      # in a large week, the most alike items each item is compared with
# Offices that headlines put before a name ('President Biden', 美国总统拜登): who someone is, not
# what happened, so two titles sharing one have not yet said the same thing happened.
OFFICES = frozenset(stem(w) for w in "president premier minister chancellor chairman chairwoman ceo governor "
                    "mayor secretary king queen prince pope spokesman spokeswoman".split())
_MIN_DOCUMENTS = 30          # IDF is computed as if a week had at least this many items
_SUMMARY_CHARS = 320         # the lead of a summary says what the event is; the rest adds noise and time
_EXACT_GROUPS = 36           # groups whose pairs number more than this are compared through their candidate pairs


@dataclass(frozen=True)
class Thresholds:
    pair: float = 0.14         # a pair this alike may start or join a group (weighted coverage, 0..1)
    group: float = 0.10        # two groups merge only if their items are this alike on average


@dataclass
class _Features:
    """What one item offers for comparison, computed once."""

    title: frozenset[str]
    body: frozenset[str]
    glosses: dict[str, frozenset[str]]          # Chinese word -> English stems
    expanded: frozenset[str]                    # every unit, and every gloss of a Chinese one
    chinese: bool
    title_ids: frozenset[str]
    title_families: dict[str, frozenset[str]]   # release family -> the releases of it the title names
    all_families: dict[str, frozenset[str]]     # ... that the title or the summary names
    parts: frozenset[str]
    names: frozenset[str]       # who or what the title is about (Azure, Amazon, 英伟达)
    subject: str                # the first release the title names: what it is about
    numbers: frozenset[tuple[str, str]]   # standalone numbers in the title, each after its word (('ai', '398'))
    essay: bool                 # commentary about news rather than a report of it
    lead_word: str              # a headline's first word, when capitalised: usually who the story is about
    places: frozenset[str] = frozenset()   # the countries and regions the title names (Australia, 台湾 -> taiwan)
    squares: dict[str, float] = field(default_factory=dict)  # unit -> its weight squared, once the week's IDF is known
    units: frozenset[str] = frozenset()
    norm: float = 0.0
    headline: frozenset[str] = frozenset()  # what the title says happened: its words but names, places and offices
    sounds: dict[str, frozenset[str]] | None = None   # a foreign name's unit -> how it sounds (None: not yet read)
    sound_keys: frozenset[str] = frozenset()
    synonymous: tuple[str, ...] = ()   # its English units that have synonyms (few; the synonyms are looked up)
    context: frozenset[str] = frozenset()   # the event its title names as context ('after Russia invades Ukraine'), glosses too
    acronyms: frozenset[str] = frozenset()  # what it writes as an acronym (who, fdic, miit)
    spelled: dict[str, str] | None = None   # an acronym another report writes -> the name it spells here


@dataclass
class FoldResult:
    """The clusters, and for each one, why its items were joined: written out only for the clusters
    asked about (a week of 20,000 items shows a few dozen stories)."""

    clusters: list[list[Item]]
    joins: dict[str, list[Callable[[], str]]]   # item key of a cluster's first item -> its joins, as text on demand
    week: WeekReading | None = None             # the items as folding read them, for ``match_clusters``; drop it after

    @property
    def reasons(self) -> dict[str, list[str]]:
        return {key: self.reasons_for(key) for key in self.joins}

    def reasons_for(self, key: str) -> list[str]:
        return [explain() for explain in self.joins.get(key, [])]


@dataclass
class WeekReading:
    """The week's reports as folding read and weighed them. An editor's pick that names no report's
    address is compared with the week's reports; reading 20,000 reports a second time for it took
    seconds and a hundred megabytes, so the fold's reading is kept for it instead."""

    position: dict[str, int]     # item key -> its features
    features: list[_Features]
    counts: Counter[str]         # unit -> how many of the week's items have it, for the IDF of a pick's words


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


def _syndication_guids(items: list[Item]) -> list[str]:
    """A GUID joins copies of one article carried by different feeds. Within one feed, two items
    that share a GUID but not an address are a reused GUID (the store kept them apart), so only
    the first of them takes part."""
    taken: set[tuple[str, str]] = set()
    keys = []
    for item in items:
        usable = _global_guid(item.guid) and (item.feed, item.guid) not in taken
        taken.add((item.feed, item.guid))
        keys.append(item.guid if usable else "")
    return keys


def fold(items: list[Item], thresholds: Thresholds = Thresholds(), lexicon: Lexicon | None = None) -> list[list[Item]]:
    """Clusters in a stable order (by their earliest item); each cluster sorted by date then key."""
    return fold_explained(items, thresholds, lexicon).clusters


def fold_explained(items: list[Item], thresholds: Thresholds = Thresholds(), lexicon: Lexicon | None = None,
                   readings: Readings | None = None) -> FoldResult:
    """``readings``, when given, are the readings kept from earlier runs; those made here are added to it."""
    items = sorted(items, key=lambda i: (i.date, i.key))
    uf = _UnionFind(len(items))
    why: dict[int, list[Callable[[], str]]] = defaultdict(list)
    _join_equal(uf, [i.canonical_url for i in items], why, "the same address")
    _join_equal(uf, _syndication_guids(items), why, "the same GUID")
    week = _join_similar(uf, items, thresholds, lexicon or Lexicon(), why, readings)
    groups: dict[int, list[Item]] = defaultdict(list)
    joins: dict[int, list[Callable[[], str]]] = defaultdict(list)
    for index, item in enumerate(items):
        groups[uf.find(index)].append(item)
        joins[uf.find(index)].extend(why.get(index, []))
    clusters = [groups[root] for root in sorted(groups)]
    return FoldResult(clusters, {groups[root][0].key: joins[root] for root in sorted(groups) if joins[root]}, week)


def _join_equal(uf: _UnionFind, keys: list[str], why: dict[int, list[Callable[[], str]]], evidence: str) -> None:
    first: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key:
            if key in first:
                if uf.find(first[key]) != uf.find(index):
                    why[index].append(partial(str, f"joined by {evidence}: {key}"))
                uf.union(first[key], index)
            else:
                first[key] = index


def _features(item: Item, lexicon: Lexicon) -> _Features:
    summary = item.summary_text[:_SUMMARY_CHARS]
    reported, context = headline_context(item.title)
    title_reading, body_reading = read(reported, lexicon, headline=True), read(summary, lexicon)
    context_reading = read(context, lexicon) if context else Reading()   # the title's context counts as body text
    title, body = frozenset(title_reading.units), frozenset(body_reading.units + context_reading.units)
    glosses = {**context_reading.glosses, **body_reading.glosses, **title_reading.glosses}
    expanded = set(title | body)
    for meaning in glosses.values():
        expanded |= meaning
    expanded |= _countries_of_capitals(expanded)
    in_text = model_ids(summary)
    ordered = [_named_whole(release, in_text) for release in releases_in_order(item.title, bare_versions=True)]
    title_ids = frozenset(ordered)
    known_places = places()
    title_places = frozenset(title & known_places) | frozenset(
        g for u in title for g in title_reading.glosses.get(u, ()) if g in known_places and len(title_reading.glosses[u]) <= 3)
    features = _Features(title, body, glosses, frozenset(expanded), has_cjk(item.title), title_ids,
                     _families(title_ids), _families(title_ids | in_text),
                     frozenset(instalments(f"{item.title} {summary}")), names(item.title, summary, title_reading.proper),
                     ordered[0] if ordered else "", title_numbers(item.title), essay_shaped(item.title),
                     lead_word(item.title), title_places)
    features.context = frozenset(context_reading.units).union(*context_reading.glosses.values())
    _read_acronyms(item, summary, features)
    if features.chinese:
        features.sounds = _chinese_sounds(title_reading, body_reading, context_reading)
        features.sound_keys = frozenset(chain.from_iterable(features.sounds.values()))
    for name in _SETS:
        if not getattr(features, name):
            setattr(features, name, _NONE)
    return features


def _named_whole(release: str, in_text: frozenset[str]) -> str:
    """A headline drops the edition of a release its own summary gives whole ('Qwen 2.5' over
    'Qwen 2.5-Max'): the release is the whole name, when the summary gives one such edition and
    not the short name. Only an edition's name: R1 over a summary naming R1-Zero is still R1."""
    if release in in_text:
        return release
    longer = [other for other in in_text if other.startswith(release + "-") and other[len(release) + 1:] in EDITIONS]
    return longer[0] if len(longer) == 1 else release


# An empty frozenset is a new object of 216 bytes each time (Python 3.11): most of an item's sets
# are empty, and in a week of 20,000 items one shared empty set for them saves about 30 MB.
_NONE: frozenset[str] = frozenset()
_SETS = ("title_ids", "parts", "names", "numbers", "places", "context", "sound_keys", "acronyms")


def _read_acronyms(item: Item, summary: str, f: _Features) -> None:
    """An acronym that is also a common word ('WHO') is a unit too; the name it stands for meets it
    only in a week where some report writes it (``_spell_out_acronyms``)."""
    known_places = places()
    f.acronyms = frozenset(a for a in acronyms(f"{item.title}\n{summary}") if stem(a) not in known_places)   # US is America
    spoken = {a for a in acronyms(item.title) if a in STOPWORDS}
    if spoken:
        f.title |= spoken
        f.expanded |= spoken


def _spell_out_acronyms(items: list[Item], features: list[_Features], also_written: frozenset[str] = _NONE) -> None:
    """'World Health Organization' and 'WHO' are one name: a report whose capitalised words make an
    acronym that another report of the week writes gets the acronym as a word of its own, and as
    the name its words were."""
    written = frozenset(chain.from_iterable(f.acronyms for f in features)) | also_written
    if not written:
        return
    for item, f in zip(items, features):
        for text, in_title in ((item.title, True), (item.summary_text[:_SUMMARY_CHARS], False)):
            for acronym, (words, name) in initialisms(text).items():
                if acronym not in written or acronym in f.acronyms:
                    continue
                f.spelled = {**(f.spelled or {}), acronym: name}
                if in_title:
                    f.title |= {acronym}
                else:
                    f.body |= {acronym}
                f.expanded |= {acronym}
                spelled = {stem(w) for w in words}
                if not spelled.isdisjoint(f.names):
                    f.names = (f.names - spelled) | {acronym}


def _weigh_week(items: list[Item], features: list[_Features]) -> Counter[str]:
    """The week's items weighed against each other: acronyms met, then IDF. Returns how many
    items have each unit."""
    _spell_out_acronyms(items, features)
    counts = _unit_counts(features)
    weights = _idf(counts, len(features))
    for f in features:
        _weigh(f, weights)
    return counts


def _countries_of_capitals(words: set[str] | frozenset[str]) -> set[str]:
    """News names a country by its capital ('Kyiv's forces', 'Beijing says', 莫斯科): the country too."""
    capitals = capital_table()
    return {capitals[word] for word in capitals.keys() & words}


def _chinese_sounds(*readings: Reading) -> dict[str, frozenset[str]]:
    """The sound keys of a Chinese report's unlisted names. An English report's are read only when
    it is compared with a Chinese one (``_sounds``), which in most weeks most reports never are."""
    sounds: dict[str, frozenset[str]] = {}
    for reading in readings:
        for unit, keys in reading.sounds.items():
            sounds[unit] = sounds.get(unit, frozenset()) | keys
    return sounds


def _sounds(item: Item, f: _Features) -> dict[str, frozenset[str]]:
    """An English report's foreign names and their keys, read the first time it meets a Chinese one."""
    if f.sounds is None:
        f.sounds = foreign_names(f"{item.title}\n{item.summary_text[:_SUMMARY_CHARS]}")
        f.sound_keys = frozenset(chain.from_iterable(f.sounds.values()))
    return f.sounds


T = TypeVar("T")
PARALLEL_FROM = 4000         # a week this large reads its items, and scores its pairs, in two processes


def _all_features(items: list[Item], lexicon: Lexicon, readings: Readings | None = None) -> list[_Features]:
    """Reading the items is most of folding's time in a large week. Readings kept from an earlier
    run are used as they are; the rest are read, split across the cores when the process may fork
    safely (no other threads, as in build and the scheduler's jobs), and noted to be kept."""
    if readings is None:
        return _read_items(items, lexicon)
    keys = reading_keys(items, readings.fingerprint)
    shared: dict[frozenset[str], frozenset[str]] = {}
    found = [_unpacked(readings.kept[key], shared) if key in readings.kept else None for key in keys]
    missing = [index for index, reading in enumerate(found) if reading is None]
    readings.kept = {}                          # decoded: the bytes are not needed again
    for index, blob in zip(missing, _read_items([items[i] for i in missing], lexicon, _packed)):
        readings.made[keys[index]] = blob
        found[index] = _unpacked(blob, shared)
    return found    # type: ignore[return-value]   # every gap is filled above


def reading_keys(items: list[Item], fingerprint: str) -> list[str]:
    """The digests the items' readings are kept under (``readings.digest``)."""
    return [digest(item, _SUMMARY_CHARS, fingerprint) for item in items]


def read_reports(items: list[Item], lexicon: Lexicon, readings: Readings) -> None:
    """Reads the items whose readings are not kept yet, into ``readings.made``; weighs nothing, and
    leaves the kept ones packed (nothing here compares reports)."""
    missing = {key: item for key, item in zip(reading_keys(items, readings.fingerprint), items) if key not in readings.kept}
    readings.made.update(zip(missing, _read_items(list(missing.values()), lexicon, _packed)))


def _read_items(items: list[Item], lexicon: Lexicon, then: Callable[[_Features], T] = lambda f: f) -> list[T]:
    """Each item's reading, made into ``then``'s result where it is read: a kept reading is packed
    in the worker that read it (in a large week), so the bytes are what travel back."""
    def read_range(start: int, end: int) -> list[T]:
        return [then(_features(i, lexicon)) for i in items[start:end]]

    if len(items) >= PARALLEL_FROM:
        lexicon.segmenter                       # built once, before the fork, and shared (a small week builds it only for Chinese)
    return _two_cores_if_large(read_range, len(items), len(items))


_FIELDS = tuple(f.name for f in fields(_Features))


def _packed(features: _Features) -> bytes:
    """A reading as it is kept: taken before the week weighs it, so it holds only what the report says."""
    return pack(tuple(getattr(features, name) for name in _FIELDS))


def _unpacked(blob: bytes, shared: dict[frozenset[str], frozenset[str]] | None = None) -> _Features | None:
    """A kept reading. ``shared``: the meanings already unpacked this run, so that a gloss many
    reports have (英伟达's) is one set, as it is when the dictionary hands it out."""
    values = unpack(blob, len(_FIELDS))
    if values is None:
        return None
    features = _Features(*values)
    for name in _SETS:
        if not getattr(features, name):
            setattr(features, name, _NONE)
    if shared is not None:
        for meanings in (features.glosses, features.sounds or {}):
            for word, meaning in meanings.items():
                meanings[word] = shared.setdefault(meaning, meaning)
    return features


def _scores(pairs: list[tuple[int, int]], items: list[Item], features: list[_Features]) -> list[float]:
    """Every candidate pair's score; in a large week, half of them on the second core. A worker's
    lazily read sounds of English reports stay in the worker; this process reads them again when
    it needs them, which gives the same values."""
    def score_range(start: int, end: int) -> list[float]:
        return [_score(items[a], items[b], features[a], features[b]) for a, b in pairs[start:end]]

    return _two_cores_if_large(score_range, len(pairs), len(items))


def _two_cores_if_large(work: Callable[[int, int], list[T]], count: int, week: int) -> list[T]:
    """``work`` over ``range(count)``: in two forked processes for a week of ``PARALLEL_FROM``
    items or more when forking is safe, else here (a small week would pay more to fork than it saves)."""
    if week < PARALLEL_FROM or not may_fork():
        return work(0, count)
    return in_two_halves(work, count)


def _join_similar(uf: _UnionFind, items: list[Item], thresholds: Thresholds, lexicon: Lexicon,
                  why: dict[int, list[Callable[[], str]]], readings: Readings | None) -> WeekReading:
    features = _all_features(items, lexicon, readings)
    counts = _weigh_week(items, features)
    _drop_framing_names(items, features)
    week = WeekReading({item.key: n for n, item in enumerate(items)}, features, counts)
    cache: dict[tuple[int, int], float] = {}

    def score(a: int, b: int) -> float:
        key = (a, b) if a < b else (b, a)
        if key not in cache:
            cache[key] = _score(items[a], items[b], features[a], features[b])
        return cache[key]

    candidates = _candidates(items, features)
    values = _scores(candidates, items, features)
    cache.update(zip(candidates, values))
    pairs = [(value, a, b) for (a, b), value in zip(candidates, values)]
    neighbours: dict[int, set[int]] = defaultdict(set)
    for _, a, b in pairs:
        neighbours[a].add(b)
        neighbours[b].add(a)
    for value, a, b in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if value < thresholds.pair:
            break
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            continue
        group_a, group_b = uf.members[ra], uf.members[rb]
        exact = len(group_a) * len(group_b) <= _EXACT_GROUPS
        if exact:
            cross = [score(x, y) for x in group_a for y in group_b]
        else:
            small, large = (group_a, group_b) if len(group_a) <= len(group_b) else (group_b, group_a)
            members = set(large)
            cross = [cache.get((min(x, y), max(x, y)), 0.0) for x in small for y in neighbours[x] & members]
            cross += [0.0] * (len(group_a) * len(group_b) - len(cross))
        if _groups_alike(cross, len(group_b), exact, thresholds.group) and not _places_apart(group_a, group_b, features):
            why[max(a, b)].append(partial(_why, items[a], items[b], features[a], features[b], value))
            uf.union(a, b)
    return week


def _groups_alike(cross: list[float], width: int, exact: bool, group: float) -> bool:
    """The rule for two groups (or a report and a group) becoming one story, from the scores of
    their pairs (``cross``, rows of ``width``): none never one event, alike on average, and, when
    every pair was scored (``exact``), no report alike to none of the other group's."""
    return min(cross) > NEVER and sum(cross) / len(cross) >= group and not (exact and _stranger(cross, width))


def _stranger(cross: list[float], width: int) -> bool:
    """A report of one group alike to no report of the other, or the reverse ('Azure outage' in a
    group with 'Global IT outage', beside two CrowdStrike reports): it came in through one
    neighbour, and two groups joined that way would make it a member of a story it shares no word with."""
    rows = [cross[i:i + width] for i in range(0, len(cross), width)]
    return any(max(row) <= 0 for row in rows) or any(max(column) <= 0 for column in zip(*rows))


def _places_apart(group_a: list[int], group_b: list[int], features: list[_Features]) -> bool:
    """Two groups whose reports name different countries, one in each, stay apart even when a
    report naming no country (a ministry's notice) is like both: it belongs to one of them, and
    Australia's ban and Taiwan's are still two stories."""
    placed_a = [features[i] for i in group_a if features[i].places]
    placed_b = [features[i] for i in group_b if features[i].places]
    if len(placed_a) * len(placed_b) > _EXACT_GROUPS:
        return False
    return any(_different_places(fa, fb) for fa in placed_a for fb in placed_b)


def _why(a: Item, b: Item, fa: _Features, fb: _Features, value: float) -> str:
    """The words that joined two reports, strongest first, a Chinese word shown with the English it met."""
    shared = sorted(((fa.squares[u], _shown(u, fa, fb)) for u in fa.squares if _met(u, fa, fb)), reverse=True)
    words = ", ".join(text for _, text in shared[:8])
    return f"joined by wording ({value:.2f}): {a.title[:60]!r} and {b.title[:60]!r} share {words}"


def _shown(unit: str, fa: _Features, fb: _Features) -> str:
    """A met unit as the explanation shows it: a gloss, a sound or a synonym names what it met."""
    if unit in fb.expanded:
        spelled = (fa.spelled or {}).get(unit) or (fb.spelled or {}).get(unit)
        return f"{unit.upper()}={spelled}" if spelled else unit        # WHO=World Health Organization
    meaning = fa.glosses.get(unit, frozenset())
    met = sorted(meaning & fb.expanded)
    if met:
        return f"{unit}={'/'.join(met[:2])}"
    if _heard(unit, fa, fb):
        keys = (fa.sounds or {}).get(unit, frozenset())
        heard = [other for other, sounds in (fb.sounds or {}).items() if not sounds.isdisjoint(keys)]
        return f"{unit}~{'+'.join(heard[:3])} (by sound)"
    alike = sorted(synonyms(unit) & fb.expanded) if not meaning else []
    return f"{unit}~{'/'.join(alike[:2])} (synonym)" if alike else unit


def _drop_framing_names(items: list[Item], features: list[_Features]) -> None:
    """A name in a large share of the week's titles (the beat's own brand, the countries that frame
    it) tells no two stories apart, so it never counts as a name the other report lacks. A name
    whose titles all fall within two days is one story's unless it is in a third of them: in a
    quiet week, five reports of DeepEP are a large share of the titles, and DeepEP still tells its
    story apart from FlashMLA's; in a day's first fetch, DeepSeek in most titles is still the frame."""
    counts: dict[str, int] = defaultdict(int)
    first: dict[str, datetime] = {}
    last: dict[str, datetime] = {}
    for item, f in zip(items, features):
        for name in f.names:
            counts[name] += 1
            first[name] = min(first.get(name, item.date), item.date)
            last[name] = max(last.get(name, item.date), item.date)
    limit = max(3, len(features) // 10)
    framing = {n for n, c in counts.items()
               if c > limit and (last[n] - first[n] >= FRAMING_SPREAD or 3 * c > len(features))}
    for f in features:
        if not framing.isdisjoint(f.names):
            f.names = frozenset(n for n in f.names if n not in framing)


def _candidates(items: list[Item], features: list[_Features]) -> list[tuple[int, int]]:
    """Which pairs to score: all of them in a small week; in a large one, each item's most alike
    neighbours by rare shared words (title and lead, glosses included), found by a sparse product."""
    count = len(features)
    if count < ALL_PAIRS_BELOW:
        return [(a, b) for a in range(count) for b in range(a + 1, count)]
    from .candidates import similar_pairs          # numpy and scipy load only for a large week
    return similar_pairs([f.squares for f in features], [f.expanded for f in features],
                         [i.date.timestamp() for i in items], MAX_GAP.total_seconds(), CANDIDATES_PER_ITEM,
                         [f.chinese for f in features])


def _unit_counts(features: list[_Features]) -> Counter[str]:
    """An English word is counted in every item that has it or a Chinese word glossed by it."""
    return Counter(chain.from_iterable(f.expanded for f in features))


def _idf(counts: Counter[str], items: int, units: Iterable[str] | None = None) -> dict[str, float]:
    """Words in many of the week's items (deepseek, china, model) say little about which event it
    is. Only ``units``, when given, are weighed."""
    total = max(items, _MIN_DOCUMENTS)
    return {word: math.log(1 + total / counts[word]) for word in (counts if units is None else units)}


def _weigh(f: _Features, weights: dict[str, float]) -> None:
    """The item's units with their weights: IDF, the title's counted three times (as it is in the body too)."""
    vector = {w: weights.get(w, 1.0) for w in f.body}
    for w in f.title:
        vector[w] = vector.get(w, 0.0) + 2 * weights.get(w, 1.0)
    f.squares = {w: v * v for w, v in vector.items()}
    f.units = f.expanded if len(f.expanded) == len(vector) else frozenset(vector)   # no glosses: one set serves both
    f.norm = sum(f.squares.values())
    who_or_where = f.places | OFFICES
    f.headline = frozenset(u for u in f.title if u not in f.names and u not in who_or_where
                           and f.glosses.get(u, _NONE).isdisjoint(who_or_where)) or _NONE
    table = synonym_table()
    f.synonymous = tuple(u for u in vector if u in table and u not in f.glosses)
    f.title = f.body = _NONE            # folded into ``squares`` and ``units``; a large week need not keep them twice


def _met(unit: str, fa: _Features, fb: _Features) -> bool:
    """Whether the other item has this unit: the same word, or (for a Chinese word) one of its glosses,
    or (for an English word) a Chinese word glossed by it, or a synonym of it."""
    if unit in fb.expanded:
        return True
    meaning = fa.glosses.get(unit)
    if meaning:
        return not meaning.isdisjoint(fb.expanded) or _heard(unit, fa, fb)
    return _heard(unit, fa, fb) or (unit in synonym_table() and not synonyms(unit).isdisjoint(fb.expanded))


def _heard(unit: str, fa: _Features, fb: _Features) -> bool:
    """A foreign name met by its sound in a report in the other language (Prigozhin, 普里戈任)."""
    keys = fa.sounds.get(unit) if fa.sounds and fa.chinese != fb.chinese else None
    return keys is not None and not keys.isdisjoint(fb.sound_keys)


def _coverage(fa: _Features, fb: _Features) -> tuple[float, int]:
    """The share of the item's squared weight that the other item meets, and how many units that is.
    The same words are found by one set intersection; a meeting through a dictionary gloss counts
    as much as the gloss is specific ('nvidia' fully, 'use' a quarter)."""
    hit = fa.units & fb.expanded
    squares = fa.squares
    same = hit if fb.units is fb.expanded else hit & fb.units     # met word for word: the common case
    weight = sum(map(squares.__getitem__, same))
    if len(same) < len(hit):
        for unit in hit - same:                                     # an English word met by a gloss
            weight += squares[unit] * _strength(unit)
    count = len(hit)
    glossed: set[str] = set()
    for unit, meaning in fa.glosses.items():
        if unit not in hit and meaning:
            met = meaning & fb.expanded
            if met:
                weight += squares.get(unit, 0.0) * max(_strength(g) for g in met)
                count += 1
                glossed.add(unit)
    if fa.sounds and fa.chinese != fb.chinese:
        for unit in fa.sounds:
            if unit not in hit and unit not in glossed and _heard(unit, fa, fb):
                weight += squares.get(unit, 0.0)
                count += 1
    for unit in fa.synonymous:
        if unit not in hit:
            met = synonyms(unit) & fb.expanded
            if met:
                weight += squares[unit] * SYNONYM
                count += 1
    return (weight / fa.norm if fa.norm else 0.0), count


@lru_cache(maxsize=100_000)
def _strength(stem: str) -> float:
    return gloss_strength(stem)


def _score(a: Item, b: Item, fa: _Features, fb: _Features) -> float:
    """NEVER when the two cannot be one event; otherwise how alike their words are (0..1)."""
    if abs(a.date - b.date) > MAX_GAP:
        return NEVER
    if _different_releases(fa, fb) or (fa.parts and fb.parts and fa.parts != fb.parts):
        return NEVER
    if numbered_apart(fa.numbers, fb.numbers):
        return NEVER                 # "Import AI 397" and "Import AI 398"
    if fa.chinese != fb.chinese:     # a foreign name may meet its transliteration
        _sounds(a, fa)
        _sounds(b, fb)
    share_a, count_a = _coverage(fa, fb)
    share_b, count_b = _coverage(fb, fa)
    if min(count_a, count_b) < 2:
        return 0.0
    value = math.sqrt(share_a * share_b)
    if _different_places(fa, fb):
        value *= DIFFERENT_PLACES    # Italy blocks DeepSeek, Australia bans it: two governments, two stories
    if _different_subjects(fa, fb):
        value *= DISTINCT_NAMES      # 'Alphabet quarterly revenue…' and 'Tesla quarterly profit…'
    else:                            # each is about someone the other never mentions: Azure vs Amazon
        value *= 1 - (1 - DISTINCT_NAMES) * min(_unmet_share(fa, fb), _unmet_share(fb, fa))
    if _headline_unmet(fa, fb) or _headline_unmet(fb, fa):
        value *= UNMET_HEADLINE      # 'Customs halts Japanese seafood' beside 'Japan starts releasing Fukushima water'
    if _other_figures(fa, fb):
        value *= OTHER_FIGURES       # 'tariffs raised to 84%' beside 'tariffs raised to 125%': two decisions
    if _followed_from(fa, fb) or _followed_from(fb, fa):
        value *= FOLLOWED_FROM       # 'Regional bank shares plunge after SVB collapse' beside 'SVB is shut down'
    if fa.essay != fb.essay and value < ESSAY_OF_THE_EVENT:
        value *= ESSAY_AND_REPORT    # "What tariffs would do" is a story of its own beside "Trump proposes tariffs"
    return value


def _headline_unmet(fa: _Features, fb: _Features) -> bool:
    """Nothing a title says happened (its words, names and places aside) is anywhere in the other
    report. Two reports of one event share at least a word of it; a report that mentions the
    other's event only as background (the seafood ban's 'after the Fukushima discharge') does not."""
    return bool(fa.headline) and not any(_met(u, fa, fb) for u in fa.headline)


def _followed_from(fa: _Features, fb: _Features) -> bool:
    """The other title names this report's event as its context ('Oil tops $100 after Russia
    invades Ukraine' beside 'Russia launches invasion'), and what it reports besides that context
    is nowhere in this report: a story that followed from this one, not another report of it. A
    gloss counts only as one of this report's own words (地区's 'unit' is not met by 美国's)."""
    if not fb.context or not fa.headline:
        return False
    if not any(u in fb.context or not fa.glosses.get(u, frozenset()).isdisjoint(fb.context) for u in fa.headline):
        return False
    own = [u for u in fb.headline if u not in fb.context]
    return bool(own) and not any(_name_met(u, fb, fa) for u in own)


def _other_figures(fa: _Features, fb: _Features) -> bool:
    """Each title gives a percentage and they have none in common. A headline's figure is the news
    (a rate, a tariff, a growth target); two reports of one decision give the same one, and a title
    that gives the old figure beside the new ('from 34% to 84%') still shares the new."""
    a = {u for u in fa.headline if u.endswith("pct")}
    b = {u for u in fb.headline if u.endswith("pct")}
    return bool(a) and bool(b) and a.isdisjoint(b)


def _different_places(fa: _Features, fb: _Features) -> bool:
    """Each title names a country the other report never mentions: two governments, two stories."""
    return bool(fa.places and fb.places and not (fa.places & fb.expanded) and not (fb.places & fa.expanded))


def _different_subjects(fa: _Features, fb: _Features) -> bool:
    """'Alphabet quarterly revenue beats…' and 'Tesla quarterly profit falls…': headlines open with
    their subject; two that open with different ones, neither named by the other, are two stories.
    One that begins the other is its short form ('Fed' and 'Federal Reserve')."""
    a, b = fa.lead_word, fb.lead_word
    return (bool(a) and bool(b) and not a.startswith(b) and not b.startswith(a)
            and a not in fb.expanded and b not in fa.expanded)


def _unmet_share(fa: _Features, fb: _Features) -> float:
    """How much of what a title names the other report never mentions. Only names both sides leave
    unmet weigh fully (Azure vs Amazon); a headline naming one more place or label than the other's
    ('Florida's Big Bend', 'Category 4' beside 'Helene slams Florida… Georgia') weighs as much as it names."""
    if not fa.names:
        return 0.0
    return sum(not _name_met(name, fa, fb) for name in fa.names) / len(fa.names)


def _name_met(name: str, fa: _Features, fb: _Features) -> bool:
    """A name is met by itself, by its translation in the other report's own words, by its sound, or
    (a capital) by its country. Not by a gloss the other report's Chinese words happen to share:
    国务院 (the State Council) is not met by the 'state' of 美国 (the United States)."""
    if name in fb.expanded or _heard(name, fa, fb) or capital_table().get(name) in fb.units:
        return True
    meaning = fa.glosses.get(name)
    return bool(meaning) and any(g in fb.units for g in meaning & fb.expanded)


def _different_releases(fa: _Features, fb: _Features) -> bool:
    """R1 vs R1-Zero, V3 vs V3.1: releases of one family that the two cannot both be about.

    A title naming GPT-4o or FP8 beside V3 does not contradict one naming V3 alone (other
    families), and "DeepSeek updates V3" whose summary names V3-0324 is about V3-0324: a title's
    names only contradict the other item if its whole text does not name them too.
    """
    if (fa.subject and fb.subject and release_family(fa.subject) != release_family(fb.subject)
            and release_family(fa.subject) not in fb.title_families and release_family(fb.subject) not in fa.title_families):
        return True                  # "DeepSeek releases R1" and "DeepSeek releases V3", neither naming the other's
    for family in fa.title_families.keys() | fb.title_families.keys():
        a_unmet = _unmet(fa.title_families.get(family), fb.all_families.get(family), fb.expanded)
        b_unmet = _unmet(fb.title_families.get(family), fa.all_families.get(family), fa.expanded)
        both_name_it = family in fa.title_families and family in fb.title_families
        if (a_unmet and b_unmet) if both_name_it else (a_unmet or b_unmet):
            return True
    return False


def _unmet(named: frozenset[str] | None, other_text: frozenset[str] | None, other_words: frozenset[str] = _NONE) -> bool:
    """A title names releases of a family the other item mentions too, but not these ones. A
    release the other writes apart ('V3.2 Speciale' for 'V3.2-Speciale': the release and the
    edition's word) is one it names."""
    if named is None or other_text is None:
        return False
    return any(release not in other_text and not _written_apart(release, other_text, other_words) for release in named)


def _written_apart(release: str, other_text: frozenset[str], other_words: frozenset[str]) -> bool:
    base, _, edition = release.rpartition("-")
    return bool(base) and base in other_text and edition.isalpha() and stem(edition) in other_words


def _families(ids: frozenset[str]) -> dict[str, frozenset[str]]:
    grouped: dict[str, set[str]] = defaultdict(set)
    for release in ids:
        grouped[release_family(release)].add(release)
    return {family: frozenset(members) for family, members in grouped.items()}


def similar(a: Item, b: Item, lexicon: Lexicon | None = None) -> float:
    """The similarity of two items on their own (for explanations and tests); NEVER means never one event."""
    lexicon = lexicon or Lexicon()
    fa, fb = _features(a, lexicon), _features(b, lexicon)
    _weigh_week([a, b], [fa, fb])
    return _score(a, b, fa, fb)


def match_clusters(probes: list[Item], clusters: list[list[Item]], lexicon: Lexicon,
                   threshold: float = Thresholds().pair, week: WeekReading | None = None,
                   whole: bool = False) -> list[tuple[int | None, str]]:
    """For each probe (an editor's link with its commentary), the cluster it is about, if any, and why.

    The probe is compared with the week's reports (in a large week, those sharing a word few
    reports use) by the same similarity folding uses, with the week's IDF; the best cluster above
    ``threshold`` wins. With the fold's ``week`` the reports are not read again: only the probes
    are read, and weighed by the week's counts and their own. With ``whole``, the probe must also
    be alike to the cluster as a whole, by the rule that joins a report to a story when folding (a
    report the probe never reached in a large week counts as unlike it): an editor's link may name
    one report of a story, but a story said to continue must be one."""
    items = [item for cluster in clusters for item in cluster]
    owner = [n for n, cluster in enumerate(clusters) for _ in cluster]
    offsets = list(accumulate((len(c) for c in clusters), initial=0))      # a cluster's reports lie side by side
    probe_features = [_features(p, lexicon) for p in probes]
    if week is not None and all(item.key in week.position for item in items):
        features = [week.features[week.position[item.key]] for item in items]
        _spell_out_acronyms(probes, probe_features, frozenset(chain.from_iterable(f.acronyms for f in week.features)))
        counts = week.counts
        probe_counts = Counter({unit: counts[unit] + n for unit, n in _unit_counts(probe_features).items()})   # the picks' words only
        for f in probe_features:
            _weigh(f, _idf(probe_counts, len(week.features) + len(probes), f.expanded))
    else:
        features = [_features(i, lexicon) for i in items]
        counts = _weigh_week(items + probes, features + probe_features)
    found: list[tuple[int | None, str]] = []
    reachable = _reachable(probe_features, features, counts)
    for probe, fp, indices in zip(probes, probe_features, reachable):
        best: tuple[float, int] | None = None
        for index in indices:
            item, fi = items[index], features[index]
            value = _score(probe, item, fp, fi)
            if value >= threshold and (best is None or value > best[0]):
                best = (value, index)
        if best is not None and whole:
            cluster = owner[best[1]]
            members = range(offsets[cluster], offsets[cluster] + len(clusters[cluster]))
            reached = set(indices)
            cross = [_score(probe, items[m], fp, features[m]) if m in reached else 0.0 for m in members]
            if not _groups_alike(cross, 1, len(members) <= _EXACT_GROUPS, Thresholds().group):
                best = None          # alike to one report only: the fold would not have joined it
        if best is None:
            found.append((None, ""))
        else:
            item = items[best[1]]
            found.append((owner[best[1]], _why(probe, item, fp, features[best[1]], best[0])))
    return found


def _reachable(probes: list[_Features], features: list[_Features], counts: Counter[str]) -> list[Iterable[int]]:
    """The reports each probe is compared with. In a large week, only those sharing a word with it
    that few reports use (``counts``: how many of the week's items have each unit), as the fold's own
    candidates are chosen: an editor's two links, or last week's fifty stories, against 20,000
    reports were millions of comparisons of words everyone uses."""
    if len(features) < ALL_PAIRS_BELOW:
        return [range(len(features))] * len(probes)
    from .candidates import COMMON_SHARE, MIN_COMMON
    limit = max(MIN_COMMON, int(len(features) * COMMON_SHARE))
    wanted = {u for fp in probes for u in fp.expanded if counts.get(u, 0) <= limit}
    postings: dict[str, list[int]] = defaultdict(list)
    for index, fi in enumerate(features):
        for unit in fi.expanded & wanted:
            postings[unit].append(index)
    return [sorted(set(chain.from_iterable(postings.get(u, ()) for u in fp.expanded if u in wanted))) for fp in probes]


def apply_decisions(clusters: list[list[Item]], together: list[list[str]], apart: list[str]) -> tuple[list[list[Item]], dict[str, str]]:
    """The editor's corrections, after the algorithm: each report named ``apart`` leaves its
    cluster, then the clusters holding the reports of each ``together`` become one. Addresses
    are canonical. Returns the clusters (in the order of their earliest item) and, per first
    item key, what the editor did, for the story's reasons."""
    said: dict[str, str] = {}
    alone = set(apart)
    result: list[list[Item]] = []
    for cluster in clusters:
        kept = [i for i in cluster if i.canonical_url not in alone]
        result += [[i] for i in cluster if i.canonical_url in alone and len(cluster) > 1]
        for item in cluster:
            if item.canonical_url in alone and len(cluster) > 1:
                said[item.key] = "split out of its fold by the editor"
        result.append(kept if len(cluster) > 1 else cluster)
    result = [c for c in result if c]
    for urls in together:
        wanted = set(urls)
        hit = [c for c in result if any(i.canonical_url in wanted for i in c)]
        if len(hit) < 2:
            continue
        merged = sorted((i for c in hit for i in c), key=lambda i: (i.date, i.key))
        result = [c for c in result if not any(c is h for h in hit)] + [merged]
        said[merged[0].key] = f"folded by the editor ({len(hit)} stories made one)"
    result.sort(key=lambda c: (min(i.date for i in c), c[0].key))
    return [sorted(c, key=lambda i: (i.date, i.key)) for c in result], said
