"""The stages wired together: collect (sources -> store) and build (store -> select -> render -> files).

The CLI, the scheduler and the preview server all call these; none of them prints. Progress
and warnings go to a ``Reporter`` the caller gives, so each front end shows them its own way.
"""

from __future__ import annotations

import asyncio
import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .config import Edition, Feed
from .errors import Problem, TemplateError, WhalewatchError, display_path
from .model import Issue
from .render.archive import read_issues, render_archive, write_archive
from .render.env import list_templates
from .render.outputs import RenderSettings, Renderer
from .render.write import clean_leftovers, write_folder_atomic
from .select import History, assemble_issue
from .select.assemble import notes_in_week
from .sources.decode import RefusedDocument
from .sources.feeds import NotAFeed, Parsed, parse_feed
from .sources.fetch import FetchRequest, Fetched, fetch_all
from .sources.notes import read_notes
from .store import Store
from .urls import canonical_url
from .weeks import Week

if TYPE_CHECKING:
    from .deliver import BuiltIssue, SendReport

PARALLEL_PARSE_MIN = 8


class Reporter:
    """Silent by default; the CLI subclasses it with progress bars, the scheduler with logging."""

    def start(self, label: str, total: int) -> None: ...
    def advance(self, label: str) -> None: ...
    def finish(self) -> None: ...
    def warn(self, message: str) -> None: ...


@dataclass
class FeedOutcome:
    name: str
    status: str            # new | unchanged | failed
    new_items: int = 0
    items: int = 0
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class CollectReport:
    outcomes: list[FeedOutcome]

    @property
    def failed(self) -> list[FeedOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _parse_job(raw: bytes, feed: Feed, content_type: str | None, base_url: str, now: datetime, max_items: int) -> Parsed | str:
    """Runs in a worker process; returns an error message instead of raising across the pool."""
    try:
        return parse_feed(raw, feed=feed.name, language=feed.language, now=now, content_type=content_type,
                          base_url=base_url, max_items=max_items, include=feed.include, exclude=feed.exclude)
    except (NotAFeed, RefusedDocument) as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - one hostile feed must never stop the run
        return f"could not be parsed ({type(exc).__name__}: {exc})"


def collect(edition: Edition, reporter: Reporter | None = None, now: datetime | None = None,
            only: list[str] | None = None) -> CollectReport:
    reporter = reporter or Reporter()
    now = now or _now()
    feeds = [f for f in edition.config.feeds if f.enabled and (not only or f.name in only)]
    with Store(edition.store_path) as store:
        reporter.start("Fetching feeds", len(feeds))
        fetched = _fetch(edition, feeds, store, reporter)
        reporter.finish()
        outcomes = _parse_and_store(edition, feeds, fetched, store, now, reporter)
    return CollectReport(outcomes)


def _fetch(edition: Edition, feeds: list[Feed], store: Store, reporter: Reporter) -> dict[str, Fetched]:
    results: dict[str, Fetched] = {}
    requests = []
    for feed in feeds:
        if feed.file:
            path = edition.feed_path(feed)
            try:
                results[feed.name] = Fetched(feed.name, str(path), status=200, body=path.read_bytes())
            except OSError as exc:
                results[feed.name] = Fetched(feed.name, str(path), error=f"cannot read snapshot {display_path(path)}: {exc.strerror}")
            reporter.advance(feed.name)
        else:
            state = store.feed_state(feed.name)
            same_url = state.url == feed.url
            requests.append(FetchRequest(feed.name, feed.url, state.etag if same_url else None,
                                         state.last_modified if same_url else None))
    if requests:
        for result in asyncio.run(fetch_all(requests, edition.config.fetch, on_done=lambda r: reporter.advance(r.name))):
            results[result.name] = result
    return results


def _parse_and_store(edition: Edition, feeds: list[Feed], fetched: dict[str, Fetched], store: Store,
                     now: datetime, reporter: Reporter) -> list[FeedOutcome]:
    settings = edition.config.fetch
    to_parse = [f for f in feeds if fetched[f.name].body is not None and not fetched[f.name].error]
    reporter.start("Parsing", len(to_parse))
    parsed: dict[str, Parsed | str] = {}
    jobs = [(fetched[f.name].body, f, fetched[f.name].content_type, fetched[f.name].url, now, settings.max_items) for f in to_parse]
    workers = min(len(jobs), os.cpu_count() or 1)
    if len(jobs) >= PARALLEL_PARSE_MIN and workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {f.name: pool.submit(_parse_job, *job) for f, job in zip(to_parse, jobs)}
            for name, future in futures.items():
                parsed[name] = future.result()
                reporter.advance(name)
    else:
        for feed, job in zip(to_parse, jobs):
            parsed[feed.name] = _parse_job(*job)
            reporter.advance(feed.name)
    reporter.finish()

    outcomes = []
    for feed in feeds:
        result = fetched[feed.name]
        outcome = FeedOutcome(feed.name, "failed", seconds=result.elapsed)
        source = feed.url or feed.file
        if result.error:
            outcome.error = result.error
        elif result.not_modified:
            outcome.status = "unchanged"
            store.record_feed_success(feed.name, source, now, 304, result.etag, result.last_modified, [])
        elif isinstance(parsed.get(feed.name), str):
            outcome.error = parsed[feed.name]
        else:
            document = parsed[feed.name]
            outcome.new_items = store.record_feed_success(feed.name, source, now, result.status or 200,
                                                          result.etag, result.last_modified, document.items)
            outcome.items = len(document.items)
            outcome.warnings = document.warnings
            outcome.status = "new" if outcome.new_items else "unchanged"
        if outcome.status == "failed":
            store.record_feed_failure(feed.name, source, now, outcome.error, result.status)
            reporter.warn(f"feed '{feed.name}' ({source}): {outcome.error}")
        for warning in outcome.warnings:
            reporter.warn(f"feed '{feed.name}': {warning}")
        outcomes.append(outcome)
    return outcomes


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
        for story in issue["top"] + [s for block in issue["sections"] for s in block["stories"]]:
            for url in [story.get("canonical_url") or canonical_url(story.get("url"))] + [canonical_url(c["url"]) for c in story.get("also", [])]:
                if url:
                    history.by_url.setdefault(url, {"number": issue["number"], "week": issue["week"],
                                                    "url": f"../{issue['week']}/index.html#s-{story['id']}"})
    return history


def make_issue(edition: Edition, week: Week, now: datetime | None = None) -> tuple[Issue, list[Problem], list[str]]:
    """Select and merge one week without rendering anything: used by build, check, serve and explain."""
    read = read_notes(edition.notes_dir, edition.tz)
    start, end = week.window(edition.tz)
    items = []
    if edition.store_path.exists():   # check and serve must not create a store as a side effect
        with Store(edition.store_path) as store:
            items = store.items_between(start, end)
            wanted = [canonical_url(u) for n in notes_in_week(read.notes, week, edition.tz) for u in n.urls if not n.exclude]
            items += store.items_by_canonical(wanted)
    selection = assemble_issue(edition.config, week, items, read.notes, history_of(edition.output_dir), edition.first_week)
    issue = selection.issue
    if edition.config.briefing.show_build_time:
        issue.built_at = (now or _now()).astimezone(edition.tz).strftime("%Y-%m-%d %H:%M %Z")
    return issue, read.problems + selection.problems, selection.dropped


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
    issue, problems, dropped = make_issue(edition, week, now)
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
    return BuildReport(issue, problems + renderer.problems, folder, files, dropped)


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
        renderer.render_text_outputs(issue)
        renderer.render_pdf_html(issue)
        render_archive(renderer, read_issues(edition.output_dir), **archive_settings(edition))
    except TemplateError as exc:
        problems.append(Problem(display_path(exc.path) if exc.path else "templates", exc.line, exc.detail))
    seen = {(p.path, p.line) for p in problems}
    problems += [p for p in renderer.problems if (p.path, p.line) not in seen]
    return problems


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
         should_stop: Callable[[], bool] = lambda: False) -> "SendReport":
    """Build the week if it is not built yet, then deliver it; one run at a time per edition."""
    from .config import Recipient
    from .deliver import load_recipients, send_issue
    from .lock import edition_lock

    with edition_lock(edition.state_dir, f"send {week}", wait=60):
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
