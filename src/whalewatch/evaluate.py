"""How good the editorial merge is, measured against a labelled set of stories.

A harness, like ``pipeline``: it wires sources and select together rather than being a stage.

A labelled set (YAML: events, each with the section a reader expects and the items that report
it) is pushed through the real path: an RSS document per feed, ``parse_feed``, week windows in
the edition's time zone, ``fold``, and the same placement a build uses. Folding is scored by
pairwise precision and recall (over every pair of items), placement by accuracy (per item: the
section its story landed in), and near-miss pairs (events that share words) by whether any of
their items were wrongly folded together.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from itertools import combinations
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from .config import Config
from .model import Item
from .sources.feeds import parse_feed
from .weeks import Week
from .select.assemble import cluster_story, lexicon_for
from .select.fold import Thresholds, fold
from .select.text import has_cjk
from .select.place import Placer

NOW = datetime(2030, 1, 1, tzinfo=timezone.utc)    # after every labelled date, so none is "in the future"


@dataclass
class Labelled:
    event: str
    section: str


@dataclass
class Scores:
    items: int
    events: int
    true_pairs: int
    folded_pairs: int
    correct_pairs: int
    placed_right: int
    near_misses: int
    near_misses_folded: list[tuple[str, str]] = field(default_factory=list)
    false_merges: list[tuple[str, str]] = field(default_factory=list)     # titles wrongly folded together
    missed_merges: list[tuple[str, str]] = field(default_factory=list)    # titles of one event left apart
    misplaced: list[tuple[str, str, str]] = field(default_factory=list)   # title, expected, got

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.folded_pairs if self.folded_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def placement(self) -> float:
        return self.placed_right / self.items if self.items else 1.0


def load_labelled(path: Path, config: Config) -> tuple[list[Item], dict[str, Labelled], list[tuple[str, str]]]:
    """The labelled items as whalewatch would store them, with their truth keyed by item key."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    feeds = {f.name: f for f in config.feeds}
    by_feed: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    truth_by_guid: dict[str, Labelled] = {}
    _refuse_repeated([event["id"] for event in data["events"]], path, "event",
                     "give each event one entry with all its reports")
    for event in data["events"]:
        for number, entry in enumerate(event["items"]):
            if entry["feed"] not in feeds:
                raise ValueError(f"{path}: event {event['id']} names feed {entry['feed']!r}, which the edition does not have")
            guid = f"urn:eval:{event['id']}:{number}"
            by_feed[entry["feed"]].append((guid, entry))
            truth_by_guid[guid] = Labelled(event["id"], event["section"])
    items: list[Item] = []
    truth: dict[str, Labelled] = {}
    for name, entries in by_feed.items():
        feed = feeds[name]
        parsed = parse_feed(_rss(entries), feed=name, language=feed.language, now=NOW,
                            include=feed.include, exclude=feed.exclude)
        for item in parsed.items:
            items.append(item)
            truth[item.key] = truth_by_guid[item.guid]
    return items, truth, [tuple(pair) for pair in data.get("near_misses", [])]


def likely_duplicates(path: Path, alike: float = 0.6, days: float = 2) -> list[str]:
    """Events that may be one event written twice under two ids: a report of each from one feed,
    within ``days``, with titles this alike (shared words, and shared pairs of Chinese characters).
    Written twice, an event counts its own reports as a false merge; the eval prints these first."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    reports = [(event["id"], entry["feed"], datetime.fromisoformat(str(entry["date"]).replace("Z", "+00:00")),
                _title_grams(entry["title"]), entry["title"]) for event in data["events"] for entry in event["items"]]
    found: dict[tuple[str, str], str] = {}
    for a, b in combinations(reports, 2):
        if a[0] == b[0] or a[1] != b[1] or abs(a[2] - b[2]) > timedelta(days=days) or min(len(a[3]), len(b[3])) < 6:
            continue
        if len(a[3] & b[3]) / len(a[3] | b[3]) >= alike:
            found.setdefault(tuple(sorted((a[0], b[0]))), f"{a[4][:60]!r} and {b[4][:60]!r} ({a[1]})")
    return [f"{path}: events {x} and {y} may be one event written twice: {why}" for (x, y), why in sorted(found.items())]


def _title_grams(title: str) -> set[str]:
    text = title.lower()
    characters = re.findall(r"[\u3400-\u9fff]", text)
    return set(re.findall(r"[a-z0-9]+", text)) | {a + b for a, b in zip(characters, characters[1:])}


HALVES = ("tuning", "held-out")


def half_of(event: str) -> str:
    """Each event's half, from its id alone: thresholds are tuned on one half and the other is
    reported untouched. A hash keeps the split stable as events are added."""
    return HALVES[hashlib.sha256(event.encode("utf-8")).digest()[0] % 2]


def split(items: list[Item], truth: dict[str, Labelled], near_misses: list[tuple[str, str]]
          ) -> dict[str, tuple[list[Item], dict[str, Labelled], list[tuple[str, str]]]]:
    """The labelled set as two sets, by event; a near miss whose events fall in different halves is in neither."""
    halves = {}
    for half in HALVES:
        keys = {key for key, label in truth.items() if half_of(label.event) == half}
        halves[half] = ([i for i in items if i.key in keys], {k: truth[k] for k in keys},
                        [pair for pair in near_misses if half_of(pair[0]) == half_of(pair[1]) == half])
    return halves


def _rss(entries: list[tuple[str, dict]]) -> bytes:
    def text(value: str) -> str:
        return html.escape(str(value), quote=False)

    body = "".join(
        f"<item><title>{text(e['title'])}</title><link>{text(e['url'])}</link><guid isPermaLink=\"false\">{guid}</guid>"
        f"<pubDate>{format_datetime(datetime.fromisoformat(e['date'].replace('Z', '+00:00')))}</pubDate>"
        f"<description>{text(e.get('summary', ''))}</description></item>"
        for guid, e in entries)
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>eval</title>{body}</channel></rss>'.encode()


def evaluate(config: Config, items: list[Item], truth: dict[str, Labelled], near_misses: list[tuple[str, str]],
             thresholds: Thresholds = Thresholds()) -> Scores:
    """Fold and place week by week, as builds do, and score the result against the truth."""
    tz = ZoneInfo(config.briefing.timezone)
    feeds = {f.name: f for f in config.feeds}
    placer = Placer(config, lexicon_for(config))
    cluster_of: dict[str, int] = {}
    section_of: dict[str, str] = {}
    by_week: dict[Week, list[Item]] = defaultdict(list)
    for item in items:
        by_week[Week.containing(item.date, tz)].append(item)
    clusters: list[list[Item]] = []
    for week, members in sorted(by_week.items()):
        start, end = week.window(tz)
        for cluster in fold(members, thresholds, lexicon_for(config)):
            story = cluster_story(cluster, [], config, feeds, placer, tz, start, end, [])
            for item in cluster:
                cluster_of[item.key] = len(clusters)
                section_of[item.key] = story.section
            clusters.append(cluster)

    title = {item.key: item.title for item in items}
    scores = Scores(items=len(items), events=len({t.event for t in truth.values()}), true_pairs=0, folded_pairs=0,
                    correct_pairs=0, placed_right=0, near_misses=len(near_misses))
    for a, b in combinations(sorted(truth), 2):
        same_event = truth[a].event == truth[b].event
        together = cluster_of[a] == cluster_of[b]
        scores.true_pairs += same_event
        scores.folded_pairs += together
        scores.correct_pairs += same_event and together
        if together and not same_event:
            scores.false_merges.append((title[a], title[b]))
        elif same_event and not together:
            scores.missed_merges.append((title[a], title[b]))
    for key, label in truth.items():
        if section_of[key] == label.section:
            scores.placed_right += 1
        else:
            scores.misplaced.append((title[key], label.section, section_of[key]))
    events_of_cluster = defaultdict(set)
    for key, label in truth.items():
        events_of_cluster[cluster_of[key]].add(label.event)
    merged = {frozenset(pair) for events in events_of_cluster.values() for pair in combinations(sorted(events), 2)}
    scores.near_misses_folded = [pair for pair in near_misses if frozenset(pair) in merged]
    return scores


@dataclass
class PairScores:
    """Labelled pairs of one language pairing: how many same-story pairs were folded, how many
    different-story pairs were (wrongly) folded."""

    same: int = 0
    same_folded: int = 0
    different: int = 0
    different_folded: int = 0
    missed: list[tuple[str, str]] = field(default_factory=list)
    wrong: list[tuple[str, str]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.same_folded / self.same if self.same else 1.0

    @property
    def false_rate(self) -> float:
        return self.different_folded / self.different if self.different else 0.0


def load_pairs(path: Path) -> list[dict]:
    """The pairs, refusing an id used twice: both copies would share item keys and score as one."""
    pairs = yaml.safe_load(path.read_text(encoding="utf-8"))["pairs"]
    _refuse_repeated([pair["id"] for pair in pairs], path, "pair", "give each pair its own id")
    return pairs


def _refuse_repeated(ids: list[str], path: Path, what: str, advice: str) -> None:
    """A labelled set's ids are its keys: one written twice would be silently merged or overwritten."""
    counts = Counter(ids)
    twice = sorted(i for i, n in counts.items() if n > 1)
    if twice:
        raise ValueError(f"{path}: {what} ids used twice: {', '.join(twice)}; {advice}")


def in_one_window(pairs: list[dict], start: datetime, hours: int = 48) -> list[dict]:
    """The pairs re-dated so that all of them fall within ``hours`` (plus each pair's own spread)
    of ``start``: every story of the set in one very busy week, each pair's reports as far apart
    as they were. A pair's place in the window comes from a hash of its id, so it stays put."""
    moved = []
    for pair in pairs:
        dates = {side: datetime.fromisoformat(pair[side]["date"].replace("Z", "+00:00")) for side in ("a", "b")}
        first = min(dates.values())
        offset = int.from_bytes(hashlib.sha256(pair["id"].encode("utf-8")).digest()[:4], "big") % (hours * 60)
        anchor = start + timedelta(minutes=offset)
        moved.append({**pair, **{side: {**pair[side], "date": (anchor + (dates[side] - first)).isoformat()}
                                 for side in ("a", "b")}})
    return moved


def _pair_item(pair: dict, side: str) -> Item:
    entry = pair[side]
    when = datetime.fromisoformat(entry["date"].replace("Z", "+00:00"))
    url = f"https://{side}.{pair['id']}.example/story"
    return Item(key=f"{pair['id']}:{side}", feed=f"{side}-{pair['id']}", url=url, canonical_url=url, guid="",
                title=entry["title"], summary_html="", summary_text=entry.get("summary", ""), author="", published=when,
                first_seen=when, date=when)


def pairing(pair: dict) -> str:
    """en-en, zh-zh or zh-en, from the titles themselves."""
    kinds = sorted("zh" if has_cjk(pair[side]["title"]) else "en" for side in ("a", "b"))
    return "-".join(reversed(kinds)) if kinds == ["en", "zh"] else "-".join(kinds)


def evaluate_pairs(config: Config, pairs: list[dict], thresholds: Thresholds = Thresholds()) -> dict[str, PairScores]:
    """Every pair's reports folded together, as one busy week would be; scored pair by pair."""
    items = [_pair_item(pair, side) for pair in pairs for side in ("a", "b")]
    cluster_of = {item.key: n for n, cluster in enumerate(fold(items, thresholds, lexicon_for(config))) for item in cluster}
    results: dict[str, PairScores] = defaultdict(PairScores)
    for pair in pairs:
        scores = results[pairing(pair)]
        together = cluster_of[f"{pair['id']}:a"] == cluster_of[f"{pair['id']}:b"]
        titles = (pair["a"]["title"], pair["b"]["title"])
        if pair["same"]:
            scores.same += 1
            scores.same_folded += together
            if not together:
                scores.missed.append(titles)
        else:
            scores.different += 1
            scores.different_folded += together
            if together:
                scores.wrong.append(titles)
    return dict(sorted(results.items()))
