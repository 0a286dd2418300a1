"""The editor's notes: Markdown with YAML front matter, or plain files with none.

A broken note costs a message naming the file and line, never the issue: it is reported and
skipped (or read without the bad field), and every other note is still used. Files without
front matter (like the seeds an editor starts from) are read by their shape (``shapes``): a link
list gives a note per link, a topic file a background page, an essay a lead and a page. What was
guessed is kept on the note (``guesses``) for ``whalewatch notes``; a guess the reader is unsure
of is reported as a warning.

Exports from real tools are read as their authors meant them: Obsidian's [[wiki links]] (to
background pages), ![[embeds]], #tags, callouts, ==highlights== and %%comments%% (never published),
plain-text exports' bullets and footnote markers glued to words.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import markdown

from ..errors import Problem, WeekError, display_path
from ..model import Note
from ..sanitize import html_to_text, one_line, sanitize_html, unsafe_parts
from ..urls import safe_url
from ..weeks import Week
from ..yamlsafe import YamlProblem, load_with_lines
from .decode import decode_document
from .shapes import SHAPE_ALIASES, SHAPES, guess_shape, heading_like, hashtags, lead_of, link_entries, noon, subject_of

NOTE_SUFFIXES = {".md", ".markdown", ".txt"}
MAX_FRONT_MATTER_KEYS = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
MAX_NOTE_BYTES = 1_000_000
_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)(?:\r?\n)(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_ISO_DATE = re.compile(r"(?<!\d)(20\d{2})-(\d{2})-(\d{2})(?!\d)")
_EMBED = re.compile(r"!\[\[([^\]]+)\]\]")
_WIKILINK = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]")
_BARE_URL = re.compile(r"(?<![(<\[\"'=])\b(https?://[^\s<>()\[\]\"']+[^\s<>()\[\].,;:!?\"'])")
_KNOWN = {"title", "date", "published_at", "published", "lang", "language", "headline", "together", "apart", "week",
          "url", "urls", "section", "tags", "priority", "kind", "pin", "exclude", "translated_title", "title_en",
          "continues", "source", "aliases", "subject"}
_COMMENT = re.compile(r"%%.*?%%", re.S)
_HIGHLIGHT = re.compile(r"(?<![=\w])==(?=\S)([^=\n]{1,500}?)(?<=\S)==(?!=)")
_CALLOUT = re.compile(r"^(\s*>\s*)\[!([A-Za-z-]+)\][+-]?[ \t]*(.*)$", re.M)
_INLINE_FOOTNOTE = re.compile(r"\^\[([^\]\n]{1,1000})\]")
_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]{1,40})\](?!:)")
_FOOTNOTE_DEF = re.compile(r"^\[\^([^\]\s]{1,40})\]:", re.M)
_EXPORT_FOOTNOTES = re.compile(r"^\s*(?:#+\s*)?Footnotes\s*:?\s*$", re.I | re.M)
_EXPORT_FOOTNOTE_ITEM = re.compile(r"^\s*(?:[-*•]\s*)?(\d{1,3})[.)]\s+(.+?)\s*(?:↩\ufe0e?)?\s*$")


@dataclass
class NotesRead:
    notes: list[Note]
    problems: list[Problem]


def read_notes(folder: Path, tz: ZoneInfo) -> NotesRead:
    notes: list[Note] = []
    problems: list[Problem] = []
    if not folder.is_dir():
        return NotesRead(notes, problems)
    candidates = [p for p in sorted(folder.rglob("*")) if p.suffix.lower() in NOTE_SUFFIXES
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts)]
    paths = []
    for path in candidates:
        if path.is_file():
            paths.append(path)
        elif path.is_symlink():
            problems.append(Problem(display_path(path), None, f"a link to {os.readlink(path)}, which does not exist; "
                                                              "the note was skipped", "warning"))
    raws = {}
    for path in list(paths):                              # each file read once: topics are found before notes are read
        try:
            raws[path] = _raw(path)
        except OSError as exc:
            problems.append(Problem(display_path(path), None, f"cannot be read ({exc.strerror}); the note was skipped", "warning"))
            paths.remove(path)
    topics = _topics(raws)
    for path in paths:
        found_notes, found = read_note(path, tz, folder, topics, raws[path])
        problems.extend(found)
        notes.extend(found_notes)
    return NotesRead(notes, problems)


def _raw(path: Path) -> bytes | None:
    """The file's bytes; None for a file over the limit, which is reported without being read whole."""
    return None if path.stat().st_size > MAX_NOTE_BYTES else path.read_bytes()


def _topics(raws: dict[Path, bytes | None]) -> dict[str, str]:
    """Every topic file's names (its title, its subject, its file name, its aliases) -> its page's slug,
    so a [[wiki link]] anywhere resolves to the background page."""
    names: dict[str, str] = {}
    for path, raw in raws.items():
        if raw is None:
            continue
        try:
            meta, body = front_matter(raw.decode("utf-8", errors="replace"))
        except YamlProblem:
            continue                                     # read_note reports it, and skips the note
        kind = SHAPE_ALIASES.get(str(meta.get("kind", "")), str(meta.get("kind", "")))
        if kind != "topic" and (kind or guess_shape(body).name != "topic"):
            continue
        title = str(meta.get("title") or meta.get("subject") or subject_of(body) or path.stem)
        slug = slugify(title) or slugify(path.stem)
        for name in [title, path.stem, str(meta.get("subject") or ""), subject_of(body), *map(str, _list(meta.get("aliases")))]:
            if name.strip():
                names.setdefault(name.strip().casefold(), slug)
    return names


def slugify(text: str) -> str:
    """A file name for a page: ASCII words joined by hyphens, or the Chinese characters themselves."""
    words = re.findall(r"[a-z0-9]+|[\u3400-\u9fff]+", text.casefold())
    return "-".join(words)[:80]


def front_matter(text: str) -> tuple[dict, str]:
    """A note's front matter ({} when it has none) and the text after it, read as every note is
    (a BOM, CRLF line ends, a closing '...', no YAML aliases). Raises ``YamlProblem`` when the
    front matter is not YAML or not key: value lines."""
    match = _FRONT.match(text)
    if not match:
        return {}, text
    meta, _ = load_with_lines(match.group(1))
    if meta is not None and not isinstance(meta, dict):
        raise YamlProblem("front matter must be key: value lines", 2)
    return meta or {}, text[match.end():]


def read_note(path: Path, tz: ZoneInfo, folder: Path | None = None, topics: dict[str, str] | None = None,
              raw: bytes | None = None) -> tuple[list[Note], list[Problem]]:
    """Problems name the file as the user would type it; the notes keep a path relative to notes/,
    so ids and outputs do not depend on where the edition is checked out."""
    shown = display_path(path)
    stable = (path.relative_to(folder.parent) if folder else path).as_posix()
    raw = raw if raw is not None else _raw(path)
    if raw is None:
        size = path.stat().st_size
        return [], [Problem(shown, None, f"note is {size} bytes; the limit is {MAX_NOTE_BYTES}. Split it")]
    text, problem = _note_text(raw)
    if text is None:
        return [], [Problem(shown, None, problem, "warning")]
    problems = [Problem(shown, None, problem, "warning")] if problem else []
    reading = _Reading(path, shown, stable, tz, topics or {}, problems)
    match = _FRONT.match(text)
    if match:
        try:
            meta, lines = load_with_lines(match.group(1))
        except YamlProblem as exc:
            line = exc.line + 1 if exc.line else None
            return [], problems + [Problem(shown, line, f"front matter: {exc}; the note was skipped. Fix the YAML between the --- lines")]
        if meta is None:
            meta, lines = {}, {}
        if not isinstance(meta, dict):
            return [], problems + [Problem(shown, 2, "front matter must be key: value lines; the note was skipped")]
        if len(meta) > MAX_FRONT_MATTER_KEYS:
            return [], problems + [Problem(shown, 2, f"front matter has {len(meta)} keys (the limit is {MAX_FRONT_MATTER_KEYS}); "
                                                     "the note was skipped. Is this file really a note?", "warning")]
        notes = reading.with_front_matter(meta, lines, text[match.end():], match.group(0).count("\n"))
    else:
        notes = reading.without_front_matter(text)
    for note in notes:
        note.origin = stable
        note.path = f"{stable}#L{note.line}" if note.kind == "pick" and note.line else stable
    return notes, problems


def _note_text(raw: bytes) -> tuple[str | None, str]:
    """A note's text and, if it needs saying, a warning; None (with the reason) for a file that is
    empty, binary, or in an encoding that cannot be told by its bytes: never published as mojibake."""
    if not raw.strip():
        return None, "the note is empty; it was skipped"
    raw_controls = len(_CONTROL_BYTES.findall(raw))
    if not raw.startswith((b"\xff\xfe", b"\xfe\xff")) and (b"\x00" in raw or raw_controls > max(8, len(raw) // 200)):
        return None, f"looks binary ({raw_controls} control bytes); the note was skipped"
    try:
        text = raw.decode("utf-8-sig")
        note = ""
    except UnicodeDecodeError:
        decoded = decode_document(raw)
        if decoded.encoding not in ("gb18030", "big5hkscs", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
            return None, ("not UTF-8, and its bytes do not read as Chinese (GB18030 or Big5) either; the note was "
                          "skipped rather than shown garbled. Save it as UTF-8")
        text, note = decoded.text, f"read as {decoded.encoding.upper()}, not UTF-8; save it as UTF-8 to be sure"
    controls = len(_CONTROL.findall(text))
    if "\x00" in text or controls > max(8, len(text) // 200):
        return None, f"looks binary ({controls} control characters); the note was skipped"
    return text, note


def _render_body(body: str, shown: str, problems: list[Problem], topics: dict[str, str] | None = None) -> str:
    """Markdown that Python-Markdown cannot take (lists nested a few hundred deep exhaust its
    recursion) is kept as plain paragraphs: the note's words reach the issue either way. Raw HTML
    that the sanitiser will strip (a script, an event handler) is named, so nothing vanishes unsaid."""
    if unsafe_parts(body):
        problems.append(Problem(shown, None, "unsafe HTML (a script, an event handler or a javascript: link) was "
                                             "removed; write the note in Markdown", "warning"))
    try:
        return render_markdown(_prepared(body, shown, problems), topics)
    except Exception as exc:  # noqa: BLE001 - one odd note must never stop the issue
        if isinstance(exc, RecursionError):
            reason, advice = "it nests lists or quotes too deeply", "Flatten the nesting"
        else:
            reason, advice = f"{type(exc).__name__}: {exc}", "Simplify the Markdown"
        problems.append(Problem(shown, None, f"could not be read as Markdown ({reason}); its text is shown as plain "
                                             f"paragraphs. {advice}", "warning"))
        paragraphs = (p.strip() for p in re.split(r"\n\s*\n", body))
        return sanitize_html("".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p))


def render_markdown(body: str, topics: dict[str, str] | None = None) -> str:
    """Markdown to sanitised HTML; Obsidian embeds become text, wiki links to a topic link its
    background page (the others become text), bare URLs become links."""
    topics = topics or {}

    def embed(match: re.Match) -> str:
        target = match.group(1).split("|")[0].split("#")[0].strip()
        if target.casefold() in topics:
            return f"*(see the background page [{target}]({BACKGROUND_DIR}/{topics[target.casefold()]}.html))*"
        return f"*(embedded: {match.group(1).strip()})*"

    def wikilink(match: re.Match) -> str:
        target, label = match.group(1).split("#")[0].strip(), (match.group(2) or match.group(1)).strip()
        slug = topics.get(target.casefold())
        return f"[{label}]({BACKGROUND_DIR}/{slug}.html)" if slug else label

    body = _EMBED.sub(embed, body)
    body = _WIKILINK.sub(wikilink, body)
    body = _autolink(body)
    rendered = markdown.markdown(body, extensions=["footnotes", "tables", "fenced_code", "sane_lists"], output_format="html")
    return sanitize_html(rendered)


BACKGROUND_DIR = "../background"    # where background pages sit, seen from an issue's folder


def _prepared(body: str, shown: str, problems: list[Problem]) -> str:
    """Private comments out, highlights and callouts as Markdown can show them, footnotes of every
    kind as real footnotes. Anything left that would show raw is reported."""
    body = _COMMENT.sub("", body)
    if "%%" in body:
        body = body.split("%%", 1)[0]          # an unclosed comment hides the rest, as in Obsidian
        problems.append(Problem(shown, None, "a %% comment is never closed; everything after it is left out. Close it with %%", "warning"))
    body = _HIGHLIGHT.sub(r"<mark>\1</mark>", body)
    body = _CALLOUT.sub(lambda m: f"{m.group(1)}**{m.group(3).strip() or m.group(2).capitalize()}**  ", body)
    body = _export_footnotes(body)
    inline: list[str] = []

    def number(match: re.Match) -> str:
        inline.append(match.group(1))
        return f"[^inline-{len(inline)}]"

    body = _INLINE_FOOTNOTE.sub(number, body)
    if inline:
        body += "\n\n" + "\n".join(f"[^inline-{n}]: {text}" for n, text in enumerate(inline, 1))
    defined = set(_FOOTNOTE_DEF.findall(body))
    dangling = sorted({ref for ref in _FOOTNOTE_REF.findall(body) if ref not in defined})
    if dangling:
        body = _FOOTNOTE_REF.sub(lambda m: "" if m.group(1) in dangling else m.group(0), body)
        problems.append(Problem(shown, None, f"footnote reference{'s' if len(dangling) > 1 else ''} "
                                             f"{', '.join('[^' + d + ']' for d in dangling)} with no footnote; left out. "
                                             "Add a line such as [^1]: the source", "warning"))
    return body


def _export_footnotes(body: str) -> str:
    """A plain-text export's footnotes ('…a stronger model.1' and, under 'Footnotes', '1. Andrej
    Karpathy ↩') as Markdown footnotes."""
    heading = None
    for heading in _EXPORT_FOOTNOTES.finditer(body):
        pass
    if heading is None:
        return body
    head, tail = body[:heading.start()], body[heading.end():]
    definitions: dict[str, str] = {}
    rest: list[str] = []
    for line in tail.splitlines():
        item = _EXPORT_FOOTNOTE_ITEM.match(line)
        if item and not rest:
            definitions[item.group(1)] = item.group(2).rstrip(" ↩")
        elif line.strip() or rest:
            rest.append(line)
    if not definitions:
        return body
    marker = re.compile(r"(?:(?<=[A-Za-z\u3400-\u9fff)\]\"”’][.,;:!?])|(?<=[a-z]{3}))(" + "|".join(sorted(definitions, key=len, reverse=True)) + r")(?=\s|$)", re.M)
    head = marker.sub(lambda m: f"[^{m.group(1)}]", head)
    notes = "\n".join(f"[^{n}]: {text}" for n, text in definitions.items())
    return head.rstrip() + "\n\n" + "\n".join(rest) + "\n\n" + notes + "\n"


def _autolink(body: str) -> str:
    out = []
    in_fence = False
    for line in body.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        out.append(line if in_fence or line.startswith(("    ", "\t\t")) else _BARE_URL.sub(r"<\1>", line))
    return "\n".join(out)


class _Reading:
    """One file being read: where it is, the edition's time zone, the topics known, the problems found."""

    def __init__(self, path: Path, shown: str, stable: str, tz: ZoneInfo, topics: dict[str, str], problems: list[Problem]):
        self.path, self.shown, self.stable, self.tz, self.topics, self.problems = path, shown, stable, tz, topics, problems

    def warn(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.shown, line, message, "warning"))

    def render(self, body: str) -> str:
        if self.path.suffix.lower() == ".txt":
            body = _plain_text_paragraphs(body)
        return _render_body(body, self.shown, self.problems, self.topics)

    # -- with front matter -------------------------------------------------------------------

    def with_front_matter(self, meta: dict, lines: dict, body: str, offset: int) -> list[Note]:
        def bad(key: str, message: str) -> None:
            line = lines.get((key,))
            self.problems.append(Problem(self.shown, line + 1 if line else None,
                                         f"{key}: {message}; the field was ignored", "error"))

        kind = text_field(meta, "kind", bad)
        shape = SHAPE_ALIASES.get(kind, kind) if kind else ""
        if shape and shape not in SHAPES:
            bad("kind", f"'{kind}' is not a kind; use note, intro, links, topic or essay")
            shape = ""
        if not shape:
            guessed = guess_shape(body)
            # With front matter the classic note is the default; a clear link list, topic or essay (a long
            # text annotating no story) is read as one.
            clear = guessed.sure and (guessed.name in ("links", "topic") or
                                      (guessed.name == "essay" and not meta.get("url") and not meta.get("urls")))
            shape = guessed.name if clear else "note"
            if shape != "note":
                self.warn(2, f"read as {_article(_SHAPE_NAMES[shape])} ({guessed.reason}); add kind: {shape} (or kind: note) to be sure")
        note = Note(path=self.shown, title=text_field(meta, "title", bad), body_html="", body_text="", shape=shape)
        if meta.get("together") is not None or meta.get("apart") is not None:
            return [self.fold_decision(meta, note, bad)]
        date_key = next((k for k in ("date", "published_at", "published") if meta.get(k) is not None), "date")
        note.date = _when(meta.get(date_key), self.tz, lambda m: bad(date_key, m))
        note.language = _language(meta, lambda key, m: bad(key, m))
        if meta.get("week") is not None:
            try:
                note.week = str(Week.parse(str(meta["week"])))
            except WeekError as exc:
                bad("week", str(exc))
        for raw in _list(meta.get("url")) + _list(meta.get("urls")):
            url = safe_url(str(raw))
            if url:
                note.urls.append(url)
            else:
                bad("url", f"{raw!r} is not an http(s) address")
        note.section = text_field(meta, "section", bad) or None
        note.tags = [one_line(str(t), 60) for t in _list(meta.get("tags"))] + [t for t in hashtags(body) if t not in _list(meta.get("tags"))]
        note.priority = _int(meta.get("priority"), lambda m: bad("priority", m))
        note.pin = _bool(meta.get("pin"), lambda m: bad("pin", m))
        note.exclude = _bool(meta.get("exclude"), lambda m: bad("exclude", m))
        note.translated_title = text_field(meta, "translated_title", bad) or text_field(meta, "title_en", bad)
        note.headline = text_field(meta, "headline", bad)
        note.continues = [str(c) for c in _list(meta.get("continues"))]
        note.source = text_field(meta, "source", bad)
        note.aliases = [one_line(str(a), 100) for a in _list(meta.get("aliases"))]
        note.data = {k: _plain(v) for k, v in meta.items() if k not in _KNOWN}
        if shape == "links":
            return self.links(body, note, offset)
        if shape == "topic":
            return [self.topic(body, note)]
        if shape == "essay":
            return [self.essay(body, note)]
        note.kind = "intro" if shape == "intro" else "note"
        note.body_html = self.render(body)
        note.body_text = html_to_text(note.body_html)
        if not note.title and not note.urls and note.kind != "intro":
            note.title = _first_line_title(body) or self.path.stem.replace("-", " ").replace("_", " ")
            self.warn(1, f"no title: in front matter; using '{note.title}'")
            note.guesses.append(f"title from the first line: '{note.title}'")
        if note.date is None and note.week is None:
            note.date, how = _guess_date(self.path, body, self.tz)
            self.warn(1, f"no date: or week: in front matter; {how}")
            note.guesses.append(how)
        return [note]

    def fold_decision(self, meta: dict, note: Note, bad) -> Note:  # noqa: ANN001
        """``together: [url, url]`` (one story) or ``apart: [url]`` (a report of its own): the editor's
        correction of the fold, obeyed in every build that meets those reports, whatever the week."""
        note.kind = "fold"
        for key in ("together", "apart"):
            urls = []
            for raw in _list(meta.get(key)):
                url = safe_url(str(raw))
                if url:
                    urls.append(url)
                else:
                    bad(key, f"{raw!r} is not an http(s) address")
            setattr(note, key, urls)
        if meta.get("together") is not None and len(note.together) < 2:
            bad("together", "name at least two reports' addresses to fold them into one story")
            note.together = []
        return note

    # -- without front matter ----------------------------------------------------------------

    def without_front_matter(self, text: str) -> list[Note]:
        shape = guess_shape(text)
        note = Note(path=self.shown, title="", body_html="", body_text="", shape=shape.name,
                    tags=hashtags(text), guesses=[f"read as {_article(_SHAPE_NAMES[shape.name])}: {shape.reason}"])
        if not shape.sure:
            self.warn(1, f"read as {_article(_SHAPE_NAMES[shape.name])} ({shape.reason}), but that is a guess; "
                         f"add front matter with kind: {shape.name} (or note, links, topic, essay) to be sure")
        if shape.name == "links":
            return self.links(text, note, 0)
        if shape.name == "topic":
            return [self.topic(text, note)]
        if shape.name == "essay":
            return [self.essay(text, note)]
        title = _first_line_title(text) or self.path.stem
        body = text
        first = next((ln for ln in text.splitlines() if ln.strip()), "")
        if first and one_line(first.lstrip("# ")) == title:
            body = text.split(first, 1)[1]
        note.title = title
        note.body_html = self.render(body)
        note.body_text = html_to_text(note.body_html)
        note.date, how = _guess_date(self.path, text, self.tz)
        note.guesses += [f"title from the first line: '{one_line(title, 60)}'", how]
        self.warn(1, f"no front matter: title taken from the first line ('{one_line(title, 60)}'); {how}. "
                     "Add a --- front matter block with title: and date: to be sure")
        return [note]

    # -- the shapes ---------------------------------------------------------------------------

    def links(self, body: str, template: Note, offset: int) -> list[Note]:
        """A note per link. The list's own date (front matter, else guessed) dates the links with none."""
        if template.date is None and template.week is None:
            template.date, how = _guess_date(self.path, body, self.tz)
            template.guesses.append(f"links with no date of their own: {how}")
        list_day = template.date.astimezone(self.tz).date() if template.date else None
        entries, opening = link_entries(body, list_day)
        notes = []
        for entry in entries:
            commentary = _as_blocks(entry.commentary)
            html = self.render(commentary) if commentary.strip() else ""
            note = Note(path=self.shown, title=entry.title, body_html=html, body_text=html_to_text(html) if html else "",
                        kind="pick", urls=[entry.url] if safe_url(entry.url) else [], line=entry.line + offset,
                        section=template.section, tags=template.tags + [t for t in entry.tags if t not in template.tags],
                        priority=template.priority, source=template.source, shape="links", data=dict(template.data))
            if entry.when:
                note.date = noon(entry.when, self.tz)
                note.guesses = [f"dated by {entry.how_dated}"]
            else:
                note.date, note.week, note.undated = template.date, template.week, template.week is None
                note.guesses = ["no date of its own: the week it was first read in, else the list's week"] + template.guesses[-1:]
            if entry.heading:
                note.guesses.append(f"under the heading '{entry.heading}'")
            notes.append(note)
        if not notes:
            self.warn(1, "read as a link list, but no link was found in it; add kind: note to read it as one note")
        if opening:
            template.guesses.append(f"opening words read as the list's introduction: '{one_line(' '.join(opening), 80)}'")
        return notes

    def topic(self, body: str, note: Note) -> Note:
        """Background on a subject: a page of the archive that stories naming the subject link to."""
        subject = subject_of(body)
        if not note.title:
            note.title = subject or _first_line_title(body) or self.path.stem
            note.guesses.append(f"subject '{note.title}' from " + ("its first definition" if subject else "the first line"))
        note.aliases = note.aliases + [a for a in (subject, self.path.stem) if a and a != note.title and a not in note.aliases]
        note.kind = "background"
        note.slug = slugify(note.title) or slugify(self.path.stem)
        note.body_html = self.render(_headings_marked(body) if self.path.suffix.lower() == ".txt" else body)
        note.body_text = html_to_text(note.body_html)
        return note

    def essay(self, body: str, note: Note) -> Note:
        """The editor's analysis: a title, a subtitle, a lead of a few sentences, and the whole text on its own page."""
        lines = [ln.strip() for ln in body.splitlines() if ln.strip()]
        rest = body
        if not note.title and lines:
            note.title = one_line(lines[0].lstrip("# "), 200)
            rest = body.split(lines[0], 1)[1]
            note.guesses.append(f"title from the first line: '{one_line(note.title, 60)}'")
            if len(lines) > 1 and len(lines[1]) <= 120 and lines[1][-1] not in ".!?。！？:" and not _URL_LINE.search(lines[1]):
                note.subtitle = one_line(lines[1].lstrip("# "), 200)
                rest = rest.split(lines[1], 1)[1]
        note.kind = "essay"
        note.slug = slugify(note.title) or slugify(self.path.stem)
        note.body_html = self.render(rest)
        note.body_text = html_to_text(note.body_html)
        note.lead = lead_of([p for p in note.body_text.split("\n") if p.strip()])
        if note.date is None and note.week is None:
            note.date, how = _guess_date(self.path, body, self.tz)
            note.guesses.append(how)
        return note


_URL_LINE = re.compile(r"https?://")


def _as_blocks(lines: list[str]) -> str:
    """Commentary lines as Markdown: a list starts after a blank line, so a bullet under a
    sentence is a list item, not words run into the sentence."""
    out: list[str] = []
    for line in lines:
        if out and _LIST_LINE.match(line) and not _LIST_LINE.match(out[-1]):
            out.append("")
        out.append(line)
    return "\n".join(out)


def _headings_marked(body: str) -> str:
    """A plain-text export's headings (short lines with no closing punctuation, before a paragraph)
    as Markdown headings, so a background page has its structure."""
    lines = body.splitlines()
    out = []
    for index, line in enumerate(lines):
        following = next((ln for ln in lines[index + 1:] if ln.strip()), "")
        if (heading_like(line) and not _EXPORT_FOOTNOTES.match(line) and len(following.strip()) > len(line.strip())
                and not line.startswith((" ", "\t"))):
            out.append("## " + line.strip())
        else:
            out.append(line)
    return "\n".join(out)
_SHAPE_NAMES = {"note": "note", "intro": "intro", "links": "link list", "topic": "topic file", "essay": "essay"}


def text_field(meta: dict, key: str, bad) -> str:  # noqa: ANN001
    value = meta.get(key)
    if value is None:
        return ""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return one_line(str(value), 300)
    if isinstance(value, bool):
        bad(key, f"YAML read the value as {str(value).lower()} (yes/no/on/off/true/false unquoted are booleans); "
                 "put the text in quotes")
        return ""
    bad(key, f"expected text, got {type(value).__name__}")
    return ""


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
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 3600:
        # YAML 1.1 reads 12:30 as the number 750 (base 60): a time with no day
        bad(f"a time of day with no date (YAML read it as the number {value}); write YYYY-MM-DD or YYYY-MM-DDTHH:MM")
        return None
    bad(f"{value!r} is not a date; write YYYY-MM-DD or YYYY-MM-DDTHH:MM")
    return None


_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$")


def _language(meta: dict, bad) -> str:  # noqa: ANN001
    """``lang:`` (or ``language:``) as a language tag. YAML 1.1 reads an unquoted NO (Norwegian) as
    false: that is named, not kept as a language called False."""
    key = "lang" if meta.get("lang") is not None else "language"
    value = meta.get(key)
    if value is None:
        return ""
    if isinstance(value, bool):
        bad(key, f"YAML read the value as {str(value).lower()} (yes/no/on/off/true/false unquoted are booleans); "
                 f"write a language tag in quotes, e.g. {key}: \"no\" or {key}: zh-Hans")
        return ""
    if not isinstance(value, str) or not _LANGUAGE_TAG.match(value.strip()):
        bad(key, f"{value!r} is not a language tag; write e.g. en, zh, zh-Hans or zh-Hant")
        return ""
    return value.strip()


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


def _article(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun
