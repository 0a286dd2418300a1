"""The shapes editors keep notes in, and how each is read.

An editor's file is one of four shapes, and the briefing treats each for what it is:

- a **note**: a few paragraphs about one story (with front matter, the classic whalewatch note);
- a **link list**: a running list of links with commentary; every link becomes a note of its own
  (``kind: pick``), dated by its own line when it has a date, else by the list;
- a **topic file**: background on a subject (a company, a model, a policy); it becomes a
  background page of the web archive, never a story;
- an **essay**: the editor's analysis; the issue carries its title and lead and links to the full page.

Front matter always wins: ``kind:`` names the shape. Without it the shape is guessed from the
text, and ``whalewatch notes`` and ``check`` say what was guessed and how sure the guess is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from ..sanitize import one_line

SHAPES = ("note", "intro", "links", "topic", "essay")
SHAPE_ALIASES = {"link-list": "links", "linklist": "links", "list": "links", "background": "topic", "topic-file": "topic",
                 "analysis": "essay", "article": "essay", "pick": "links"}

_URL = re.compile(r"https?://[^\s<>()\[\]\"'`]+[^\s<>()\[\]\"'`.,;:!?*]")
_MD_LINK = re.compile(r"(?<!!)\[([^\]\n]{1,300})\]\((https?://[^)\s]+)\)")
_ISO = re.compile(r"(?<!\d)(20\d{2})-(\d{1,2})-(\d{1,2})(?!\d)")
_SLASH_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?:/(20\d{2}|\d{2}))?(?![\d/])")
_URL_DATE = re.compile(r"/(20\d{2})[/-]?(\d{1,2})[/-]?(\d{1,2})(?=[/\-_.]|$)")
_BULLET = re.compile(r"^(\s*)(?:[-*+•·▪◦‣]|\d+[.)])\s+")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")
_DEFINITION = re.compile(r"^\s*(?!(?:It|This|That|These|Those|There|They|He|She|We|I|You|Here|What|Which|Who)\b)(?:\*\*)?([A-Z\u3400-\u9fff][\w\u3400-\u9fff .&'’()+-]{0,60}?)(?:\*\*)?\s+(?:is|are|was|were)\s+(?:a|an|the)\b")
_FOOTNOTE_HEAD = re.compile(r"^\s*(?:#+\s*)?(Footnotes|Notes|References|Sources)\s*:?\s*$", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")


@dataclass
class Shape:
    """A file's shape, how it was decided, and how sure that is."""

    name: str
    reason: str
    sure: bool = True


@dataclass
class Entry:
    """One link of a link list, with what the editor wrote around it."""

    url: str
    line: int
    title: str
    commentary: list[str] = field(default_factory=list)
    when: date | None = None
    how_dated: str = ""
    heading: str = ""
    tags: list[str] = field(default_factory=list)


def guess_shape(text: str) -> Shape:
    """The shape of a file without front matter, from what its lines look like."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return Shape("note", "the file is empty")
    with_links = [ln for ln in lines if _URL.search(ln) and not ln.lstrip().startswith("![[")]
    words = len(text.split())
    share = len(with_links) / len(lines)
    if len(with_links) >= 3 and (share >= 0.2 or len(with_links) >= 8):
        return Shape("links", f"{len(with_links)} of its {len(lines)} lines carry links", sure=share >= 0.3)
    prose = [ln for ln in lines if not heading_like(ln)]
    long_lines = sum(len(ln.split()) for ln in prose) / max(1, len(prose))
    listy = sum(1 for ln in lines if _BULLET.match(ln)) > len(lines) * 0.3     # an essay is paragraphs, not a list
    if words >= 800 and long_lines >= 30 and len(with_links) <= max(3, len(lines) // 8) and not listy:
        return Shape("essay", f"{words} words of running prose in long paragraphs", sure=True)
    footnotes = any(_FOOTNOTE_HEAD.match(ln) for ln in lines) or "↩" in text or re.search(r"\[\^\w+\]:", text) is not None
    headings = sum(1 for ln in lines if heading_like(ln))
    definition = any(_DEFINITION.match(ln) for ln in lines[:6])
    if definition and (headings >= 2 or footnotes):
        return Shape("topic", "it defines a subject ('… is a …') and is organised under headings", sure=True)
    if words >= 600 and not listy and headings <= max(2, len(lines) // 15) and len(with_links) <= max(3, len(lines) // 10):
        return Shape("essay", f"{words} words of running prose with few links or headings", sure=words >= 1000)
    if headings >= 3 and (footnotes or definition):
        return Shape("topic", "it is organised under headings, with footnotes", sure=False)
    return Shape("note", "a few paragraphs", sure=True)


def heading_like(line: str) -> bool:
    """A Markdown heading, or a short plain-text line with no closing punctuation (an export's heading)."""
    if _HEADING.match(line):
        return True
    stripped = line.strip()
    return (0 < len(stripped) <= 40 and not _BULLET.match(line) and not _URL.search(stripped)
            and stripped[-1] not in ".,;:!?。，；：！？" and not stripped.startswith((">", "|", "!")))


def subject_of(text: str) -> str:
    """What a topic file is about: the subject of its first definition ('DeepSeek is a Chinese AI lab')."""
    for line in text.splitlines()[:40]:
        match = _DEFINITION.match(line)
        if match:
            return match.group(1).strip().strip("*")
    return ""


def lead_of(paragraphs: list[str], words: int = 70) -> str:
    """The first sentences of an essay, up to about ``words`` words: what the email and PDF carry."""
    sentences: list[str] = []
    count = 0
    for paragraph in paragraphs:
        for sentence in _SENTENCE_END.split(paragraph.strip()):
            if not sentence:
                continue
            if count and count + len(sentence.split()) > words:
                return " ".join(sentences)
            sentences.append(sentence)
            count += len(sentence.split())
        if count >= words * 0.6:
            break
    return " ".join(sentences)


def link_entries(text: str, list_date: date | None) -> tuple[list[Entry], list[str]]:
    """Every link of a link list with the commentary around it.

    Structure is read as structure: the words before the first link introduce the list, headings
    group what follows, a line holding only a link belongs to the line above it (whose words are
    its title and date), a bullet indented under a link comments on it (its links included), and
    paragraphs or quotes without a link comment on the link before them. A link to a site's
    front page is a reference, not an article. Returns the entries and the opening words.
    """
    references = {m.group(1).strip().casefold(): m.group(2) for m in _REF_DEF.finditer(text)}
    entries: list[Entry] = []
    opening: list[str] = []
    heading = ""
    entry_indent = -1                       # the indent of the bullet that holds the latest entry
    previous_plain = ""                     # the line just above, if it had no link
    lead_in = ""                            # 'For some good analysis on this, see:' introduces the links below it
    last: list[Entry] = []                  # the entries of the latest line with links
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip():
            continue
        found_heading = _HEADING.match(line)
        if found_heading:
            heading, last, previous_plain, lead_in = found_heading.group(2).strip(), [], "", ""
            continue
        if line.lstrip().startswith("![[") or _REF_DEF.match(line):
            continue                        # an embedded picture, or where a reference link points: no entry of its own
        bullet = _BULLET.match(line)
        indent = len(bullet.group(1).expandtabs(4)) if bullet else (-1 if not line[:1].isspace() else 99)
        content = line[bullet.end():] if bullet else line.strip()
        content = _REF_LINK.sub(lambda m: _inline(m, references), content)
        links = [(label, url) for label, url in _links(content) if _article(url)]
        words = _without_links(content)
        under_entry = bool(last) and bullet is not None and indent > entry_indent >= 0
        if not links and not bullet and content.rstrip().endswith((":", "：")) and entries:
            lead_in, previous_plain, last = content.strip().rstrip(":：").strip(), content.strip(), []
            continue
        if not links or (under_entry and words.strip(" -:–—")):
            if last:
                for entry in last:
                    entry.commentary.append(line.strip())
            elif not entries:
                opening.append(line.strip())
            previous_plain = "" if links else content.strip()
            continue
        if not words.strip(" -:–—") and not previous_plain and lead_in:
            previous_plain = f"{lead_in} ({_address(url_of(links))})"
        inherited = not words.strip(" -:–—") and bool(previous_plain)
        if inherited:
            for entry in last:              # the line above introduced this link; it was no comment on the last one
                if entry.commentary and entry.commentary[-1].endswith(previous_plain):
                    entry.commentary.pop()
            if not entries and opening and opening[-1].endswith(previous_plain):
                opening.pop()
        basis = previous_plain if inherited else words
        last = []
        for label, url in links:
            entry = Entry(url=url, line=number, heading=heading,
                          title=_entry_title(label, basis, url, whole_line=not inherited, several=len(links) > 1))
            own = [] if inherited else [("- " if bullet else "") + _without_own_link(content, url)]
            entry.commentary = ([lead_in + ":"] if lead_in else []) + own
            entry.when, entry.how_dated = _entry_date(basis + " " + words, url, list_date)
            entry.tags = _hashtags(content)
            last.append(entry)
        entries.extend(last)
        entry_indent = indent if bullet else -1
        previous_plain = ""
    return entries, opening


_REF_DEF = re.compile(r"^\s{0,3}\[([^\]\n]{1,100})\]:\s*<?(https?://[^\s>]+)>?.*$", re.M)
_REF_LINK = re.compile(r"(?<!!)\[([^\]\n]{1,300})\]\[([^\]\n]{0,100})\]")


def _inline(match: re.Match, references: dict[str, str]) -> str:
    """A reference-style link ('[the paper][r1]' with '[r1]: https://…' below) written inline."""
    url = references.get((match.group(2) or match.group(1)).strip().casefold())
    return f"[{match.group(1)}]({url})" if url else match.group(0)


def url_of(links: list[tuple[str, str]]) -> str:
    return links[0][1]


def _address(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}".rstrip("/")


def _article(url: str) -> bool:
    """A link to a page, not to a site's front page (an author's or a company's home is a reference)
    nor to a search."""
    parts = urlsplit(url)
    if re.search(r"(^|/)search(/|$)", parts.path) or re.search(r"(^|&)(q|query|search_query|searchtype)=", parts.query):
        return False                       # a search page lists articles; it is not one
    return bool(parts.path.strip("/") or parts.query)


def _links(text: str) -> list[tuple[str, str]]:
    """(label, url) of every link on a line: Markdown links keep their words, bare URLs have none."""
    found: list[tuple[str, str]] = []
    taken: list[tuple[int, int]] = []
    for match in _MD_LINK.finditer(text):
        found.append((match.group(1).strip(), match.group(2)))
        taken.append(match.span())
    for match in _URL.finditer(text):
        if not any(start <= match.start() < end for start, end in taken):
            found.append(("", match.group(0)))
    return found


def _without_links(text: str) -> str:
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    return re.sub(r"\(\s*\)|<\s*>", " ", _URL.sub(" ", text)).strip()


def _without_own_link(text: str, url: str) -> str:
    """The line as commentary on its link: the story's title already links there, so the link's
    own address is dropped (its words stay); other links on the line stay links."""
    text = re.sub(r"(?<!!)\[([^\]\n]{1,300})\]\(" + re.escape(url) + r"\)", r"\1", text)
    text = re.sub(r"<?" + re.escape(url) + r">?", " ", text)
    if text.lstrip().startswith("|"):                  # a table row: its cells, not its pipes
        text = " · ".join(cell.strip() for cell in text.strip().strip("|").split("|") if cell.strip())
    return re.sub(r"\(\s*\)|\s{2,}", " ", text).strip(" :")


def _entry_title(label: str, words: str, url: str, whole_line: bool = True, several: bool = False) -> str:
    """The link's own words when they are the line's title; the line's words when the link is part
    of a sentence; else the address itself."""
    table_row = words.lstrip().startswith("|")
    words = words.replace("|", " ") if table_row else words
    cleaned_words = re.sub(r"\s+", " ", _ISO.sub(" ", words)).strip(" -–—:：•*_>")
    if (len(label.split()) >= 3 or ((table_row or several) and len(label) >= 3)) and (
            not whole_line or table_row or several or cleaned_words.startswith(label) or len(cleaned_words) <= len(label) + 12):
        return one_line(label, 160)
    cleaned = _ISO.sub(" ", words)
    cleaned = _SENTENCE_END.split(cleaned.strip())[0] if len(cleaned) > 160 else cleaned
    cleaned = re.sub(r"^\s*(?:NOTE|N\.B\.|TIL|via)\s*[:：-]\s*", "", cleaned, flags=re.I)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" -–—:：•*_>")
    cleaned = _EMPHASIS.sub(r"\2", cleaned)
    if len(cleaned.split()) >= 2 or (cleaned and len(cleaned) >= 4):
        return one_line(cleaned, 160)
    return one_line(_address(url), 160)


_EMPHASIS = re.compile(r"(\*{1,2}|_{1,2})(\S(?:.*?\S)?)\1")


def _entry_date(words: str, url: str, list_date: date | None) -> tuple[date | None, str]:
    """A line's own date, in the order an editor would trust it: an ISO date on the line, a month/day
    on the line (its year from the link's address or the list), a date in the link's address."""
    for match in _ISO.finditer(words):
        found = _valid(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if found:
            return found, f"the line's date {found}"
    url_date = next((d for d in (_valid(int(m.group(1)), int(m.group(2)), int(m.group(3))) for m in _URL_DATE.finditer(urlsplit(url).path)) if d), None)
    for match in _SLASH_DATE.finditer(words):
        year = match.group(3)
        base_year = (int(year) + (2000 if len(year) == 2 else 0)) if year else (url_date or list_date or date.today()).year
        found = _valid(base_year, int(match.group(1)), int(match.group(2)))
        if found:
            return found, f"the line's date {match.group(0)} ({found})"
    if url_date:
        return url_date, f"the date in the link's address ({url_date})"
    return None, ""


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


_HASHTAG = re.compile(r"(?<![\w#&/])#([A-Za-z\u3400-\u9fff][\w\u3400-\u9fff/-]{1,40})")


def _hashtags(text: str) -> list[str]:
    """Obsidian's #tags on a line (not headings, not URL fragments, not HTML entities)."""
    return [m.group(1) for m in _HASHTAG.finditer(_URL.sub(" ", text))]


def hashtags(text: str) -> list[str]:
    tags: list[str] = []
    in_fence = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        if not in_fence and not _HEADING.match(line):
            tags += [t for t in _hashtags(line) if t not in tags]
    return tags


def noon(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(12), tzinfo=tz).astimezone(timezone.utc)
