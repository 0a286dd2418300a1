"""The preview server: every week in every format, rebuilt on save, reloaded in the open browser.

Nothing is written to ``briefings/``: pages are rendered in memory from the store, the notes and
the templates, on request, and cached until something changes. A watcher bumps a generation
number when a note, a template or feeds.yaml is saved (or when a fetch adds items to the store);
each preview page long-polls ``/__reload`` and reloads itself when the generation moves on. A
broken template or feeds.yaml is shown in the page, with its file and line, instead of stopping
the server; fixing it reloads the page.
"""

from __future__ import annotations

import copy
import hmac
import html
import json
import logging
import re
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Callable
from urllib.parse import parse_qs, urlsplit

import watchfiles

from .config import Edition, load_edition
from .errors import WhalewatchError, display_path
from .pipeline import make_issue, renderer_for, section_template_problems
from .render.archive import read_issues
from .store import Store
from .weeks import Week

if TYPE_CHECKING:
    from .model import Issue

log = logging.getLogger("whalewatch.serve")

FORMATS = {  # path under /<week>/ -> (output file, label, content type)
    "": ("index.html", "web page", "text/html; charset=utf-8"),
    "email.html": ("email.html", "email", "text/html; charset=utf-8"),
    "briefing.md": ("briefing.md", "Markdown", "text/plain; charset=utf-8"),
    "briefing.txt": ("briefing.txt", "text", "text/plain; charset=utf-8"),
    "briefing.pdf": ("briefing.pdf", "PDF", "application/pdf"),
    "issue.json": ("issue.json", "JSON", "application/json; charset=utf-8"),
}
POLL_SECONDS = 25.0
STORE_CHECK_MS = 1000
_WEEK_PATH = re.compile(r"^/(\d{4}-W\d{2})/([a-z.]*)$")

RELOAD_SCRIPT = """<script>
(function () {
  var generation = %d;
  function poll() {
    fetch("/__reload?since=" + generation, {cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(function (d) { if (d.generation !== generation) { location.reload(); } else { poll(); } })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
</script>"""

TOOLBAR = """<div id="whalewatch-preview" style="position:sticky;top:0;z-index:99;font:13px/1.6 system-ui,sans-serif;\
background:#1d232b;color:#e8edf2;padding:4px 12px">preview · <strong>%s</strong> · %s · <a style="color:#9cc7ff" href="/">all weeks</a></div>"""


@dataclass
class Page:
    status: int
    body: bytes
    content_type: str
    problems: tuple[str, ...] = ()    # template errors the page was built around, shown above it


class Preview:
    """What the server shows, rendered lazily and cached per generation."""

    def __init__(self, config_path: Path, now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)):
        self.config_path = config_path
        self.now = now
        self.generation = 0
        self.changed = threading.Condition()
        self.token = secrets.token_urlsafe(24)   # the desk's writes must carry it: no other page can know it
        self._state_lock = threading.Lock()      # held only to read or change the caches, never while rendering
        self._rendering: dict[tuple[int, str, str], threading.Lock] = {}
        self._cache: dict[tuple[int, str, str], Page] = {}
        self._issues: dict[str, tuple] = {}      # week -> (issue, problems): kept across template-only saves
        self.edition: Edition | None = None
        self.config_error = ""
        self._load()

    # -- state --------------------------------------------------------------------------------

    def _load(self) -> None:
        try:
            self.edition, self.config_error = load_edition(self.config_path), ""
        except WhalewatchError as exc:
            self.config_error = str(exc)

    def bump(self, why: str, reload_config: bool = False, templates_only: bool = False) -> None:
        """Something changed: pages are rebuilt on next view. A template changes how an issue looks,
        not what is in it, so then the selected issues are kept and only rendered again."""
        with self._state_lock:
            if reload_config:
                self._load()
            self._cache.clear()
            if not templates_only:
                self._issues.clear()
        with self.changed:
            self.generation += 1
            self.changed.notify_all()
        log.info("changed (%s): pages rebuilt on next view", why)

    def wait_for_change(self, since: int, timeout: float = POLL_SECONDS) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.generation != since, timeout=timeout)
            return self.generation

    # -- pages --------------------------------------------------------------------------------

    def page(self, week: str, fmt: str, raw: bool = False) -> Page:
        """Web and email pages get the toolbar and reload script; the other formats are shown in a
        wrapper page that reloads too, and as the exact bytes with ``raw``."""
        generation = self.generation
        key = (generation, week, fmt)
        with self._state_lock:
            page = self._cache.get(key)
            rendering = self._rendering.setdefault(key, threading.Lock())
        if page is None:
            # One render per page at a time, and a slow one (a runaway template waits out its time
            # limit) holds up only the views of that same page.
            with rendering:
                with self._state_lock:
                    page = self._cache.get(key)
                if page is None:
                    page = self._render(week, fmt, generation)
                    with self._state_lock:
                        self._cache[key] = page
                        self._rendering.pop(key, None)
        if raw or fmt in ("", "email.html") or page.content_type.startswith("text/html"):
            return page
        return self._wrapper(week, fmt, page, generation)

    def _render(self, week_text: str, fmt: str, generation: int) -> Page:
        output, label, content_type = FORMATS[fmt]
        if self.config_error or self.edition is None:
            return self._error_page(week_text, label, self.config_error, generation)
        try:
            issue = self._issue(Week.parse(week_text))
            renderer = renderer_for(self.edition)
            if output == "briefing.pdf":
                body = renderer.render_pdf(issue)
            else:
                body = renderer.render_output(issue, output)
        except WhalewatchError as exc:
            return self._error_page(week_text, label, str(exc), generation)
        problems = tuple(str(p) for p in renderer.problems + section_template_problems(self.edition, renderer, issue))
        if fmt in ("", "email.html"):
            body = _inject(body.decode("utf-8"), self._chrome(week_text, label, generation, problems)).encode("utf-8")
        return Page(200, body, content_type, problems)

    def desk(self, week_text: str) -> Page:
        """The editor's desk for a week: always built fresh, since it is where the week is changed."""
        from .desk import desk_page, dropped_this_week, worklist
        from .review import state_of

        generation = self.generation
        if self.edition is None:
            return self._error_page(week_text, "desk", self.config_error, generation)
        try:
            week = Week.parse(week_text)
            issue, problems, _ = make_issue(self.edition, week, self.now(), keep_readings=True)
        except WhalewatchError as exc:
            return self._error_page(week_text, "desk", str(exc), generation)
        state = ""
        if self.edition.store_path.exists():
            with Store(self.edition.store_path) as store:
                state = state_of(store, str(week))[0] or ""
        body = desk_page(self.edition, issue, worklist(self.edition, issue, problems, self.now()), self.token, state,
                         dropped_this_week(self.edition, str(week)))
        return Page(200, body.encode("utf-8"), "text/html; charset=utf-8")

    def desk_action(self, week_text: str, request: dict) -> tuple[int, bytes]:
        from .desk import DeskError, act, json_reply

        if self.edition is None:
            return 409, json_reply(False, self.config_error)
        try:
            done = act(self.edition, str(Week.parse(week_text)), request, self.now())
        except DeskError as exc:
            return 400, json_reply(False, str(exc))
        except WhalewatchError as exc:
            return 409, json_reply(False, str(exc))
        except OSError as exc:
            return 500, json_reply(False, f"could not write the note ({exc.strerror}: {exc.filename}); "
                                          "check that notes/ is a folder this user may write")
        self.bump(f"desk: {done.message}")
        return 200, json_reply(True, done.message)

    def _issue(self, week: Week) -> "Issue":
        if str(week) not in self._issues:
            self._issues[str(week)] = make_issue(self.edition, week, self.now(), keep_readings=True)
        issue = self._issues[str(week)][0]
        return copy.deepcopy(issue)       # rendering sets the subject; the kept issue stays as selected

    def _wrapper(self, week: str, fmt: str, page: Page, generation: int) -> Page:
        label = FORMATS[fmt][1]
        if fmt == "briefing.pdf":
            shown = f"<iframe title='PDF' src='/{week}/{fmt}?raw=1' style='border:0;width:100%;height:calc(100vh - 40px)'></iframe>"
        else:
            shown = (f"<pre class='whalewatch-source' style='white-space:pre-wrap;max-width:50em;margin:1em auto;"
                     f"font:14px/1.5 ui-monospace,monospace'>{html.escape(page.body.decode('utf-8'))}</pre>")
        body = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(label)} · {html.escape(week)}</title></head>"
                f"<body style='margin:0'>{self._chrome(week, label, generation, page.problems)}{shown}"
                f"<p style='text-align:center;font:13px system-ui'><a href='/{week}/{fmt}?raw=1'>the file itself</a></p></body></html>")
        return Page(200, body.encode("utf-8"), "text/html; charset=utf-8")

    def _chrome(self, week: str, label: str, generation: int, problems: tuple[str, ...] = ()) -> str:
        links = " · ".join(
            f'<a style="color:#9cc7ff" href="/{week}/{name}">{html.escape(text)}</a>' if text != label else html.escape(text)
            for name, (_, text, _) in FORMATS.items())
        banner = ""
        if problems:
            banner = ("<pre class='whalewatch-error' style='white-space:pre-wrap;margin:0;padding:8px 12px;background:#fdecea;"
                      "color:#5f1410;font:13px/1.5 ui-monospace,monospace'>" + html.escape("\n".join(problems))
                      + "\n(the page below is what the package defaults make of it; fix and save to see yours)</pre>")
        return TOOLBAR % (html.escape(week), links) + banner + RELOAD_SCRIPT % generation

    def _error_page(self, week: str, label: str, message: str, generation: int) -> Page:
        body = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Error · {html.escape(week)}</title></head>"
                f"<body style='font:15px/1.5 system-ui,sans-serif;margin:0'>{self._chrome(week, label, generation)}"
                f"<main style='padding:1em 2em'><h1 style='color:#b3261e'>This preview could not be built</h1>"
                f"<pre class='whalewatch-error' style='white-space:pre-wrap;background:#fdecea;padding:1em'>"
                f"{html.escape(message)}</pre><p>Fix the file and save: this page reloads by itself.</p></main></body></html>")
        return Page(200, body.encode("utf-8"), "text/html; charset=utf-8")

    def notes_page(self) -> Page:
        """The notes panel: how every note was read and where it went, as ``whalewatch notes`` prints it."""
        generation = self.generation
        if self.edition is None:
            return self._error_page("", "", self.config_error, generation)
        from .pipeline import notes_report

        rows, problems = notes_report(self.edition)
        cells = "".join(
            "<tr>" + "".join(f"<td>{html.escape(value)}</td>" for value in (row.path, row.shape, row.week, row.title))
            + f"<td>{html.escape(row.link)}</td><td>{html.escape(row.outcome)}"
            + (f"<br><small>{html.escape('; '.join(row.guesses))}</small>" if row.guesses else "") + "</td></tr>"
            for row in rows)
        warnings = "".join(f"<li>{html.escape(str(p))}</li>" for p in problems)
        body = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Notes · preview</title></head>"
                f"<body style='font:14px/1.5 system-ui,sans-serif;margin:1em 2em'><p><a href='/'>all weeks</a></p>"
                f"<h1>How the notes were read</h1>{'<ul class=whalewatch-error>' + warnings + '</ul>' if warnings else ''}"
                f"<table class='notes' border='1' cellpadding='4' style='border-collapse:collapse'><tr><th>note</th><th>shape</th>"
                f"<th>week</th><th>title</th><th>link</th><th>goes to</th></tr>{cells}</table>{RELOAD_SCRIPT % generation}</body></html>")
        return Page(200, body.encode("utf-8"), "text/html; charset=utf-8")

    def note_page(self, folder: str, slug: str) -> Page:
        """A background page or an essay in full, as the archive will have it."""
        if self.edition is None:
            return self._error_page("", "", self.config_error, self.generation)
        from .render.pages import FOLDERS, pages_of, render_pages
        from .sources.notes import read_notes

        pages = pages_of(read_notes(self.edition.notes_dir, self.edition.tz).notes, self.edition.config.briefing.timezone)
        files = render_pages(renderer_for(self.edition), pages, title=self.edition.config.briefing.title,
                             language=self.edition.config.briefing.language)
        body = files.get(folder, {}).get(f"{slug}.html") if folder in FOLDERS.values() else None
        if body is None:
            return Page(404, b"no such page: see /notes for the background pages and essays", "text/plain; charset=utf-8")
        return Page(200, body, "text/html; charset=utf-8")

    def weeks(self) -> list[tuple[str, str]]:
        """The draft week first, then every week with a built issue, items or notes, newest first."""
        if self.edition is None:
            return []
        edition = self.edition
        draft = Week.containing(self.now(), edition.tz)
        found = {Week.parse(i["week"]) for i in read_issues(edition.output_dir)}
        found |= _weeks_with_items(edition)
        found |= _weeks_with_notes(edition)
        past = sorted((w for w in found if edition.first_week <= w < draft), reverse=True)
        return [(str(draft), "draft, this week")] + [(str(w), f"issue #{w.minus(edition.first_week) + 1}") for w in past]

    def index(self) -> Page:
        generation = self.generation
        if self.edition is None:
            return self._error_page("", "", self.config_error, generation)
        rows = "".join(
            f"<li><a href='/{week}/'>{week}</a> <small>({html.escape(what)})</small> · "
            + " · ".join(f"<a href='/{week}/{name}'>{html.escape(text)}</a>" for name, (_, text, _) in FORMATS.items() if name)
            + f" · <a href='/desk/{week}'><strong>desk</strong></a></li>" for week, what in self.weeks())
        title = html.escape(self.edition.config.briefing.title)
        body = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title} · preview</title></head>"
                f"<body style='font:15px/1.6 system-ui,sans-serif;max-width:48em;margin:2em auto'>"
                f"<h1>{title} · preview</h1><p>{html.escape(display_path(self.config_path))} · "
                f"<a href='/notes'>how the notes were read</a></p><ul>{rows}</ul>"
                f"{RELOAD_SCRIPT % generation}</body></html>")
        return Page(200, body.encode("utf-8"), "text/html; charset=utf-8")


def _inject(page: str, chrome: str) -> str:
    """The toolbar and reload script go in the preview only, never in built files."""
    body = re.search(r"<body[^>]*>", page, re.I)
    if body is None:
        return chrome + page
    return page[: body.end()] + chrome + page[body.end():]


def _weeks_with_items(edition: Edition) -> set[Week]:
    if not edition.store_path.exists():
        return set()
    with sqlite3.connect(f"file:{edition.store_path}?mode=ro", uri=True) as db:
        days = [row[0] for row in db.execute("SELECT DISTINCT substr(date, 1, 13) FROM items")]
    weeks = set()
    for day in days:   # by the hour; both ends, for zones whose offset is not a whole hour
        start = datetime.fromisoformat(day + ":00+00:00")
        weeks |= {Week.containing(start, edition.tz), Week.containing(start + timedelta(minutes=59), edition.tz)}
    return weeks


def _weeks_with_notes(edition: Edition) -> set[Week]:
    from .sources.notes import read_notes

    weeks = set()
    for note in read_notes(edition.notes_dir, edition.tz).notes:
        if note.week:
            weeks.add(Week.parse(note.week))
        elif note.date:
            weeks.add(Week.containing(note.date, edition.tz))
    return weeks


# -- watching -------------------------------------------------------------------------------

def store_fingerprint(edition: Edition | None) -> tuple:
    """What a fetch changes: the newest item and the latest feed attempt. Read-only, cheap."""
    if edition is None or not edition.store_path.exists():
        return ()
    try:
        with sqlite3.connect(f"file:{edition.store_path}?mode=ro", uri=True, timeout=5) as db:
            return (db.execute("SELECT max(rowid) FROM items").fetchone()[0],
                    db.execute("SELECT max(last_attempt) FROM feeds").fetchone()[0])
    except sqlite3.Error:
        return ()


def watch(preview: Preview, stop: threading.Event) -> None:
    """Bump the preview's generation when the edition's inputs change."""
    root = preview.config_path.resolve().parent

    def inputs() -> list[Path]:
        edition = preview.edition
        dirs = [root] if edition is None else [root, edition.notes_dir, edition.templates_dir]
        return [d.resolve() for d in dirs if d.is_dir()]

    def relevant(change: watchfiles.Change, path: str) -> bool:
        p = Path(path)
        if p == preview.config_path.resolve():
            return True
        edition = preview.edition
        if edition is None:
            return False
        return any(p.is_relative_to(d.resolve()) for d in (edition.notes_dir, edition.templates_dir)) and not p.name.startswith(".")

    fingerprint = store_fingerprint(preview.edition)
    while not stop.is_set():
        watched = inputs()
        for changes in watchfiles.watch(*watched, watch_filter=relevant, debounce=60, step=20, stop_event=stop,
                                        rust_timeout=STORE_CHECK_MS, yield_on_timeout=True, raise_interrupt=False):
            if changes:
                names = sorted({display_path(p) for _, p in changes})
                config_changed = any(Path(p) == preview.config_path.resolve() for _, p in changes)
                templates = preview.edition.templates_dir.resolve() if preview.edition else None
                templates_only = bool(templates) and all(Path(p).is_relative_to(templates) for _, p in changes)
                preview.bump(", ".join(names[:3]) + (" …" if len(names) > 3 else ""), reload_config=config_changed,
                             templates_only=templates_only)
                fingerprint = store_fingerprint(preview.edition)
                if config_changed and inputs() != watched:
                    break          # notes_dir or templates_dir moved: watch the new folders
            else:
                now = store_fingerprint(preview.edition)
                if now != fingerprint:
                    fingerprint = now
                    preview.bump("the store has new items")
                if inputs() != watched:
                    break          # templates/ was created: watch it directly


# -- HTTP -----------------------------------------------------------------------------------

def make_server(preview: Preview, host: str, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        server_version = "whalewatch-preview"

        def log_message(self, fmt: str, *args: object) -> None:
            log.debug("%s %s", self.address_string(), fmt % args)

        def _send(self, page: Page) -> None:
            self.send_response(page.status)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(page.body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(page.body)

        def do_HEAD(self) -> None:  # noqa: N802
            self.do_GET()

        def do_GET(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            if url.path == "/__reload":
                since = int((parse_qs(url.query).get("since") or ["-1"])[0] or -1)
                generation = preview.wait_for_change(since)
                return self._send(Page(200, json.dumps({"generation": generation}).encode(), "application/json"))
            if url.path in ("/", "/index.html"):
                return self._send(preview.index())
            if url.path == "/notes":
                return self._send(preview.notes_page())
            desk = re.fullmatch(r"/desk/(\d{4}-W\d{2})/?", url.path)
            if desk:
                return self._send(preview.desk(desk.group(1)))
            page_path = re.fullmatch(r"/(background|essays)/([\w\u3400-\u9fff-]{1,80})\.html", url.path)
            if page_path:
                return self._send(preview.note_page(page_path.group(1), page_path.group(2)))
            match = _WEEK_PATH.match(url.path)
            if match and match.group(2) in FORMATS:
                raw = "raw" in parse_qs(url.query)
                return self._send(preview.page(match.group(1), match.group(2), raw=raw))
            if re.fullmatch(r"/\d{4}-W\d{2}", url.path):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", url.path + "/")
                self.end_headers()
                return None
            return self._send(Page(404, b"not found: try / for the list of weeks", "text/plain; charset=utf-8"))

        def do_POST(self) -> None:  # noqa: N802
            """Only the desk writes, and only for a request that proves it came from the desk page:
            the session's token in a header (which a cross-site form cannot set), JSON, and an
            Origin, when the browser sends one, that is this server's own."""
            from .desk import json_reply

            match = re.fullmatch(r"/desk/(\d{4}-W\d{2})/act", urlsplit(self.path).path)
            if not match:
                return self._reply(404, json_reply(False, "not found: the desk posts to /desk/<week>/act"))
            refusal = self._refusal()
            if refusal:
                return self._reply(403, json_reply(False, refusal))
            declared = self.headers.get("Content-Length") or "0"
            if not declared.isdigit():
                return self._reply(400, json_reply(False, "the request has no valid Content-Length"))
            length = int(declared)
            if length > 100_000:
                return self._reply(413, json_reply(False, "request too large"))
            try:
                request = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                return self._reply(400, json_reply(False, "the request is not JSON"))
            if not isinstance(request, dict):
                return self._reply(400, json_reply(False, "the request must be a JSON object"))
            status, body = preview.desk_action(match.group(1), request)
            return self._reply(status, body)

        def _refusal(self) -> str:
            if not hmac.compare_digest(self.headers.get("X-Whalewatch-Token") or "", preview.token):
                return "refused: this request does not carry the desk's token (open the desk page and act from there)"
            if not (self.headers.get("Content-Type") or "").startswith("application/json"):
                return "refused: the desk accepts JSON only"
            origin = self.headers.get("Origin")
            if origin and origin != f"http://{self.headers.get('Host')}":
                return f"refused: a request from {origin} may not change this edition"
            return ""

        def _reply(self, status: int, body: bytes) -> None:
            self._send(Page(status, body, "application/json"))

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


def serve(config_path: Path, host: str = "127.0.0.1", port: int = 8000,
          on_ready: Callable[[str], None] | None = None, stop: threading.Event | None = None) -> None:
    """Run until interrupted (or ``stop`` is set): the HTTP server and the watcher, side by side."""
    preview = Preview(config_path)
    stop = stop or threading.Event()
    server = make_server(preview, host, port)
    watcher = threading.Thread(target=watch, args=(preview, stop), name="whalewatch-watch", daemon=True)
    watcher.start()
    bound_host, bound_port = server.server_address[:2]
    address = f"http://{bound_host}:{bound_port}/"          # what the socket is bound to, not what was asked
    if on_ready is not None:
        on_ready(address)
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    serving.start()
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        with preview.changed:
            preview.generation += 1         # release long polls so the server can stop promptly
            preview.changed.notify_all()
        server.shutdown()
        server.server_close()
        watcher.join(timeout=5)
