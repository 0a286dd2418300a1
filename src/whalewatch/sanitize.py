"""Untrusted HTML in, an allow-listed fragment out.

Feed HTML and note HTML both pass through here before any output sees them. nh3 (ammonia)
parses like a browser and keeps only the tags, attributes and URL schemes listed below; we
add a nesting limit because very deep trees make WeasyPrint fail with RecursionError.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import urljoin

import nh3

from .urls import safe_url

MAX_DEPTH = 40
MAX_FRAGMENT = 100_000

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "dd", "del", "dl", "dt", "em", "figcaption",
    "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q",
    "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "u", "ul",
}
_ATTRS = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
_SCHEMES = {"http", "https", "mailto"}


def _url_filter(base_url: str):  # noqa: ANN202 - nh3's callback type
    """Second opinion on every URL-bearing attribute, after entity decoding; relative links are
    resolved against the item's own address (feedparser's resolver is switched off: we do it here)."""

    def check(tag: str, attr: str, value: str) -> str | None:
        if attr in ("href", "src"):
            if base_url and not _HAS_SCHEME.match(value.strip()):
                value = urljoin(base_url, html.unescape(value.strip()))
            return safe_url(value, allow_mailto=(attr == "href")) or None
        return value

    return check


_HAS_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def sanitize_html(fragment: str | None, allow_images: bool = False, base_url: str = "") -> str:
    if not fragment:
        return ""
    fragment = fragment[:MAX_FRAGMENT]
    tags = _TAGS | ({"img"} if allow_images else set())
    cleaned = nh3.clean(
        fragment,
        tags=tags,
        attributes=_ATTRS,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=_url_filter(base_url),
        clean_content_tags={"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math"},
    )
    if _depth(cleaned) > MAX_DEPTH:
        return "<p>" + html.escape(html_to_text(cleaned)) + "</p>"
    return cleaned


class _Depth(HTMLParser):
    _VOID = {"br", "hr", "img", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = self.max = 0

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        if tag not in self._VOID:
            self.depth += 1
            self.max = max(self.max, self.depth)

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag not in self._VOID:
            self.depth = max(0, self.depth - 1)


def _depth(fragment: str) -> int:
    parser = _Depth()
    parser.feed(fragment)
    return parser.max


class _Text(HTMLParser):
    _BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "pre", "dt", "dd"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        if tag in ("script", "style", "template"):
            self.skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\x00")

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag in ("script", "style", "template"):
            self.skip = max(0, self.skip - 1)
        elif tag in self._BLOCK:
            self.parts.append("\x00")

    def handle_data(self, data):  # noqa: ANN001
        if not self.skip:
            self.parts.append(data)


def html_to_text(fragment: str | None) -> str:
    """Readable plain text of a fragment: paragraphs kept, all other whitespace collapsed."""
    if not fragment:
        return ""
    parser = _Text()
    parser.feed(fragment[:MAX_FRAGMENT])
    parser.close()
    text = "".join(parser.parts)
    paragraphs = [re.sub(r"\s+", " ", p).strip() for p in text.split("\x00")]
    return "\n\n".join(p for p in paragraphs if p)


def one_line(text: str | None, limit: int = 300) -> str:
    """Titles: tags stripped, entities decoded, CR/LF and runs of space folded, length capped."""
    if not text:
        return ""
    plain = html_to_text(text) if "<" in text else html.unescape(text)
    plain = re.sub(r"[\s\u2028\u2029\x00-\x1f\x7f]+", " ", plain).strip()
    return plain if len(plain) <= limit else plain[: limit - 1].rstrip() + "…"
