"""The stages wired together: build (store -> select -> render -> files), check and send.

Collecting (sources -> store) lives in ``collect``.

The CLI, the scheduler and the preview server all call these; none of them prints. Progress
and warnings go to a ``Reporter`` the caller gives, so each front end shows them its own way.
"""

from __future__ import annotations

import gc
import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from .config import Edition
from .errors import Problem, TemplateError, WhalewatchError, display_path
from .model import Issue, Item
from .render.archive import read_issues, render_archive, write_archive
from .render.env import list_templates
from .render.outputs import RenderSettings, Renderer
from .render.pdf import render_pdf
from .render.write import clean_leftovers, write_folder_atomic
from .reporter import Reporter
from .select import History, assemble_issue
from .select.assemble import kept_readings, lexicon_for, notes_in_week, read_ahead
from .select.parallel import in_a_child, may_fork
from .select.unread import UnreadName, unread_names_in_week
from .sources.notes import NotesRead, read_notes
from .render.pages import link_stories, pages_of, write_pages
from .store import Store
from .urls import canonical_url
from .weeks import Week

if TYPE_CHECKING:
    from .deliver import BuiltIssue, SendReport
    from .select.readings import Readings

def _now() -> datetime:
    return datetime.now(timezone.utc)


# -- build ------------------------------------------------------------------------------------

@dataclass
class BuildReport:
    issue: Issue
    problems: list[Problem]
    folder: Path | None
    files: dict[str, bytes]
    dropped: list[str]


def renderer_for(edition: Edition) -> Renderer:
    briefing = edition.config.briefing
    return Renderer(RenderSettings(edition.templates_dir, briefing.paper, briefing.remote_images, briefing.language))


def history_of(output_dir: Path) -> History:
    history = History()
    for issue in sorted(read_issues(output_dir), key=lambda i: i["week"]):
        history.issues[issue["week"]] = {"number": issue["number"], "week": issue["week"], "url": f"../{issue['week']}/index.html"}
        stories = issue["top"] + [s for block in issue["sections"] for s in block["stories"]]
        history.stories[issue["week"]] = [{"id": s["id"], "title": s.get("title", ""), "summary": s.get("summary_text", ""),
                                           "date": s.get("date", "")} for s in stories]
        for story in stories:
            for url in [story.get("canonical_url") or canonical_url(story.get("url"))] + [canonical_url(c["url"]) for c in story.get("also", [])]:
                if url:
                    history.by_url.setdefault(url, {"number": issue["number"], "week": issue["week"],
                                                    "url": f"../{issue['week']}/index.html#s-{story['id']}"})
    return history


def edition_notes(edition: Edition, store: Store | None = None, now: datetime | None = None) -> NotesRead:
    """The editor's notes, with each link of a link list moved to the week a feed carried it in:
    that is the story it annotates, whatever date the line gave. A link with no date of its own
    keeps the week it was first read in (kept in the store), so editing the list moves nothing."""
    read = read_notes(edition.notes_dir, edition.tz)
    picks = [n for n in read.notes if n.kind == "pick" and n.urls]
    undated = [n for n in picks if n.undated]
    if store is not None and undated:
        first = store.first_seen_links([(n.origin, canonical_url(n.urls[0]), n.date or now or _now()) for n in undated])
        for note in undated:
            seen = first[(note.origin, canonical_url(note.urls[0]))]
            if seen != note.date:
                note.guesses.insert(0, f"first read when the list was dated {seen.astimezone(edition.tz):%Y-%m-%d}: that week")
            note.date = seen
    if store is not None and picks:
        carried: dict[str, datetime] = {}
        for item in store.items_by_canonical(sorted({canonical_url(n.urls[0]) for n in picks})):
            if item.canonical_url not in carried or item.date < carried[item.canonical_url]:
                carried[item.canonical_url] = item.date
        for note in picks:
            when = carried.get(canonical_url(note.urls[0]))
            if when is not None:
                note.date, note.week = when, None
                note.guesses.insert(0, f"a feed carried this link on {when.astimezone(edition.tz):%Y-%m-%d}: that week")
    return read


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Reading and merging a large week makes hundreds of thousands of small objects, none of them
    garbage until the week is done; Python's cycle collector would walk them all again and again
    (a fifth of a 20,000-item build). It runs once, afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def make_issue(edition: Edition, week: Week, now: datetime | None = None, keep_readings: bool = False,
               meanwhile: Callable[[], object] | None = None) -> tuple[Issue, list[Problem], list[str]]:
    """Select and merge one week without rendering anything: used by build, check, serve and explain.
    ``keep_readings``: keep in the store how the reports were read, for the next build (check and
    explain write nothing). ``meanwhile``: what this process may do while a large week is merged
    in a child (the build readies the PDF renderer); it is not done otherwise."""
    with _collector_paused():
        if _large_week(edition, week):
            done, made = in_a_child(partial(_make_issue, edition, week, now, keep_readings), meanwhile,
                                    fresh=not may_fork())
            if done and made is not None:
                return made
        return _make_issue(edition, week, now, keep_readings)


CHILD_FROM = 500     # a week of this many reports is selected and merged in a child process


def _large_week(edition: Edition, week: Week) -> bool:
    """A week large enough to be merged in a child process of its own: its reading and merging,
    hundreds of megabytes at 20,000 reports, are given back before anything is rendered, and the
    build readies the PDF meanwhile (a 1,000-item week: 4.1 s and 343 MB in one process, 3.2 s and
    264 MB this way). A smaller week gains little, and stays in this process. From a process that
    runs other threads (the scheduler's jobs, the preview) the child is a fresh interpreter, which
    may then fork for the week's scoring as a build does, where the threaded process may not."""
    if not edition.store_path.exists():
        return False
    with Store(edition.store_path) as store:
        return store.count_between(*week.window(edition.tz)) >= CHILD_FROM


def _make_issue(edition: Edition, week: Week, now: datetime | None,
                keep_readings: bool) -> tuple[Issue, list[Problem], list[str]]:
    start, end = week.window(edition.tz)
    items = []
    readings = None
    if not edition.store_path.exists():   # check and serve must not create a store as a side effect
        read = edition_notes(edition)
    else:
        with Store(edition.store_path) as store:
            read = edition_notes(edition, store, now)
            items = store.items_between(start, end)
            wanted = [canonical_url(u) for n in notes_in_week(read.notes, week, edition.tz) for u in n.urls if not n.exclude]
            items += store.items_by_canonical(wanted)
            readings = kept_readings(edition.config, items, store.readings)
    selection = assemble_issue(edition.config, week, items, read.notes, history_of(edition.output_dir), edition.first_week,
                               readings)
    if keep_readings and readings is not None and readings.made:
        with Store(edition.store_path) as store:
            store.keep_readings(readings.fingerprint, readings.made)
    issue = selection.issue
    if edition.config.briefing.show_build_time:
        issue.built_at = (now or _now()).astimezone(edition.tz).strftime("%Y-%m-%d %H:%M %Z")
    return issue, read.problems + selection.problems, selection.dropped


def read_week_ahead(edition: Edition, week: Week) -> int:
    """Reads the week's reports that no run has read yet and keeps the readings, so that the
    week's build does not read them all at once; returns how many it read. A large week is read in
    a child process, as it is merged (the scheduler's collect job would otherwise read it on one
    core and keep what the reading took)."""
    if _large_week(edition, week):
        done, read = in_a_child(partial(_read_week, edition, week), fresh=not may_fork())
        if done and read is not None:
            return read
    return _read_week(edition, week)


def _read_week(edition: Edition, week: Week) -> int:
    with Store(edition.store_path) as store:
        items, readings = _week_as_kept(edition, week, store)
        read_ahead(edition.config, items, readings)
        if readings.made:
            store.keep_readings(readings.fingerprint, readings.made)
    return len(readings.made)


def _week_as_kept(edition: Edition, week: Week, store: Store) -> tuple[list[Item], Readings]:
    """The week's reports, and the readings earlier runs kept of them."""
    items = store.items_between(*week.window(edition.tz))
    return items, kept_readings(edition.config, items, store.readings)


def unread_names_of(edition: Edition, week: Week) -> tuple[list[UnreadName], int]:
    """The names in the week's Chinese headlines that folding cannot read in English, for
    ``whalewatch glossary``, and how many reports the week has; nothing is written."""
    if not edition.store_path.exists():
        return [], 0
    with Store(edition.store_path) as store:
        items, readings = _week_as_kept(edition, week, store)
    with _collector_paused():
        return unread_names_in_week(items, lexicon_for(edition.config), readings), len(items)


def build(edition: Edition, week: Week, reporter: Reporter | None = None, pdf: bool = True,
          write: bool = True, now: datetime | None = None) -> BuildReport:
    if write:
        from .lock import edition_lock

        with edition_lock(edition.state_dir, f"build {week}", wait=60):
            return _build(edition, week, reporter, pdf, write, now)
    return _build(edition, week, reporter, pdf, write, now)


def _build(edition: Edition, week: Week, reporter: Reporter | None, pdf: bool, write: bool,
           now: datetime | None) -> BuildReport:
    reporter = reporter or Reporter()
    issue, problems, dropped = make_issue(edition, week, now, keep_readings=write,
                                          meanwhile=partial(_ready_the_pdf, edition, week) if pdf else None)
    renderer = renderer_for(edition)
    reporter.start(f"Rendering {week}", 2 if pdf else 1)
    files = renderer.render_text_outputs(issue)
    reporter.advance("text")
    if pdf:
        files["briefing.pdf"] = renderer.render_pdf(issue)
        reporter.advance("pdf")
    reporter.finish()
    problems += section_template_problems(edition, renderer, issue)
    folder = None
    if write:
        out = edition.output_dir
        clean_leftovers(out)
        folder = out / str(week)
        write_folder_atomic(folder, files)
        write_archive(renderer, out, **archive_settings(edition))
        write_note_pages(edition, renderer)
    return BuildReport(issue, problems + renderer.problems, folder, files, dropped)


def _ready_the_pdf(edition: Edition, week: Week) -> None:
    """Lays out a small page with the edition's PDF template, its fonts and both scripts, while a
    large week is merged in a child: WeasyPrint's first document in a process pays for loading
    fonts and the stylesheet (the 20,000-item week's PDF took 2.5 s cold, 1.4-1.6 s after this
    page), and this one is thrown away. Whatever goes wrong here is the real PDF's to meet and report."""
    briefing = edition.config.briefing
    start, end = week.window(edition.tz)
    sample = Issue(title=briefing.title, tagline=briefing.tagline, number=1, week=str(week),
                   window_start=start.date().isoformat(), window_end=end.date().isoformat(), timezone=briefing.timezone,
                   intro_html="<p>Ready 准备 <strong>Bold 粗体</strong> <em>Italic 斜体</em></p>", intro_text="Ready 准备",
                   top_title=briefing.top_title, top=[], sections=[],
                   stats=dict.fromkeys(("items_read", "stories", "sources", "notes", "folded", "dropped"), 0))
    try:
        renderer = renderer_for(edition)
        render_pdf(renderer.render_pdf_html(sample), renderer.fetcher)
    except Exception:  # noqa: BLE001, S110 - only a head start: the real PDF reports its own problems
        pass


def write_note_pages(edition: Edition, renderer: Renderer) -> None:
    """Background pages and essays in full, beside the issues that link to them."""
    pages = pages_of(read_notes(edition.notes_dir, edition.tz).notes, edition.config.briefing.timezone)
    link_stories(pages, read_issues(edition.output_dir))
    write_pages(renderer, edition.output_dir, pages, title=edition.config.briefing.title,
                language=edition.config.briefing.language)


def archive_settings(edition: Edition) -> dict[str, str]:
    briefing = edition.config.briefing
    return {"title": briefing.title, "tagline": briefing.tagline, "base_url": briefing.base_url,
            "author": briefing.author, "language": briefing.language}


def section_template_problems(edition: Edition, renderer: Renderer, issue: Issue) -> list[Problem]:
    return [Problem(display_path(edition.config_path), None, message)
            for message in renderer.missing_section_templates(issue.sections)]


def check(edition: Edition, week: Week) -> list[Problem]:
    """Everything build would complain about, without writing a byte.

    Every edition template is compiled, used in this week's issue or not; then the week is
    rendered in every format so that errors only data can reveal (an undefined variable) show too.
    """
    problems = list(read_notes(edition.notes_dir, edition.tz).problems)
    renderer = renderer_for(edition)
    for name, origin, path in list_templates(edition.templates_dir):
        if origin == "edition" and path.suffix in (".html", ".md", ".txt", ".xml", ".css"):
            try:
                renderer.env.get_template(name)
            except Exception as exc:  # noqa: BLE001 - reported, not raised
                problems.append(Problem(display_path(path), getattr(exc, "lineno", None),
                                        f"template error: {getattr(exc, 'message', exc)}"))
    try:
        issue, found, _ = make_issue(edition, week)
        problems += [p for p in found if p not in problems]
        problems += section_template_problems(edition, renderer, issue)
        known = {(p.path, p.line) for p in problems}
        problems += [p for p in renderer.try_section_partials(issue) if (p.path, p.line) not in known]
        renderer.render_text_outputs(issue)
        renderer.render_pdf_html(issue)
        render_archive(renderer, read_issues(edition.output_dir), **archive_settings(edition))
    except TemplateError as exc:
        problems.append(Problem(display_path(exc.path) if exc.path else "templates", exc.line, exc.detail))
    seen = {(p.path, p.line) for p in problems}
    problems += [p for p in renderer.problems if (p.path, p.line) not in seen]
    return problems


# -- notes ------------------------------------------------------------------------------------

@dataclass
class NoteReading:
    """How one note was read, for ``whalewatch notes``: what a person would ask of a guess."""

    path: str
    shape: str
    kind: str
    title: str
    week: str
    link: str
    outcome: str                 # the story it annotates, the story it became, or the page it is
    guesses: list[str]


def notes_report(edition: Edition) -> tuple[list[NoteReading], list[Problem]]:
    """Every note with its shape, its week and where it went: each week the notes fall in is
    assembled as a build would assemble it, so 'annotates' means what the issue will show."""
    store = Store(edition.store_path) if edition.store_path.exists() else None
    try:
        read = edition_notes(edition, store)
    finally:
        if store is not None:
            store.close()
    weeks: dict[str, Week] = {}
    for note in read.notes:
        week = _week_of(note, edition)
        if week is not None:
            weeks[str(week)] = week
    placed: dict[str, str] = {}
    for name, week in sorted(weeks.items()):
        if week.minus(edition.first_week) < 0:
            continue
        issue, _, _ = make_issue(edition, week)
        for story in issue.all_stories():
            for note in story.notes:
                kind = "annotates" if story.kind == "feed" else "is the story"
                placed.setdefault(note.path, f"{kind} '{story.title[:60]}' ({name}, {story.section})")
            for reason in story.reasons:
                if reason.startswith("from the note "):
                    placed.setdefault(reason.removeprefix("from the note "), f"is the story '{story.title[:60]}' ({name}, {story.section})")
    rows = []
    for note in read.notes:
        week = _week_of(note, edition)
        if note.kind == "background":
            outcome = f"background page background/{note.slug}.html"
        elif note.kind == "essay":
            outcome = f"lead in the issue, whole text at essays/{note.slug}.html"
        elif note.kind == "intro":
            outcome = "the issue's introduction"
        else:
            outcome = placed.get(note.path, "not in any issue (dropped, excluded or before the first issue)")
        rows.append(NoteReading(note.path, note.shape or note.kind, note.kind, note.title, str(week) if week else "",
                                note.urls[0] if note.urls else "", outcome, note.guesses))
    return rows, read.problems


def _week_of(note, edition: Edition) -> Week | None:  # noqa: ANN001
    if note.kind == "background":
        return None
    if note.week:
        return Week.parse(note.week)
    return Week.containing(note.date, edition.tz) if note.date else None


# -- deliver ----------------------------------------------------------------------------------

def load_built(edition: Edition, week: Week) -> "BuiltIssue":
    from .deliver import BuiltIssue

    folder = edition.output_dir / str(week)
    try:
        data = json.loads((folder / "issue.json").read_text(encoding="utf-8"))
        pdf = folder / "briefing.pdf"
        return BuiltIssue(str(week), data["number"], data.get("subject") or f"{data['title']} #{data['number']}",
                          (folder / "email.html").read_text(encoding="utf-8"),
                          (folder / "briefing.txt").read_text(encoding="utf-8"),
                          pdf.read_bytes() if pdf.is_file() else None)
    except (OSError, ValueError, KeyError) as exc:
        raise WhalewatchError(f"{display_path(folder)} is not a complete built issue ({exc}); run `whalewatch build --week {week}`") from None


def send(edition: Edition, week: Week, to: list[str] | None = None, dry_run: bool = False,
         rebuild: bool = False, reporter: Reporter | None = None,
         should_stop: Callable[[], bool] = lambda: False, on_wait: Callable[[str], None] | None = None) -> "SendReport":
    """Build the week if it is not built yet, then deliver it; one run at a time per edition."""
    from .config import Recipient
    from .deliver import load_recipients, send_issue
    from .lock import edition_lock

    # A send already running (the scheduler's publish) may take its whole budget: wait for it, and
    # then find everyone it served marked sent.
    with edition_lock(edition.state_dir, f"send {week}", wait=edition.config.email.smtp.budget + 120,
                      on_wait=on_wait):
        if rebuild or not (edition.output_dir / str(week) / "issue.json").is_file():
            build(edition, week, reporter)
        issue = load_built(edition, week)
        recipients = [Recipient(email=address) for address in to] if to else load_recipients(edition)
        if not recipients:
            raise WhalewatchError(f"no recipients: add email.recipients or email.recipients_file to {display_path(edition.config_path)}, or use --to")
        outbox = edition.state_dir / "outbox" / str(week) if dry_run else None
        with Store(edition.store_path) as store:
            return send_issue(edition, issue, recipients, store, proof=bool(to), dry_run_dir=outbox,
                              should_stop=should_stop)
