"""One feed document (bytes) to normalised, sanitised items."""

from __future__ import annotations

import hashlib
import html
import warnings as python_warnings
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

import feedparser
from feedparser.datetimes import _parse_date as feedparser_date

from ..model import Item
from ..sanitize import clean_html_to_text, one_line, sanitize_html, unsafe_parts
from ..urls import canonical_url, safe_url
from .dates import AMBIGUOUS_CST, IMPLAUSIBLE, bounded, chinese_cst, from_struct, impossible_year, mentions_cst, read_cjk_or_epoch
from .decode import Decoded, as_utf8_xml, decode_document, refuse_attribute_floods, refuse_entity_declarations
from .fastpath import Document, read_common_feed
from .footers import without_footer
from .trim import trim

MAX_SUMMARY = 20_000


@dataclass
class Parsed:
    items: list[Item]
    title: str = ""
    warnings: list[str] = field(default_factory=list)


class NotAFeed(ValueError):
    """The bytes are not RSS or Atom; the message says what they looked like."""


def parse_feed(raw: bytes, *, feed: str, language: str, now: datetime, content_type: str | None = None,
               base_url: str = "", max_items: int = 500, include: list[str] = (), exclude: list[str] = (),
               truncated: bool = False, fast_path: bool = True) -> Parsed:
    """``truncated`` says the bytes are the first fetch.max_bytes of something larger; ``fast_path``
    False has feedparser read every document (the tests hold both readers to the same items)."""
    trimmed = trim(raw, max_items, truncated, len(raw))
    if truncated and not trimmed.raw:
        raise NotAFeed(trimmed.note)
    decoded = decode_document(trimmed.raw, content_type)
    refuse_entity_declarations(decoded.text)
    xml = as_utf8_xml(decoded.text)
    document = read_common_feed(xml, base_url) if fast_path else None
    if document is None:
        refuse_attribute_floods(xml)
        document = _read_with_feedparser(xml, base_url)
    return _normalise(document, decoded, trimmed.note, feed=feed, language=language, now=now,
                      max_items=max_items, include=include, exclude=exclude)


def _read_with_feedparser(xml: bytes, base_url: str) -> Document:
    """Every document the fast path is not sure of: feedparser, lenient with broken XML."""
    with python_warnings.catch_warnings():   # feedparser warns about its own updated/published mapping
        python_warnings.simplefilter("ignore", DeprecationWarning)
        parsed = feedparser.parse(
            xml,
            response_headers={"content-type": "application/xml; charset=utf-8", "content-location": base_url},
            # Both off: feedparser's sanitiser is not a security boundary and nh3 cleans every fragment
            # anyway (resolving relative links as it goes), so doing it twice only costs time.
            sanitize_html=False,
            resolve_relative_uris=False,
        )
        return Document(parsed.entries, title=parsed.feed.get("title", ""), language=parsed.feed.get("language") or "",
                        bozo=str(parsed.get("bozo_exception")) if parsed.get("bozo") else None)


def _normalise(document: Document, decoded: Decoded, trim_note: str, *, feed: str, language: str, now: datetime,
               max_items: int, include: list[str], exclude: list[str]) -> Parsed:
    warnings = [f"encoding: {decoded.note}"] if decoded.note else []
    if trim_note:
        warnings.append(trim_note)
    if not decoded.text.strip():
        raise NotAFeed("the response body is empty (0 bytes of feed); the server sent nothing to read")
    if not document.entries and not document.title and document.bozo is not None:
        looks = decoded.text.lstrip()[:60].replace("\n", " ")
        raise NotAFeed(f"not RSS or Atom ({document.bozo}); it starts with {looks!r}")
    if document.bozo is not None and document.entries:
        warnings.append(f"malformed XML, read leniently: {document.bozo}")
    declared = document.language or language
    language = (declared or "en").lower()
    entries = document.entries
    if len(entries) > max_items:
        warnings.append(f"{len(entries)} items; kept the first {max_items} (fetch.max_items)")
        entries = entries[:max_items]
    guids = [str(e.get("id") or "") for e in entries]
    repeats = Counter(guids)
    shared = sorted(g for g, n in repeats.items() if g and n > 1)
    if shared:
        warnings.append(f"guid reused by more than one item ({', '.join(repr(g[:60]) for g in shared[:3])}); "
                        "items are told apart by their links")
    items = []
    empty = 0
    cleaned: list[str] = []
    for entry, guid in zip(entries, guids):
        item = _item(entry, guid, repeats[guid] > 1, feed, language, now)
        if item is None:
            empty += 1
        elif _wanted(item, include, exclude):
            items.append(item)
            if _had_unsafe_markup(entry):
                cleaned.append(item.title)
    ambiguous = [i for i in items if i.date_note.startswith(AMBIGUOUS_CST)]
    for item in ambiguous:
        item.date_note = ""
    if ambiguous and not declared:
        warnings.append(f"{len(ambiguous)} date{'s' if len(ambiguous) != 1 else ''} in CST, which is China Standard Time "
                        "(+08:00) or US Central (-06:00); the feed declares no language, so US Central was used. "
                        "Set language: zh (or en-us) on the feed in feeds.yaml to say which")
    if cleaned:
        warnings.append(f"{len(cleaned)} item{'s' if len(cleaned) != 1 else ''} had unsafe markup removed (scripts, event "
                        f"handlers, javascript: links), e.g. {cleaned[0][:60]!r}")
    fallback = [i for i in items if i.date_note.startswith(("no date", "unreadable date", "future date"))]
    if fallback:
        warnings.append(f"{len(fallback)} item{'s' if len(fallback) != 1 else ''} dated when first seen ({fallback[0].date_note}), "
                        f"e.g. {fallback[0].title[:60]!r}")
    unbelieved = [i for i in items if i.date_note.startswith(IMPLAUSIBLE)]
    if unbelieved:
        warnings.append(f"{len(unbelieved)} item{'s' if len(unbelieved) != 1 else ''} with an implausible date, e.g. "
                        f"{unbelieved[0].title[:60]!r} ({unbelieved[0].date_note}); kept in the store, never shown as "
                        "the week's news")
    if empty:
        warnings.append(f"{empty} entr{'ies' if empty != 1 else 'y'} with no title, text or http(s) link left after "
                        "cleaning; skipped")
    return Parsed(items, one_line(document.title), warnings)


def _item(entry, guid: str, guid_repeated: bool, feed: str, language: str, now: datetime) -> Item | None:  # noqa: ANN001
    """One entry as an Item. Fields are read with dict.get: FeedParserDict's own lookup resolves
    aliases we never use and costs a noticeable share of a large collect."""
    get = partial(dict.get, entry)
    url = safe_url(get("link")) or _alternate(entry) or (safe_url(guid) if get("guidislink") else "")
    title = one_line(get("title"))
    summary_html = _summary(entry, url)
    summary_text = clean_html_to_text(summary_html)
    if not title and not summary_text and not url:
        return None
    if not title:
        title = one_line(summary_text, 120) or url
    published, note = _published(entry, language, now)
    canonical = canonical_url(url, checked=True)
    tags = sorted({one_line(t.get("term"), 60) for t in get("tags", None) or [] if t.get("term")})
    return Item(
        key=_key(feed, guid, guid_repeated, canonical, title, entry),
        feed=feed,
        url=url,
        canonical_url=canonical,
        guid=one_line(guid, 500),
        title=title,
        summary_html=summary_html,
        summary_text=summary_text,
        author=one_line(get("author"), 120),
        published=published,
        first_seen=now,
        date=published or now,
        date_note=note,
        language=language,
        tags=tags[:20],
    )


def _had_unsafe_markup(entry) -> bool:  # noqa: ANN001
    values = [dict.get(entry, "summary")] + [c.get("value") for c in dict.get(entry, "content") or []]
    return any(unsafe_parts(v) for v in values if isinstance(v, str))


def _alternate(entry) -> str:  # noqa: ANN001
    for link in dict.get(entry, "links") or []:
        if link.get("rel", "alternate") == "alternate":
            url = safe_url(link.get("href"))
            if url:
                return url
    return ""


def _summary(entry, link: str) -> str:  # noqa: ANN001
    """The summary (or the content, if there is no summary) as sanitised HTML with absolute links.

    When an entry has only content, feedparser copies its value to ``summary`` but leaves
    ``summary_detail`` unset, so the content's own detail (its type and base) is the one to read.
    """
    summary = dict.get(entry, "summary_detail") if dict.get(entry, "summary") else None
    content = [c for c in dict.get(entry, "content") or [] if c.get("value")]
    detail = summary if summary and summary.get("value") else (content[0] if content else None)
    if not detail:
        return ""
    value = (detail.get("value") or "")[:MAX_SUMMARY]
    if detail.get("type") == "text/plain":   # text, not markup: what looks like a tag is words
        value = "<p>" + html.escape(value) + "</p>"
    return without_footer(sanitize_html(value, base_url=safe_url(detail.get("base")) or link))


def _published(entry, language: str, now: datetime) -> tuple[datetime | None, str]:  # noqa: ANN001
    for raw_key, parsed_key in (("published", "published_parsed"), ("updated", "updated_parsed"), ("created", "created_parsed")):
        raw = dict.get(entry, raw_key)
        if not raw:
            continue
        moment = read_cjk_or_epoch(raw, language)
        if moment is None:
            rewritten = chinese_cst(raw, language)
            if rewritten != raw:
                moment = from_struct(feedparser_date(rewritten))
            else:
                moment = from_struct(dict.get(entry, parsed_key))
        if impossible_year(raw, moment):
            return None, f"{IMPLAUSIBLE} {one_line(raw, 40)!r} (a year beyond 9999)"
        if moment is None:
            return None, f"unreadable date {one_line(raw, 40)!r}; using when it was first seen"
        moment, note = bounded(moment, now)
        if not note and mentions_cst(raw) and not language.lower().startswith("zh"):
            note = AMBIGUOUS_CST
        return moment, note
    return bounded(None, now)


def _key(feed: str, guid: str, guid_repeated: bool, canonical: str, title: str, entry) -> str:  # noqa: ANN001
    """ids are not unique in the wild: fall back to link and title when a guid repeats or is missing."""
    if guid and not guid_repeated:
        basis = ("guid", guid)
    elif canonical:
        basis = ("url", guid, canonical)
    else:
        basis = ("title", guid, title, str(dict.get(entry, "published") or dict.get(entry, "updated") or ""))
    digest = hashlib.sha256("\x1f".join((feed,) + basis).encode("utf-8", "replace")).hexdigest()
    return digest[:32]


def _wanted(item: Item, include: list[str], exclude: list[str]) -> bool:
    """A feed's include/exclude keywords, matched against title and summary, case-insensitively."""
    haystack = f"{item.title}\n{item.summary_text}".lower()
    if include and not any(word.lower() in haystack for word in include):
        return False
    return not any(word.lower() in haystack for word in exclude)
