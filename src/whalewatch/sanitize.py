"""Untrusted HTML in, an allow-listed fragment out.

Feed HTML and note HTML both pass through here before any output sees them. nh3 (ammonia)
parses like a browser and keeps only the tags, attributes and URL schemes listed below; we
add a nesting limit because very deep trees make WeasyPrint fail with RecursionError.
"""

from __future__ import annotations

import html
import re
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
    "sup": {"id"},            # footnote markers and footnotes: ids of the fn:/fnref: form only (see the filter)
    "li": {"id"},
}
_OWN_PAGE = re.compile(r"\.\./(?:background|essays)/[\w\u3400-\u9fff-]{1,80}\.html")
_FOOTNOTE_ID = re.compile(r"(?:fn|fnref\d*)(?::|-)[\w.:-]{1,60}")
_SCHEMES = {"http", "https", "mailto"}


def _url_filter(base_url: str):  # noqa: ANN202 - nh3's callback type
    """Second opinion on every URL-bearing attribute, after entity decoding; relative links are
    resolved against the item's own address (feedparser's resolver is switched off: we do it here)."""

    def check(tag: str, attr: str, value: str) -> str | None:
        if attr == "id":
            return value if _FOOTNOTE_ID.fullmatch(value) else None
        if attr == "href" and _OWN_PAGE.fullmatch(value):
            return value                   # a background page or an essay of the edition's own archive
        if attr == "href" and value.startswith("#"):
            return value if _FOOTNOTE_ID.fullmatch(value[1:]) else None     # a footnote's link within the page
        if attr in ("href", "src"):
            if base_url and not _HAS_SCHEME.match(value.strip()):
                value = urljoin(base_url, html.unescape(value.strip()))
            url = safe_url(value, allow_mailto=(attr == "href"))
            if attr == "src" and not url.startswith("https://"):
                return None        # images only over https, and only if the edition allows them at all
            return url or None
        return value

    return check


# Text without these has no markup, no entity and nothing an HTML parser rewrites (CR, NUL,
# no-break space, a leading BOM); tests/test_sanitize.py holds the shortcut to nh3's own output.
_NEEDS_PARSER = re.compile(r"[<&\r\x00\xa0\ufeff]")
_SRCLESS_IMG = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")    # an image whose address was refused shows nothing
_HAS_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def sanitize_html(fragment: str | None, allow_images: bool = True, base_url: str = "") -> str:
    """Images (https only) are kept here, in what the store keeps; whether an issue shows them is the
    edition's choice (``briefing.remote_images``), applied by ``without_images`` when the issue is made."""
    if not fragment:
        return ""
    fragment = fragment[:MAX_FRAGMENT]
    if not _NEEDS_PARSER.search(fragment):
        return fragment.replace(">", "&gt;")      # plain text: exactly what nh3 returns, without parsing
    return _parse_and_clean(fragment, allow_images, base_url)


def _parse_and_clean(fragment: str, allow_images: bool, base_url: str) -> str:
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
    return _SRCLESS_IMG.sub("", cleaned) if allow_images else cleaned


_UNSAFE = re.compile(r"<\s*(script|style|iframe|object|embed|form|svg|math|template|noscript|base|meta|link)\b"
                     r"|\son[a-z]+\s*=|(?:java|vb)script\s*:|data\s*:\s*text/html", re.I)


def unsafe_parts(fragment: str | None) -> bool:
    """Whether a fragment carries something the sanitiser removes for safety (a script, an event
    handler, a javascript: link): worth a line in the build's warnings, since readers will not see it."""
    return bool(fragment) and bool(_UNSAFE.search(fragment[:MAX_FRAGMENT]))


def without_images(fragment: str) -> str:
    """An already clean fragment with its images removed; text and links are untouched."""
    return sanitize_html(fragment, allow_images=False) if "<img" in fragment else fragment


_VOID = {"br", "hr", "img", "wbr"}
_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "pre", "dt", "dd"}
_TAG = re.compile(r"<(/?)([a-z0-9]+)[^>]*>")


def _depth(clean: str) -> int:
    """Nesting depth of nh3's output, which is well-formed, so counting its tags is exact."""
    depth = deepest = 0
    for closing, tag in _TAG.findall(clean):
        if tag in _VOID:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def clean_html_to_text(clean: str) -> str:
    """The text of a fragment this module has already sanitised: nh3's output is well-formed, so
    splitting it on block tags is exact, and parsing it a second time would only cost time."""
    if not clean:
        return ""
    text = html.unescape(_TAG.sub(lambda m: "\x00" if m.group(2) in _BLOCKS else "", clean))
    paragraphs = [re.sub(r"\s+", " ", p).strip() for p in text.split("\x00")]
    return "\n\n".join(p for p in paragraphs if p)


def html_to_text(fragment: str | None) -> str:
    """Readable plain text of a fragment: paragraphs kept, all other whitespace collapsed.

    nh3 parses the (untrusted) fragment like a browser and keeps only block tags; every tag left
    is then a paragraph boundary. Python's own HTMLParser is not used on feed text: it raises on
    some malformed declarations (``<![A:``), which would cost the whole feed.
    """
    if not fragment:
        return ""
    return clean_html_to_text(nh3.clean(fragment[:MAX_FRAGMENT], tags=_BLOCKS, attributes={}, strip_comments=True,
                                        clean_content_tags={"script", "style", "template", "noscript"}))


_LINE_BREAKS = re.compile(r"[\s\u2028\u2029\x00-\x1f\x7f]+")


def one_line(text: str | None, limit: int = 300) -> str:
    """Titles: tags stripped, entities decoded, CR/LF and runs of space folded, length capped."""
    if not text:
        return ""
    plain = html_to_text(text) if "<" in text else html.unescape(text)
    plain = _LINE_BREAKS.sub(" ", plain).strip()
    return plain if len(plain) <= limit else plain[: limit - 1].rstrip() + "…"
