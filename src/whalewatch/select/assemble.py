"""The week's items and notes in, one ``Issue`` out.

Order of work: choose the window's notes; drop what the editor excluded; fold items into
clusters; hang notes on the clusters they name (or make stories of them); place each story in
one section; rank; lift the best into top stories; cap each section. Every decision that a
reader could question is kept in ``Story.reasons`` for ``build --explain``.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from typing import Callable
from zoneinfo import ZoneInfo

from ..config import Config
from ..errors import Problem, WeekError
from ..model import Coverage, Issue, Item, Note, SectionBlock, Story, StoryNote
from ..sanitize import one_line, without_images
from ..urls import canonical_url, clean_url
from ..weeks import Week
from .fold import MAX_GAP, WeekReading, apply_decisions, fold_explained, match_clusters, read_reports, reading_keys
from .lexicon import Lexicon
from .parallel import may_fork
from .place import Placer, Report
from .rank import score
from .readings import Readings, fingerprint
from .text import has_cjk

EXCERPT_WORDS = 70


@dataclass
class History:
    """Earlier issues: their stories by canonical URL, and the issues themselves by week."""

    by_url: dict[str, dict] = field(default_factory=dict)      # canonical URL -> {number, week, url}
    issues: dict[str, dict] = field(default_factory=dict)      # week -> {number, week, url}
    stories: dict[str, list[dict]] = field(default_factory=dict)  # week -> its stories {id, title, summary, date}


@dataclass
class Selection:
    issue: Issue
    problems: list[Problem]
    dropped: list[str] = field(default_factory=list)


def notes_in_week(notes: list[Note], week: Week, tz: ZoneInfo) -> list[Note]:
    start, end = week.window(tz)
    chosen = []
    for note in notes:
        if note.week is not None:
            if note.week == str(week):
                chosen.append(note)
        elif note.date is not None and start <= note.date < end:
            chosen.append(note)
    return chosen


def assemble_issue(config: Config, week: Week, items: list[Item], notes: list[Note],
                   history: History | None = None, first_week: Week | None = None,
                   readings: Readings | None = None) -> Selection:
    """``readings``: the reports' readings an earlier run kept (``kept_readings``); the ones this
    run makes are added to it, for the caller to keep."""
    tz = ZoneInfo(config.briefing.timezone)
    start, end = week.window(tz)
    first_week = first_week or Week.parse(config.briefing.first_week)
    number = week.minus(first_week) + 1
    if number < 1:
        raise WeekError(f"{week} is before the edition's first issue ({first_week}, briefing.first_week); "
                        "choose a later week or move first_week back")
    history = history or History()
    problems: list[Problem] = []
    dropped: list[str] = []
    feeds = {f.name: f for f in config.feeds}

    week_notes = [n for n in notes_in_week(notes, week, tz) if n.kind not in ("background", "fold")]
    decisions = [n for n in notes if n.kind == "fold"]
    backgrounds = [n for n in notes if n.kind == "background"]
    intros = [n for n in week_notes if n.kind == "intro"]
    if len(intros) > 1:
        problems.append(Problem(intros[1].path, None, f"several intro notes this week; all are used, in file order ({', '.join(n.path for n in intros)})", "warning"))
    story_notes = [n for n in week_notes if n.kind != "intro"]

    problems += _left_out([i for i in items if i.date_implausible])
    items = [i for i in items if not i.date_implausible]
    excluded = {canonical_url(u) for n in story_notes if n.exclude for u in n.urls}
    for note in story_notes:
        if note.exclude and not note.urls:
            problems.append(Problem(note.path, None, "exclude: true needs a url: naming the story to drop", "warning"))
    placer = Placer(config, lexicon_for(config))
    ahead = _PlacingAhead(placer, items, feeds)
    try:
        folded = fold_explained(_unique(items), lexicon=lexicon_for(config), readings=readings)
    except BaseException:
        ahead.cancel()
        raise
    ahead.collect()
    corrected, by_editor = apply_decisions(folded.clusters, [[canonical_url(u) for u in n.together] for n in decisions],
                                           [canonical_url(u) for n in decisions for u in n.apart])
    clusters = [c for c in corrected if not ({i.canonical_url for i in c} & excluded)]
    dropped += [f"excluded by the editor: {u}" for u in sorted(excluded)]

    by_url: dict[str, int] = {}
    for index, cluster in enumerate(clusters):
        for item in cluster:
            if item.canonical_url:
                by_url.setdefault(item.canonical_url, index)
    attached: dict[int, list[Note]] = {}
    standalone: list[Note] = []
    unmatched_picks: list[Note] = []
    for note in story_notes:
        if note.exclude:
            continue
        hits = sorted({by_url[c] for c in (canonical_url(u) for u in note.urls) if c in by_url})
        if hits:
            for index in hits:
                attached.setdefault(index, []).append(note)
        elif note.kind == "pick":
            unmatched_picks.append(note)
        else:
            standalone.append(note)
    matched_by_words: dict[str, str] = {}
    if unmatched_picks and clusters:
        probes = [_pick_item(n) for n in unmatched_picks]
        matches = match_clusters(probes, clusters, lexicon_for(config), week=folded.week)
        for note, (index, why) in zip(unmatched_picks, matches):
            if index is None:
                standalone.append(note)
            else:
                attached.setdefault(index, []).append(note)
                matched_by_words[note.path] = why
    else:
        standalone += unmatched_picks
    carried = _carried_by_words(clusters, history, week, tz, config, folded.week)
    folded.week = None                         # the reading of every report, no longer needed: free it before rendering

    stories: list[Story] = []
    continues: dict[str, list[Note]] = {}      # story id -> the notes that say what it continues
    cluster_of: dict[str, int] = {}            # story id -> its cluster (a note's own story has none)
    for index, cluster in enumerate(clusters):
        stories.append(cluster_story(cluster, attached.get(index, []), config, feeds, placer, tz, start, end, problems))
        cluster_of[stories[-1].id] = index
        stories[-1].reasons += [by_editor[i.key] for i in cluster if i.key in by_editor]
        stories[-1].reasons += [f"the editor's link {n.path} is about this story: {matched_by_words[n.path]}"
                                for n in attached.get(index, []) if n.path in matched_by_words]
        continues[stories[-1].id] = [n for n in attached.get(index, []) if n.continues]
    for note, amendments in _by_address(standalone, excluded):
        stories.append(_note_story(note, config, placer, tz, start, end, problems))
        _amend(stories[-1], amendments, config, problems)
        continues[stories[-1].id] = [note] if note.continues else []

    for story in stories:
        index = cluster_of.get(story.id)
        addresses = None if index is None else [story.canonical_url] + [i.canonical_url for i in clusters[index] if i.canonical_url]
        earlier = (_continued(continues.get(story.id, []), history, str(week), problems)
                   or _previously(story, addresses, history, str(week)))
        why = ""
        if not earlier and index in carried:
            earlier, why = carried[index]
        if earlier:
            story.previously = earlier
            story.reasons.append(f"continues a story from issue #{earlier['number']} ({earlier['week']})"
                                 + (f": last week's '{earlier['title']}', by its words: {why}" if why else ""))

    _link_backgrounds(stories, backgrounds)
    stories.sort(key=lambda s: (-int(s.pinned), -s.score, s.date, s.title, s.id))
    pinned = [s for s in stories if s.pinned]
    # A custom section (a table, figures) keeps its entries: only ordinary stories are lifted to the top.
    eligible = [s for s in stories if not s.pinned and not _custom_section(config, s.section)]
    top = pinned + eligible[:max(0, config.briefing.top_stories - len(pinned))]
    for position, story in enumerate(top, 1):
        story.reasons.append(f"top story #{position} of the issue")
    top_ids = {s.id for s in top}

    blocks = []
    for section in config.sections:
        members = [s for s in stories if s.section == section.id and s.id not in top_ids]
        if section.rank == "date":
            members.sort(key=lambda s: (s.date, s.title, s.id), reverse=True)
        cap = section.max_stories or config.briefing.max_per_section
        for story in members[cap:]:
            dropped.append(f"over the cap of {cap} in '{section.id}': {story.title}")
        if members[cap:]:                      # counted with a few titles: nothing leaves the issue unsaid
            left = members[cap:]
            problems.append(Problem(f"section '{section.id}' (cap {cap})", None,
                                    f"{len(left)} more stor{'y' if len(left) == 1 else 'ies'} left out by the cap, e.g. "
                                    f"{', '.join(repr(s.title[:60]) for s in left[:3])}; raise max_stories or see build --explain",
                                    "warning"))
        for position, story in enumerate(members[:cap], 1):
            story.reasons.append(f"#{position} in '{section.id}'")
        blocks.append(SectionBlock(section.id, section.title, section.description, section.template, members[:cap]))

    shown = top + [s for b in blocks for s in b.stories]
    for story in (s for s in shown if s.id in cluster_of):     # why reports were joined, and what readers follow
        cluster = clusters[cluster_of[story.id]]
        story.reasons.extend(folded.reasons_for(cluster[0].key))
        dress_story(story, cluster, config, feeds)
    issue = Issue(
        title=config.briefing.title,
        tagline=config.briefing.tagline,
        number=number,
        week=str(week),
        window_start=start.astimezone(tz).date().isoformat(),
        window_end=end.astimezone(tz).date().isoformat(),
        timezone=config.briefing.timezone,
        intro_html="\n".join(_images_allowed(n.body_html, config) for n in intros),
        intro_text="\n\n".join(n.body_text for n in intros),
        top_title=config.briefing.top_title,
        top=top,
        sections=blocks,
        stats={
            "items_read": len(_unique(items)),
            "stories": len(shown),
            "sources": len({s.source for s in shown} | {c.source for s in shown for c in s.also}),
            "notes": len(week_notes),
            "folded": sum(len(c) - 1 for c in clusters),
            "dropped": len(dropped),
        },
        base_url=config.briefing.base_url,
        unsubscribe=config.email.unsubscribe_url or (f"mailto:{config.email.unsubscribe_mailto}?subject=unsubscribe"
                                                     if config.email.unsubscribe_mailto else ""),
    )
    return Selection(issue, problems, dropped)


_LEXICONS: dict[str, Lexicon] = {}


def kept_readings(config: Config, items: list[Item], look_up: Callable[[list[str]], dict[str, bytes]]) -> Readings:
    """The readings earlier runs kept for these items, found by ``look_up`` (the store's)."""
    readings = Readings(fingerprint(lexicon_for(config)))
    readings.kept = look_up(reading_keys(items, readings.fingerprint))
    return readings


def read_ahead(config: Config, items: list[Item], readings: Readings) -> None:
    """Reads the items no run has read yet, into ``readings.made``: a scheduler's fetch does this
    so that the week's build finds its reports already read."""
    read_reports(items, lexicon_for(config), readings)


def lexicon_for(config: Config) -> Lexicon:
    """One lexicon per glossary, kept for the process: ``serve`` rebuilds on every save."""
    key = repr(sorted(config.glossary.items()))
    if key not in _LEXICONS:
        _LEXICONS.clear()
        _LEXICONS[key] = Lexicon(dict(config.glossary))
    return _LEXICONS[key]


def _custom_section(config: Config, section_id: str) -> bool:
    section = config.section(section_id)
    return bool(section and section.template)


def _images_allowed(fragment: str, config: Config) -> str:
    """Remote images reach readers (and the PDF renderer's fetcher) only if the edition says so."""
    return fragment if config.briefing.remote_images else without_images(fragment)


def _unique(items: list[Item]) -> list[Item]:
    seen: dict[str, Item] = {}
    for item in items:
        seen.setdefault(item.key, item)
    return list(seen.values())


def _primary(cluster: list[Item], feeds: dict, language: str = "en") -> Item:
    """The best source: highest feed weight, then a report in the briefing's language (an English
    briefing leads with an English headline when an English report weighs as much as a Chinese
    one, and a Chinese briefing the other way round), then the first to report, then a stable key."""
    chinese = language.lower().startswith("zh")
    return min(cluster, key=lambda i: (-_weight(i, feeds), has_cjk(i.title) != chinese, i.date, not i.summary_text, i.key))


def _weight(item: Item, feeds: dict) -> float:
    feed = feeds.get(item.feed)
    return feed.weight if feed else 1.0


def _report(item: Item, note_tags: list[str], feeds: dict) -> Report:
    return Report(item.title, item.summary_text, item.tags + note_tags,
                  feeds[item.feed].section if item.feed in feeds else None, _weight(item, feeds))


PLACE_AHEAD_FROM = 4000      # a week this large has its reports placed on the second core while it is folded


class _PlacingAhead:
    """Each report's own placement needs nothing but the report, so in a large week a forked
    worker places them all while this process folds the week (whose last part, scoring, uses one
    core), and the placer is handed the results. A report whose story turns out to carry note
    tags is placed again with them; if the worker fails, every report is placed here."""

    def __init__(self, placer: Placer, items: list[Item], feeds: dict):
        self.placer, self.worker, self.results = placer, None, None
        if len(items) < PLACE_AHEAD_FROM or not may_fork():
            return
        context = mp.get_context("fork")
        self.results, sending = context.Pipe(duplex=False)
        reports = [_report(i, [], feeds) for i in items]
        self.worker = context.Process(target=_send_placements, args=(placer, reports, sending), daemon=True)
        try:
            self.worker.start()
        except OSError:
            self.worker = None
        sending.close()

    def collect(self) -> None:
        if self.worker is None or self.results is None:
            return
        try:
            self.placer.remember(self.results.recv())
        except (EOFError, OSError):
            pass
        finally:
            self.results.close()
            self.worker.join()

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.terminate()
            self.worker.join()


def _send_placements(placer: Placer, reports: list[Report], sending) -> None:  # noqa: ANN001 - a Connection
    sending.send(placer.placements_of(reports))
    sending.close()


def _local_date(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).date().isoformat()


def _excerpt(text: str) -> str:
    words = text.split()
    if len(words) <= EXCERPT_WORDS:
        return text.strip()
    return " ".join(words[:EXCERPT_WORDS]).rstrip(",;:") + " …"


def _story_id(basis: str) -> str:
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:12]


def cluster_story(cluster: list[Item], notes: list[Note], config: Config, feeds: dict, placer: Placer,
                  tz: ZoneInfo, start: datetime, end: datetime, problems: list[Problem]) -> Story:
    """A folded story as far as choosing the issue's stories needs it: its section, score, title
    and excerpt. What only a reader of a shown story sees (its links as readers follow them, the
    coverage, the summary's HTML) is added by ``dress_story``: a week of 20,000 reports makes
    thousands of stories and shows a few dozen."""
    primary = _primary(cluster, feeds, config.briefing.language)
    others = _others(cluster, primary, feeds)
    sources = 1 + len(_covering(primary, others))
    summary = primary.summary_text or next((i.summary_text for i in others if i.summary_text), "")
    tags = sorted({t for i in cluster for t in i.tags} | {t for n in notes for t in n.tags})
    section = _editor_section(notes, config, problems)
    # The editor's prose discusses context (papers, prices, rivals); only the reports decide the section.
    note_tags = [t for n in notes for t in n.tags]
    reports = [_report(i, note_tags, feeds) for i in cluster]
    placement = placer.place_story(reports, section)
    earliest = min(i.date for i in cluster)
    value, reasons = score(max(_weight(i, feeds) for i in cluster), sources, placement.score,
                           sum(n.priority for n in notes), bool(notes), earliest, start, end)
    story = Story(
        id=_story_id(primary.canonical_url or primary.key),
        title=primary.title,
        url="",
        source=primary.feed,
        date=_local_date(earliest, tz),
        summary_html="",
        summary_text=_excerpt(summary),
        section=placement.section,
        language=primary.language,
        notes=[StoryNote(_images_allowed(n.body_html, config), n.body_text, n.path) for n in notes if n.body_text.strip()],
        tags=tags,
        pinned=any(n.pin for n in notes),
        score=value,
        reasons=[f"section '{placement.section}': " + "; ".join(placement.reasons)] + [f"score {value:.2f}: " + "; ".join(reasons)],
        canonical_url=primary.canonical_url,
    )
    if len(cluster) > 1:
        story.reasons.append(f"folded {len(cluster)} items from {sources} sources")
    if primary.date_note:
        story.reasons.append(f"date: {primary.date_note}")
    _retitle(story, notes)
    for note in notes:
        story.data.update(note.data)
    return story


def dress_story(story: Story, cluster: list[Item], config: Config, feeds: dict) -> None:
    """What a reader of a shown story follows: its link and each other source's ("also covered
    by", one per source and article) as the site wrote them with tracking dropped, every report's
    address, and the summary's HTML."""
    primary = _primary(cluster, feeds, config.briefing.language)
    others = _others(cluster, primary, feeds)
    cleaned = {i.key: clean_url(i.url) for i in others}      # each report's address for readers, once
    story.also = [Coverage(i.feed, cleaned[i.key], i.title, i.url if i.url != cleaned[i.key] else "")
                  for i in _covering(primary, others)]
    story.url = clean_url(primary.url)
    story.original_url = primary.url if story.url != primary.url else ""
    story.summary_html = _images_allowed(primary.summary_html, config)
    story.reports = list({i.canonical_url: cleaned[i.key] for i in others
                          if i.url and i.canonical_url != primary.canonical_url}.values())


def _others(cluster: list[Item], primary: Item, feeds: dict) -> list[Item]:
    return sorted((i for i in cluster if i is not primary), key=lambda i: (-_weight(i, feeds), i.date, i.key))


def _covering(primary: Item, others: list[Item]) -> list[Item]:
    """The reports listed beside the primary: the first of each other source, unless it is the
    same article (a wire copy carried by two feeds)."""
    seen_sources, seen_articles = {primary.feed}, {primary.canonical_url or primary.key}
    covering = []
    for item in others:
        article = item.canonical_url or item.key
        if item.feed not in seen_sources and article not in seen_articles:
            seen_sources.add(item.feed)
            seen_articles.add(article)
            covering.append(item)
    return covering


def _left_out(unbelieved: list[Item]) -> list[Problem]:
    """Items whose feed dates were not believed are never a week's news; naming them (the first
    twenty) means leaving them out hides nothing."""
    named = [Problem(f"feed '{item.feed}'", None, f"{item.title[:80]!r} left out of the issue: {item.date_note}", "warning")
             for item in unbelieved[:20]]
    if len(unbelieved) > 20:
        named.append(Problem("feeds", None, f"{len(unbelieved) - 20} more items with implausible dates left out", "warning"))
    return named


def _by_address(notes: list[Note], excluded: set[str]) -> list[tuple[Note, list[Note]]]:
    """Notes that no feed item matched, one story per address: the note with a title leads, and
    the others on the same address (the desk's decisions, a second note) amend its story. A
    dropped address drops the story."""
    groups: dict[str, list[Note]] = {}
    order: list[tuple[Note, list[Note]]] = []
    for note in notes:
        address = canonical_url(note.urls[0]) if note.urls and note.kind != "essay" else ""
        if address in excluded:
            continue
        if not address:
            order.append((note, []))
            continue
        groups.setdefault(address, []).append(note)
    for members in groups.values():
        lead = next((n for n in members if n.title), members[0])
        order.append((lead, [n for n in members if n is not lead]))
    return order


def _amend(story: Story, notes: list[Note], config: Config, problems: list[Problem]) -> None:
    if not notes:
        return
    _retitle(story, notes)
    story.pinned = story.pinned or any(n.pin for n in notes)
    section = _editor_section(notes, config, problems)
    if section:
        story.section = section
        story.reasons.append(f"the editor's note puts it in '{section}'")
    story.notes += [StoryNote(_images_allowed(n.body_html, config), n.body_text, n.path) for n in notes if n.body_text.strip()]
    story.score += sum(n.priority for n in notes)


def _retitle(story: Story, notes: list[Note]) -> None:
    """The editor's headline replaces the feed's title; a translated title is shown with the
    title it translates kept as the original."""
    headline = next((n.headline for n in notes if n.headline), "")
    if headline:
        story.title = headline
    translated = next((n.translated_title for n in notes if n.translated_title), "")
    if translated:
        story.original_title = story.original_title or story.title
        story.title = translated


def _carried_by_words(clusters: list[list[Item]], history: History, week: Week, tz: ZoneInfo, config: Config,
                      reading: WeekReading | None) -> dict[int, tuple[dict, str]]:
    """This week's stories that go on from a story of last week's issue, found by their words: a
    story breaking on Friday and reported again on Monday is split by the week's end, and its
    reports carry other addresses, so only its words can tell the reader it continues."""
    earlier = history.stories.get(str(week.shifted(-1)))
    issue = history.issues.get(str(week.shifted(-1)))
    if not earlier or not issue or not clusters:
        return {}
    start, _ = week.window(tz)
    recent = sorted((s for s in earlier if s.get("date") and s.get("title")
                     and start - _story_moment(s["date"], tz) <= MAX_GAP),    # as far apart as one story's reports may be
                    key=lambda s: s["date"], reverse=True)            # the latest story a cluster goes on from wins
    if not recent:
        return {}
    probes = [Item(key=f"earlier:{s['id']}", feed="", url="", canonical_url="", guid="", title=s["title"], summary_html="",
                   summary_text=s.get("summary", "")[:1000], author="", published=None, first_seen=start,
                   date=_story_moment(s["date"], tz)) for s in recent]
    found: dict[int, tuple[dict, str]] = {}
    for story, (index, why) in zip(recent, match_clusters(probes, clusters, lexicon_for(config), week=reading, whole=True)):
        if index is not None and index not in found:
            found[index] = ({"number": issue["number"], "week": issue["week"], "title": story["title"],
                             "url": f"../{issue['week']}/index.html#s-{story['id']}"}, why)
    return found


def _story_moment(day: str, tz: ZoneInfo) -> datetime:
    """An earlier issue keeps a story's day, not its hour: noon of that day, where the edition is."""
    return datetime.combine(date.fromisoformat(day[:10]), time(12), tzinfo=tz).astimezone(timezone.utc)


def _pick_item(note: Note) -> Item:
    """An editor's link as a report, so it can be compared with the week's reports."""
    url = note.urls[0] if note.urls else ""
    when = note.date or datetime.now(tz=ZoneInfo("UTC"))
    return Item(key=f"note:{note.path}", feed="", url=url, canonical_url=canonical_url(url), guid="", title=note.title,
                summary_html="", summary_text=note.body_text[:1000], author="", published=when, first_seen=when, date=when,
                language=note.language or "en")


def _link_backgrounds(stories: list[Story], backgrounds: list[Note]) -> None:
    """A story that names a background page's subject links to that page."""
    if not backgrounds:
        return
    patterns = []
    for note in sorted(backgrounds, key=lambda n: n.title):
        names = [n for n in [note.title, *note.aliases] if len(n) >= 2]
        alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        patterns.append((note, re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.I)))
    for story in stories:
        text = " ".join((story.title, story.original_title, story.summary_text))
        for note, pattern in patterns:
            if pattern.search(text):
                story.background.append({"title": note.title, "path": f"background/{note.slug}.html"})


def _note_story(note: Note, config: Config, placer: Placer, tz: ZoneInfo, start: datetime, end: datetime,
                problems: list[Problem]) -> Story:
    if note.kind == "essay":
        return _essay_story(note, config, placer, tz, start, end, problems)
    section = _editor_section([note], config, problems)
    placement = placer.place(note.title, note.body_text[:2000], note.tags, None, section)
    when = note.date or start
    value, reasons = score(1.0, 1, placement.score, note.priority, True, when, start, end)
    url = clean_url(note.urls[0]) if note.urls else ""
    return Story(
        id=_story_id("note:" + (note.origin + "|" + canonical_url(url) if note.kind == "pick" and url else note.path)),
        title=note.translated_title or note.title or one_line(url),
        original_title=note.title if note.translated_title else "",
        url=url,
        source=note.source or (config.briefing.author or "Editor's note"),
        date=_local_date(max(min(when, end), start), tz),
        summary_html="",
        summary_text=_excerpt(note.body_text) if note.kind != "pick" and len(note.body_text.split()) > EXCERPT_WORDS else "",
        section=placement.section,
        notes=[StoryNote(_images_allowed(note.body_html, config), note.body_text, note.path)] if note.body_text.strip() else [],
        tags=sorted(note.tags),
        pinned=note.pin,
        score=value,
        reasons=[f"from the note {note.path}", f"section '{placement.section}': " + "; ".join(placement.reasons),
                 f"score {value:.2f}: " + "; ".join(reasons)],
        data=dict(note.data),
        canonical_url=canonical_url(url),
        kind="pick" if note.kind == "pick" else "note",
    )


def _essay_story(note: Note, config: Config, placer: Placer, tz: ZoneInfo, start: datetime, end: datetime,
                 problems: list[Problem]) -> Story:
    """An editor's essay in the issue: its title, its lead and a link to the whole text in the archive."""
    section = _editor_section([note], config, problems)
    placement = placer.place(note.title, note.lead, note.tags, None, section, form="essay")
    when = note.date or start
    value, reasons = score(1.0, 1, placement.score, note.priority, True, when, start, end)
    return Story(
        id=_story_id("essay:" + note.origin),
        title=note.translated_title or note.title,
        original_title=note.title if note.translated_title else "",
        url=f"../essays/{note.slug}.html",
        source=note.source or config.briefing.author or "Editor's analysis",
        date=_local_date(max(min(when, end), start), tz),
        summary_html="",
        summary_text=note.lead,
        section=placement.section,
        tags=sorted(note.tags),
        pinned=note.pin,
        score=value,
        reasons=[f"the essay {note.path}: its lead here, the whole text at essays/{note.slug}.html",
                 f"section '{placement.section}': " + "; ".join(placement.reasons), f"score {value:.2f}: " + "; ".join(reasons)],
        data=dict(note.data),
        kind="essay",
    )


def _editor_section(notes: list[Note], config: Config, problems: list[Problem]) -> str | None:
    chosen: str | None = None
    chosen_by = ""
    for note in sorted(notes, key=lambda n: n.path):
        if not note.section:
            continue
        if config.section(note.section) is None:
            known = ", ".join(s.id for s in config.sections)
            problems.append(Problem(note.path, None, f"section '{note.section}' does not exist (known: {known}); placed by the rules instead", "warning"))
            continue
        if chosen and chosen != note.section:
            problems.append(Problem(note.path, None, f"puts the story in '{note.section}' but {chosen_by} puts it in '{chosen}'; '{chosen}' was used", "warning"))
            continue
        chosen, chosen_by = note.section, note.path
    return chosen


def _continued(notes: list[Note], history: History, week: str, problems: list[Problem]) -> dict | None:
    """The editor's word on what a story continues: an earlier issue's week (2025-W05), its number
    (#4) or the address of a story it carried. The first that names an earlier issue wins."""
    for note in notes:
        for reference in note.continues:
            found = _earlier_issue(reference.strip(), history)
            if found and found["week"] < week:
                return found
            problems.append(Problem(note.path, None, f"continues: {reference!r} is not an earlier issue (a week such as "
                                                     "2025-W05, a number such as #4) or the address of a story in one", "warning"))
    return None


def _earlier_issue(reference: str, history: History) -> dict | None:
    if re.fullmatch(r"#?\d+", reference):
        return next((i for i in history.issues.values() if i["number"] == int(reference.lstrip("#"))), None)
    try:
        return history.issues.get(str(Week.parse(reference)))
    except WeekError:
        return history.by_url.get(canonical_url(reference))


def _previously(story: Story, addresses: list[str] | None, history: History, week: str) -> dict | None:
    """The earlier issue that carried one of this story's reports. ``addresses`` are the canonical
    addresses of a folded story's reports (known already); a note's story is looked up by its own
    address and those of the coverage listed with it."""
    if not history.by_url:
        return None
    if addresses is None:
        addresses = [story.canonical_url] + [canonical_url(c.url) for c in story.also]
    for address in addresses:
        found = history.by_url.get(address) if address else None
        if found and found["week"] < week:
            return found
    return None
