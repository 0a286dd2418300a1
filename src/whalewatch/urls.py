"""Links: which ones are safe to put in front of a reader, and which two are the same story.

Shared by sources (items), select (matching notes to stories) and render (every href).
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SAFE_SCHEMES = ("http", "https")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")

# Query parameters that say who shared a link, never what it points to.
_TRACKING = re.compile(
    r"^(utm_.*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|yclid|_hsenc|_hsmi|mkt_tok|ref|ref_src|ref_url"
    r"|referrer|source|src|via|cmpid|ncid|ocid|sr_share|share|spm|from|scene|srcid|feature|si|rss|output_type"
    r"|outputtype|amp|s_cid|cid|at_medium|at_campaign|wt\.mc_id|guccounter)$",
    re.I,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SLASHES = re.compile(r"/{2,}")
_PATH_VARIANTS = [        # AMP and index-page spellings of one article's path
    (re.compile(r"/amp/?$"), "/"),
    (re.compile(r"^/amp/"), "/"),
    (re.compile(r"\.amp\.html$"), ".html"),
    (re.compile(r"/(index|default)\.(html?|php|aspx?)$"), "/"),
]
_ARXIV = re.compile(r"^/(abs|pdf|html)/(\d{4}\.\d{4,5})(v\d+)?(\.pdf)?/?$")


def safe_url(raw: str | None, allow_mailto: bool = False) -> str:
    """The URL if a reader can follow it safely, else "".

    Entities are decoded and control characters removed first, so ``java&#x09;script:`` and
    friends are seen for what they are; only http(s) (and mailto where asked) pass.
    """
    if not raw:
        return ""
    text = _CONTROL.sub("", html.unescape(str(raw)))
    if len(text) > 2048:
        return ""
    try:
        parts = urlsplit(text)
        parts.port             # raises for a port out of range: such a link leads nowhere
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    text = scheme + text[len(scheme):]
    if scheme in SAFE_SCHEMES and parts.hostname:
        return text
    if allow_mailto and scheme == "mailto" and "@" in parts.path:
        return text
    return ""


def canonical_url(raw: str | None, checked: bool = False) -> str:
    """A key under which every variant of the same article's address meets.

    Not for display: it drops the scheme difference, www/m./amp. hosts, default ports, tracking
    parameters, fragments, AMP paths and trailing slashes, and maps arXiv pdf/version links to
    the abstract.
    """
    url = (raw or "") if checked else safe_url(raw)      # checked: the caller's safe_url already passed it
    if not url:
        return ""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    for prefix in ("www.", "m.", "mobile.", "amp.", "wap."):
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix):]
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS.get(parts.scheme.lower())) else f"{host}:{port}"
    path = _SLASHES.sub("/", parts.path or "/")
    for pattern, replacement in _PATH_VARIANTS:
        path = pattern.sub(replacement, path)
    if host.endswith("arxiv.org"):
        match = _ARXIV.match(path)
        if match:
            path = f"/abs/{match.group(2)}"
    if len(path) > 1:
        path = path.rstrip("/")
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k))
    return urlunsplit(("https", netloc, path, urlencode(query), ""))


_COMMENT_FRAGMENT = re.compile(r"^(comments?|respond|disqus_thread|comment-\d+|replies)$", re.I)


def clean_url(raw: str | None) -> str:
    """The article's own address, for readers: tracking parameters and comment anchors dropped,
    arXiv pdf and version links sent to the abstract page. Unlike ``canonical_url`` the host,
    scheme and path are left as the site wrote them, so the link still leads where it led."""
    url = safe_url(raw)
    if not url:
        return ""
    parts = urlsplit(url)
    path = parts.path
    if (parts.hostname or "").lower().endswith("arxiv.org"):
        match = _ARXIV.match(path)
        if match:
            path = f"/abs/{match.group(2)}"
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)]
    query = urlencode(kept) if len(kept) != len(parse_qsl(parts.query, keep_blank_values=True)) else parts.query
    fragment = "" if _COMMENT_FRAGMENT.match(parts.fragment) else parts.fragment
    return urlunsplit((parts.scheme, parts.netloc, path, query, fragment))
