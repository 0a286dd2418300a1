"""Plain RSS 2.0 and Atom 1.0 read from a C-parsed tree, with feedparser's own rules.

feedparser drives expat through Python callbacks, one per element, and that is most of a cold
collect's CPU. Most real feeds use a small, regular vocabulary, so for those the tree is built by
ElementTree's C parser and the handful of fields the normaliser reads (title, link, id,
summary/content, author, dates, tags, feed title and language) are read from it by the rules
feedparser applies: its URL joining, its date parser, its HTML guess, its whitespace, Latin-1
and windows-1252 repairs, its ordering quirks (a guid is the link only when no link came first;
a description outranks content). ``tests/sources/test_fastpath.py`` holds the two readers to
the same items over feedparser's own test corpus and over generated variations.

Anything this reader does not know for certain -- an unfamiliar element or namespace, xml:base,
a repeated field, markup as child elements, a DOCTYPE, a document that is not well-formed --
returns None, and feedparser reads the document as before. So the fast path may only ever be
narrower than feedparser, never different from it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

from feedparser.datetimes import _parse_date as feedparser_date
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin, make_safe_absolute_uri

ATOM = "http://www.w3.org/2005/atom"
_XML_URI = "http://www.w3.org/XML/1998/namespace"
_XML = _XML_URI.lower()                       # namespaces are compared lower-cased
_CONTENT = "http://purl.org/rss/1.0/modules/content/"
_DC = "http://purl.org/dc/elements/1.1/"
_MEDIA = ("http://search.yahoo.com/mrss/", "http://search.yahoo.com/mrss")
_HARMLESS_NAMESPACES = (
    "http://purl.org/rss/1.0/modules/syndication/",   # sy:updatePeriod and friends: refresh hints
    "http://wellformedweb.org/commentapi/",           # wfw:commentRss
    "http://purl.org/rss/1.0/modules/slash/",          # slash:comments
)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.I)
_ENTITY_IN_LINK = re.compile(r"&([A-Za-z0-9_]+);")
_TEXT_TYPES = {"text": "text/plain", "plain": "text/plain", "text/plain": "text/plain",
               "html": "text/html", "text/html": "text/html"}


class _Unfamiliar(Exception):
    """Internal: something outside what this reader is sure of; feedparser takes the document."""


@dataclass
class Document:
    """What the normaliser reads from a parsed feed, in feedparser's shapes (plain dicts)."""
    entries: list[dict]
    title: str = ""
    language: str = ""
    bozo: str | None = None        # why a lenient parser had to guess; None when the XML was sound


def read_common_feed(xml: bytes, base_url: str) -> Document | None:
    """``xml`` is UTF-8 with a matching declaration (as handed to feedparser); None means 'ask feedparser'."""
    if _DOCTYPE.search(xml):
        return None
    try:
        root = ElementTree.fromstring(xml)
    except (ElementTree.ParseError, ValueError, LookupError):     # not well-formed; an encoding expat lacks
        return None
    base = _base(base_url)
    try:
        namespace, name = _split(root.tag)
        if namespace == "" and name == "rss":
            return _rss(root, base)
        if namespace == ATOM and name == "feed":
            return _atom(root, base)
    except _Unfamiliar:
        return None
    return None


# -- shared rules ------------------------------------------------------------------------------

def _base(base_url: str) -> str:
    """The base feedparser resolves against: checked once for the document, then once per element down."""
    base = make_safe_absolute_uri("", base_url) or make_safe_absolute_uri(base_url) or ""
    for _ in range(8):
        again = (make_safe_absolute_uri(base, base) or base) if base else base
        if again == base:
            break
        base = again
    return base


_SPLIT_CACHE: dict[str, tuple[str, str]] = {}
_SPLIT_CACHE_MAX = 2048          # real feeds use a few dozen names; a hostile one must not grow the worker


def _split(tag: str) -> tuple[str, str]:
    """'{URI}Local' as feedparser compares it: both parts lower-cased."""
    known = _SPLIT_CACHE.get(tag)
    if known is None:
        if tag[:1] == "{":
            uri, _, local = tag[1:].partition("}")
            known = (uri.lower(), local.lower())
        else:
            known = ("", tag.lower())
        if len(_SPLIT_CACHE) < _SPLIT_CACHE_MAX:
            _SPLIT_CACHE[tag] = known
    return known


def _attrs(element: ElementTree.Element, allowed: frozenset[str]) -> dict[str, str]:
    """Attribute names lower-cased (rel and type values too), as feedparser's strict parser does."""
    found = {}
    for key, value in element.attrib.items():
        uri, local = _split(key)
        if uri or local not in allowed:
            raise _Unfamiliar(key)
        found[local] = value.lower() if local in ("rel", "type") else value
    return found


def _text(element: ElementTree.Element) -> str:
    """An element's text as feedparser pops it, for an element that holds only text."""
    if len(element):
        raise _Unfamiliar("markup as child elements")
    return (element.text or "").strip()


def _repaired(value: str) -> str:
    """feedparser's last two steps on every text value: UTF-8 read as Latin-1 undone, C1 controls
    read as windows-1252."""
    try:
        value = value.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    return value.translate(_cp1252)


def _link_text(value: str, base: str) -> str:
    if value:
        value = _urljoin(base, value)
    value = _repaired(value).replace("&amp;", "&")
    return _ENTITY_IN_LINK.sub(r"&\g<1>", value)


def _guid(entry: dict, element: ElementTree.Element, base: str) -> None:
    """A permalink guid (or Atom id) is resolved, and is the link only when no link came before it."""
    permalink = _attrs(element, frozenset({"ispermalink"})).get("ispermalink", "true") == "true"
    value = _text(element)
    if value and permalink:
        value = _urljoin(base, value)
    value = _repaired(value)
    entry["id"] = value
    entry["guidislink"] = permalink and "link" not in entry
    if permalink:
        entry.setdefault("link", value)


def _date(entry: dict, key: str, element: ElementTree.Element) -> None:
    value = _repaired(_text(element))
    entry[key] = value
    entry[key + "_parsed"] = feedparser_date(value)


def _category(entry: dict, term: str | None, scheme: str | None, label: str | None, text: str) -> None:
    """feedparser's tag bookkeeping: an attribute-only category waits for the next one's text."""
    tags = entry.setdefault("tags", [])

    def add(term: str | None, scheme: str | None, label: str | None) -> None:
        if term or scheme or label:
            tag = {"term": term, "scheme": scheme, "label": label}
            if tag not in tags:
                tags.append(tag)

    add(term, scheme, label)
    if text:
        if tags and not tags[-1]["term"]:
            tags[-1]["term"] = text
        else:
            add(text, None, None)


def _ignorable(namespace: str, name: str) -> bool:
    """Extension elements feedparser files under keys the normaliser never reads (media, comments)."""
    return (namespace in _MEDIA and name in ("content", "thumbnail")) or namespace in _HARMLESS_NAMESPACES


def _once(seen: set[str], key: str) -> None:
    if key in seen:
        raise _Unfamiliar(f"repeated {key}")
    seen.add(key)


def _no_attrs(element: ElementTree.Element) -> ElementTree.Element:
    if element.attrib:
        raise _Unfamiliar("attributes where none are expected")
    return element


def _check_document_attributes(root: ElementTree.Element, root_allowed: frozenset[tuple[str, str]]) -> None:
    """xml:base and xml:lang change what feedparser resolves links against and reports as the language."""
    for element in root.iter():
        if element is root:
            continue
        for key in element.attrib:
            uri, local = _split(key)
            if uri == _XML or local in ("base", "lang"):
                raise _Unfamiliar(key)
    for key in root.attrib:
        if _split(key) not in root_allowed:
            raise _Unfamiliar(key)


# -- RSS 2.0 -------------------------------------------------------------------------------------

# Channel furniture, with the children feedparser keeps inside it (anything else inside an image or
# a textInput makes feedparser leave it, and a title in there would become the feed's).
_RSS_CHANNEL_IGNORED: dict[str, frozenset[str]] = {
    **dict.fromkeys(("link", "description", "copyright", "managingeditor", "webmaster", "pubdate", "lastbuilddate",
                     "category", "generator", "docs", "cloud", "ttl", "rating"), frozenset()),
    "image": frozenset({"url", "title", "link", "width", "height", "description"}),
    "textinput": frozenset({"title", "description", "name", "link"}),
    "skiphours": frozenset({"hour"}),
    "skipdays": frozenset({"day"}),
}


def _rss(root: ElementTree.Element, base: str) -> Document:
    _check_document_attributes(root, frozenset({("", "version")}))
    channels = list(root)
    if len(channels) != 1 or _split(channels[0].tag) != ("", "channel") or channels[0].attrib:
        raise _Unfamiliar("not one plain channel")
    seen: set[str] = set()
    title, language, entries = "", "", []
    for child in channels[0]:
        namespace, name = _split(child.tag)
        if namespace == "":
            if name == "item":
                entries.append(_rss_item(child, base))
            elif name == "title":
                _once(seen, name)
                title = _repaired(_text(_no_attrs(child)))
            elif name == "language":
                _once(seen, name)
                language = _repaired(_text(_no_attrs(child)))
            elif name in _RSS_CHANNEL_IGNORED:
                _furniture(child, _RSS_CHANNEL_IGNORED[name])
            else:
                raise _Unfamiliar(name)
        elif namespace == ATOM and name == "link" and not len(child):
            continue                                # <atom:link rel="self">: the feed's own address
        elif namespace not in _HARMLESS_NAMESPACES or len(child):
            raise _Unfamiliar(child.tag)
    return Document(entries, title=title, language=language)


def _furniture(element: ElementTree.Element, children: frozenset[str]) -> None:
    for child in element:
        namespace, name = _split(child.tag)
        if namespace or name not in children or len(child):
            raise _Unfamiliar(child.tag)


def _rss_item(item: ElementTree.Element, base: str) -> dict:
    if item.attrib:
        raise _Unfamiliar("item attributes")
    entry: dict = {}
    seen: set[str] = set()
    content: str | None = None
    for child in item:
        namespace, name = _split(child.tag)
        if namespace == "":
            if name == "title":
                _once(seen, name)
                entry["title"] = _repaired(_text(_no_attrs(child)))
            elif name == "link":
                _once(seen, name)
                value = _link_text(_text(_no_attrs(child)), base)
                entry["link"] = value
                entry.setdefault("links", []).append({"rel": "alternate", "type": "text/html", **({"href": value} if value else {})})
            elif name == "guid":
                _once(seen, name)
                _guid(entry, child, base)
            elif name == "description":
                _once(seen, name)
                value = _repaired(_text(_no_attrs(child)))
                entry["summary"] = value
                entry["summary_detail"] = {"type": "text/html", "base": base, "value": value}
            elif name == "pubdate":
                _once(seen, name)
                _date(entry, "published", _no_attrs(child))
            elif name == "author":
                entry["author"] = _repaired(_text(_no_attrs(child)))
            elif name == "category":
                attrs = _attrs(child, frozenset({"domain"}))
                _category(entry, None, attrs.get("domain"), None, _repaired(_text(child)))
            elif name in ("comments", "enclosure"):
                _text(child)
                if name == "enclosure":
                    entry.setdefault("links", []).append({"rel": "enclosure"})
            elif name == "source":
                _attrs(child, frozenset({"url"}))
                _text(child)
            else:
                raise _Unfamiliar(name)
        elif namespace == _CONTENT and name == "encoded":
            _once(seen, "content")
            content = _repaired(_text(_no_attrs(child)))
            entry.setdefault("content", []).append({"type": "text/html", "base": base, "value": content})
        elif namespace == _DC and name == "creator":
            entry["author"] = _repaired(_text(_no_attrs(child)))
        elif namespace == _DC and name == "date":
            _once(seen, "dc:date")
            _date(entry, "updated", _no_attrs(child))
        elif namespace == _DC and name == "subject":
            _category(entry, None, None, None, _repaired(_text(_no_attrs(child))))
        elif _ignorable(namespace, name):
            _text(child)
        else:
            raise _Unfamiliar(child.tag)
    if content is not None:
        entry.setdefault("summary", content)     # feedparser copies content to a missing summary
    return entry


# -- Atom 1.0 ------------------------------------------------------------------------------------

_ATOM_FEED_IGNORED = frozenset({"id", "updated", "link", "subtitle", "rights", "generator", "icon", "logo", "category",
                                "author", "contributor"})
_LINK_ATTRS = frozenset({"rel", "href", "type", "hreflang", "title", "length"})
_PERSON = frozenset({"name", "email", "uri"})


def _atom(root: ElementTree.Element, base: str) -> Document:
    _check_document_attributes(root, frozenset({(_XML, "lang")}))
    language = (root.get(f"{{{_XML_URI}}}lang") or "").replace("_", "-")
    title, entries = "", []
    seen: set[str] = set()
    for child in root:
        namespace, name = _split(child.tag)
        if namespace != ATOM:
            if namespace in _HARMLESS_NAMESPACES and not len(child):
                continue
            raise _Unfamiliar(child.tag)
        if name == "entry":
            entries.append(_atom_entry(child, base))
        elif name == "title":
            _once(seen, name)
            _text_type(child)
            title = _repaired(_text(child))
        elif name in _ATOM_FEED_IGNORED:
            for inner in child.iter():
                inner_namespace, inner_name = _split(inner.tag)
                if inner is not child and (inner_namespace != ATOM or inner_name in ("entry", "title", "feed")):
                    raise _Unfamiliar(inner.tag)
        else:
            raise _Unfamiliar(name)
    return Document(entries, title=title, language=language)


def _text_type(element: ElementTree.Element) -> str:
    attrs = _attrs(element, frozenset({"type"}))
    kind = _TEXT_TYPES.get(attrs.get("type", "text"))
    if kind is None:
        raise _Unfamiliar(f"content type {attrs.get('type')!r}")
    return kind


def _atom_entry(element: ElementTree.Element, base: str) -> dict:
    if element.attrib:
        raise _Unfamiliar("entry attributes")
    entry: dict = {}
    seen: set[str] = set()
    content: str | None = None
    for child in element:
        namespace, name = _split(child.tag)
        if namespace != ATOM:
            if _ignorable(namespace, name):
                _text(child)
                continue
            raise _Unfamiliar(child.tag)
        if name == "title":
            _once(seen, name)
            _text_type(child)
            entry["title"] = _repaired(_text(child))
        elif name == "link":
            _atom_link(entry, child, base)
        elif name == "id":
            _once(seen, name)
            _guid(entry, child, base)
        elif name in ("updated", "published"):
            _once(seen, name)
            _date(entry, name, _no_attrs(child))
        elif name in ("summary", "content"):
            _once(seen, name)
            kind = _text_type(child)
            value = _repaired(_text(child))
            if name == "summary":
                entry["summary"] = value
                entry["summary_detail"] = {"type": kind, "base": base, "value": value}
            else:
                content = value
                entry.setdefault("content", []).append({"type": kind, "base": base, "value": value})
        elif name == "author":
            _once(seen, name)
            entry["author"] = _atom_author(child)
        elif name == "contributor":
            _person(child)
        elif name == "category":
            attrs = _attrs(child, frozenset({"term", "scheme", "label"}))
            _category(entry, attrs.get("term"), attrs.get("scheme"), attrs.get("label"), _repaired(_text(child)))
        elif name == "rights":
            _text_type(child)
            _text(child)
        else:
            raise _Unfamiliar(name)
    if content is not None:
        entry.setdefault("summary", content)
    return entry


def _atom_link(entry: dict, element: ElementTree.Element, base: str) -> None:
    attrs = _attrs(element, _LINK_ATTRS)
    _text(element)
    if "href" not in attrs:
        raise _Unfamiliar("a link without href")
    attrs.setdefault("rel", "alternate")
    attrs.setdefault("type", "application/atom+xml" if attrs["rel"] == "self" else "text/html")
    attrs["href"] = _urljoin(base, attrs["href"])
    entry.setdefault("links", []).append(attrs)
    if attrs["rel"] == "alternate" and _FeedParserMixin.map_content_type(attrs["type"]) in _FeedParserMixin.html_types:
        entry["link"] = attrs["href"]


def _person(element: ElementTree.Element) -> dict[str, str]:
    """name and email as feedparser keeps them (stripped only: it never repairs these two)."""
    _no_attrs(element)
    if (element.text or "").strip():
        raise _Unfamiliar("text directly in a person")
    found: dict[str, str] = {}
    for child in element:
        namespace, name = _split(child.tag)
        if namespace != ATOM or name not in _PERSON or (child.tail or "").strip():
            raise _Unfamiliar(child.tag)
        if name in found:
            raise _Unfamiliar(f"repeated {name}")
        found[name] = _text(_no_attrs(child))
    return found


def _atom_author(element: ElementTree.Element) -> str:
    person = _person(element)
    name, email = person.get("name"), person.get("email")
    if name and email:
        return f"{name} ({email})"
    return name or email or ""
