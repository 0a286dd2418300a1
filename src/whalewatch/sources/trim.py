"""Documents cut to the caps before any parser sees them.

feedparser builds every entry of a document before we can keep the first few: a 50,000-item
feed costs seconds and hundreds of megabytes to keep 500 items. So the bytes are cut after the
last item we will keep, and a response cut short at the size cap is trimmed back to its last
complete item and closed again, so that the newest items of an oversized feed still arrive.
Works on bytes, before decoding: the tags are ASCII in every encoding a feed is likely to use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ITEM_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>", re.I)
_ITEM_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s>/]", re.I)
_TAG = re.compile(rb"<(/?)([A-Za-z_][\w.:-]*)[^>]*?(/?)>")
_OPAQUE = re.compile(rb"<!\[CDATA\[.*?\]\]>|<!--.*?-->", re.S)    # markup in here is text, not elements


@dataclass
class Trimmed:
    raw: bytes
    note: str = ""          # a warning for the operator when something was left out


def trim(raw: bytes, max_items: int, truncated: bool = False, cap: int = 0) -> Trimmed:
    """Cut after the ``max_items``-th item; if the body was cut at the size cap, back to the last whole item."""
    ends = _ITEM_END.finditer(raw)
    kept_end = None
    count = 0
    for count, match in enumerate(ends, 1):
        if count <= max_items:
            kept_end = match.end()
        elif not truncated:
            break
    if truncated:
        if kept_end is None:
            return Trimmed(b"", f"larger than {cap:,} bytes (fetch.max_bytes) with no complete item in the first {cap:,}")
        closed = raw[:kept_end] + _closing_tags(raw)
        if count > max_items:
            return Trimmed(closed, f"larger than {cap:,} bytes (fetch.max_bytes); kept the first {max_items} items (fetch.max_items)")
        return Trimmed(closed, f"larger than {cap:,} bytes (fetch.max_bytes): read the first {cap:,} and kept the "
                               f"{count} complete item{'s' if count != 1 else ''} in them")
    if count > max_items and kept_end is not None:
        total = count + sum(1 for _ in ends)
        return Trimmed(raw[:kept_end] + _closing_tags(raw), f"{total:,} items; kept the first {max_items} (fetch.max_items)")
    return Trimmed(raw)


def _closing_tags(raw: bytes) -> bytes:
    """End tags for the elements still open where the first item starts (rss+channel, feed, rdf:RDF)."""
    first = _ITEM_START.search(raw)
    prolog = _OPAQUE.sub(b"", raw[: first.start()] if first else b"")
    stack: list[bytes] = []
    for closing, name, self_closing in _TAG.findall(prolog):
        if self_closing:
            continue
        if closing:
            if name in stack:
                del stack[len(stack) - 1 - stack[::-1].index(name):]
        else:
            stack.append(name)
    return b"".join(b"</" + name + b">" for name in reversed(stack))
