"""The editor's notes: Markdown with YAML front matter, or plain files with none.

A broken note costs a message naming the file and line, never the issue: it is reported and
skipped (or read without the bad field), and every other note is still used. Files without
front matter (like the seeds an editor starts from) are read with their title, date and links
guessed, and each guess is reported as a warning.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import markdown

from ..errors import Problem, WeekError, display_path
from ..model import Note
from ..sanitize import html_to_text, one_line, sanitize_html
from ..urls import safe_url
from ..weeks import Week
from ..yamlsafe import YamlProblem, load_with_lines

NOTE_SUFFIXES = {".md", ".markdown", ".txt"}
MAX_NOTE_BYTES = 1_000_000
_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)(?:\r?\n)(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_ISO_DATE = re.compile(r"(?<!\d)(20\d{2})-(\d{2})-(\d{2})(?!\d)")
_EMBED = re.compile(r"!\[\[([^\]]+)\]\]")
_WIKILINK = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]")
_BARE_URL = re.compile(r"(?<![(<\[\"'=])\b(https?://[^\s<>()\[\]\"']+[^\s<>()\[\].,;:!?\"'])")
_KNOWN = {"title", "date", "week", "url", "urls", "section", "tags", "priority", "kind", "pin", "exclude",
          "translated_title", "title_en", "continues", "source"}


@dataclass
class NotesRead:
    notes: list[Note]
    problems: list[Problem]


def read_notes(folder: Path, tz: ZoneInfo) -> NotesRead:
    notes: list[Note] = []
    problems: list[Problem] = []
    if not folder.is_dir():
        return NotesRead(notes, problems)
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in NOTE_SUFFIXES):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        note, found = read_note(path, tz, folder)
        problems.extend(found)
        if note is not None:
            notes.append(note)
    return NotesRead(notes, problems)


def read_note(path: Path, tz: ZoneInfo, folder: Path | None = None) -> tuple[Note | None, list[Problem]]:
    """Problems name the file as the user would type it; the note keeps a path relative to notes/,
    so ids and outputs do not depend on where the edition is checked out."""
    shown = display_path(path)
    stable = (path.relative_to(folder.parent) if folder else path).as_posix()
    raw = path.read_bytes()
    if len(raw) > MAX_NOTE_BYTES:
        return None, [Problem(shown, None, f"note is {len(raw)} bytes; the limit is {MAX_NOTE_BYTES}. Split it")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = raw.decode("utf-8", errors="replace")
        warn = Problem(shown, None, f"not valid UTF-8 (byte {exc.start}); bad bytes replaced. Save the file as UTF-8", "warning")
    else:
        warn = None
    problems = [warn] if warn else []
    match = _FRONT.match(text)
    if match:
        try:
            meta, lines = load_with_lines(match.group(1))
        except YamlProblem as exc:
            line = exc.line + 1 if exc.line else None
            return None, problems + [Problem(shown, line, f"front matter: {exc}; the note was skipped. Fix the YAML between the --- lines")]
        if meta is None:
            meta, lines = {}, {}
        if not isinstance(meta, dict):
            return None, problems + [Problem(shown, 2, "front matter must be key: value lines; the note was skipped")]
        body = text[match.end():]
        note = _from_front_matter(path, shown, meta, lines, body, tz, problems)
    else:
        note = _guessed(path, shown, text, tz, problems)
    if note is not None:
        note.path = stable
    return note, problems


def _render_body(body: str, shown: str, problems: list[Problem]) -> str:
    """Markdown that Python-Markdown cannot take (lists nested a few hundred deep exhaust its
    recursion) is kept as plain paragraphs: the note's words reach the issue either way."""
    try:
        return render_markdown(body)
    except Exception as exc:  # noqa: BLE001 - one odd note must never stop the issue
        if isinstance(exc, RecursionError):
            reason, advice = "it nests lists or quotes too deeply", "Flatten the nesting"
        else:
            reason, advice = f"{type(exc).__name__}: {exc}", "Simplify the Markdown"
        problems.append(Problem(shown, None, f"could not be read as Markdown ({reason}); its text is shown as plain "
                                             f"paragraphs. {advice}", "warning"))
        paragraphs = (p.strip() for p in re.split(r"\n\s*\n", body))
        return sanitize_html("".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p))


def render_markdown(body: str) -> str:
    """Markdown to sanitised HTML; Obsidian embeds and wiki links become text, bare URLs links."""
    body = _EMBED.sub(lambda m: f"*(embedded: {m.group(1).strip()})*", body)
    body = _WIKILINK.sub(lambda m: (m.group(2) or m.group(1)).strip(), body)
    body = _autolink(body)
    rendered = markdown.markdown(body, extensions=["footnotes", "tables", "fenced_code", "sane_lists"], output_format="html")
    return sanitize_html(rendered)


def _autolink(body: str) -> str:
    out = []
    in_fence = False
    for line in body.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        out.append(line if in_fence or line.startswith(("    ", "\t\t")) else _BARE_URL.sub(r"<\1>", line))
    return "\n".join(out)


def _from_front_matter(path: Path, shown: str, meta: dict, lines: dict, body: str, tz: ZoneInfo,
                       problems: list[Problem]) -> Note:
    def bad(key: str, message: str) -> None:
        line = lines.get((key,))
        problems.append(Problem(shown, line + 1 if line else None, f"{key}: {message}; the field was ignored", "warning"))

    def text_field(key: str) -> str:
        value = meta.get(key)
        if value is None:
            return ""
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return one_line(str(value), 300)
        bad(key, f"expected text, got {type(value).__name__}")
        return ""

    body_html = _render_body(body, shown, problems)
    note = Note(path=shown, title=text_field("title"), body_html=body_html, body_text=html_to_text(body_html))
    note.date = _when(meta.get("date"), tz, lambda m: bad("date", m))
    if meta.get("week") is not None:
        try:
            note.week = str(Week.parse(str(meta["week"])))
        except WeekError as exc:
            bad("week", str(exc))
    urls = _list(meta.get("url")) + _list(meta.get("urls"))
    for raw in urls:
        url = safe_url(str(raw))
        if url:
            note.urls.append(url)
        else:
            bad("url", f"{raw!r} is not an http(s) address")
    note.section = text_field("section") or None
    note.tags = [one_line(str(t), 60) for t in _list(meta.get("tags"))]
    note.kind = text_field("kind") or "note"
    if note.kind not in ("note", "intro"):
        bad("kind", f"'{note.kind}' is not a kind; use note or intro")
        note.kind = "note"
    note.priority = _int(meta.get("priority"), lambda m: bad("priority", m))
    note.pin = _bool(meta.get("pin"), lambda m: bad("pin", m))
    note.exclude = _bool(meta.get("exclude"), lambda m: bad("exclude", m))
    note.translated_title = text_field("translated_title") or text_field("title_en")
    note.continues = [str(c) for c in _list(meta.get("continues"))]
    note.source = text_field("source")
    note.data = {k: _plain(v) for k, v in meta.items() if k not in _KNOWN}
    if not note.title and not note.urls and note.kind != "intro":
        note.title = _first_line_title(body) or path.stem.replace("-", " ").replace("_", " ")
        problems.append(Problem(shown, 1, f"no title: in front matter; using '{note.title}'", "warning"))
    if note.date is None and note.week is None:
        note.date, how = _guess_date(path, body, tz)
        problems.append(Problem(shown, 1, f"no date: or week: in front matter; {how}", "warning"))
    return note


def _guessed(path: Path, shown: str, text: str, tz: ZoneInfo, problems: list[Problem]) -> Note:
    title = _first_line_title(text) or path.stem
    body = text
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    if first and one_line(first.lstrip("# ")) == title:
        body = text.split(first, 1)[1]
    body_html = _render_body(_plain_text_paragraphs(body) if path.suffix.lower() == ".txt" else body, shown, problems)
    when, how = _guess_date(path, text, tz)
    problems.append(Problem(shown, 1, f"no front matter: title taken from the first line ('{one_line(title, 60)}'); {how}. "
                                      "Add a --- front matter block with title: and date: to be sure", "warning"))
    return Note(path=shown, title=title, body_html=body_html, body_text=html_to_text(body_html), date=when)


_BULLET = re.compile(r"^(\s*)[•·▪◦‣]\s+")
_LIST_LINE = re.compile(r"^\s*([-*+]|\d+[.)])\s+")


def _plain_text_paragraphs(body: str) -> str:
    """Plain-text notes use one line per paragraph; Markdown would run them together."""
    out: list[str] = []
    previous = ""
    for line in body.splitlines():
        line = _BULLET.sub(lambda m: m.group(1)[: len(m.group(1)) // 2 * 2] + "- ", line)
        if line.strip() and previous.strip() and not _LIST_LINE.match(line) and not line.startswith((" ", "\t", ">")):
            out.append("")
        out.append(line)
        previous = line
    return "\n".join(out)


def _first_line_title(text: str) -> str:
    for line in text.splitlines():
        stripped = line.strip().lstrip("#").strip()
        if stripped:
            return one_line(stripped, 200)
    return ""


def _guess_date(path: Path, text: str, tz: ZoneInfo) -> tuple[datetime, str]:
    """Filename date first, then the latest ISO date in the text, then the file's time."""
    match = _ISO_DATE.search(path.name)
    if match:
        found = _valid_date(match)
        if found:
            return datetime.combine(found, time(12), tzinfo=tz).astimezone(timezone.utc), f"date {found} taken from the file name"
    dates = [d for d in (_valid_date(m) for m in _ISO_DATE.finditer(text)) if d]
    if dates:
        latest = max(dates)
        return datetime.combine(latest, time(12), tzinfo=tz).astimezone(timezone.utc), f"date {latest} guessed from the latest date in the text"
    mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
    return mtime, f"date {mtime.astimezone(tz):%Y-%m-%d} taken from the file's modification time"


def _valid_date(match: re.Match) -> date | None:
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _when(value: Any, tz: ZoneInfo, bad) -> datetime | None:  # noqa: ANN001
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=tz)
        return moment.astimezone(timezone.utc)
    if isinstance(value, date):
        return datetime.combine(value, time(12), tzinfo=tz).astimezone(timezone.utc)
    if isinstance(value, str):
        try:
            return _when(datetime.fromisoformat(value.strip()), tz, bad)
        except ValueError:
            pass
    bad(f"{value!r} is not a date; write YYYY-MM-DD or YYYY-MM-DDTHH:MM")
    return None


def _list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _int(value: Any, bad) -> int:  # noqa: ANN001
    if value is None:
        return 0
    if isinstance(value, int) and not isinstance(value, bool):
        return max(-100, min(100, value))
    bad(f"{value!r} is not a whole number")
    return 0


def _bool(value: Any, bad) -> bool:  # noqa: ANN001
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    bad(f"{value!r} is not true or false")
    return False


def _plain(value: Any) -> Any:
    """Front matter for custom sections, made JSON-safe."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return value[:2000]
    return value
