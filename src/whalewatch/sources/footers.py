"""What a feed's software appends to every summary, taken off before anyone reads it.

WordPress with Yoast ends each summary with "The post <title> appeared first on <site>", excerpts
end in "[…]" and "Continue reading", Chinese sites in 阅读原文 or 责任编辑 lines. None of it is the
story: in the briefing it is clutter, and to the merge it is words that two different stories
from one site share (the site's name, "appeared first"), which read as a reason to fold them.
Only whole trailing paragraphs, or a link or ellipsis at the very end, are taken; nothing else of
the text is touched.
"""

from __future__ import annotations

import html
import re

_FOOTER_TEXT = re.compile(
    r"""(?ix)^(?:
        the\ post\ .{1,300}\ appeared\ first\ on\ .{1,120}
      | this\ (?:article|story|post)\ (?:was\ |is\ )?(?:originally\ )?(?:first\ )?(?:published|appeared)\ (?:on|in|at|by)\ .{1,120}
      | (?:continue\ reading|read\ more|read\ the\ (?:full|rest\ of\ the)\ (?:story|article|post)|read\ full\ (?:story|article)
         |keep\ reading|full\ story)\b.{0,120}
      | (?:点击)?(?:阅读|查看)(?:全文|原文|更多)\W{0,6}
      | [(（]?\s*(?:责任编辑|编辑|責任編輯|編輯)\s*[:：].{1,30}
    )\W*$""")
_LAST_BLOCK = re.compile(r"<p>((?:(?!<p>).)*?)</p>\s*$", re.S)
_TRAILING_LINK = re.compile(r"\s*<a\b[^>]*>((?:(?!</?a\b).){1,300}?)</a>\s*(?=(?:</p>)?\s*$)", re.S)
_TRAILING_ELLIPSIS = re.compile(r"\s*\[(?:…|\.\.\.|&#8230;|&hellip;)\]\s*(?=(?:</p>)?\s*$)")
_TAGS = re.compile(r"<[^>]+>")


def without_footer(clean: str) -> str:
    """A sanitised fragment without its feed's trailing boilerplate; the fragment itself if it has
    none, or if it is nothing else (a summary that only says "Read more about…" may be the story)."""
    original, changed = clean, True
    while changed and clean:
        changed = False
        block = _LAST_BLOCK.search(clean)
        if block and _is_footer(block.group(1)):
            clean, changed = clean[:block.start()].rstrip(), True
            continue
        link = _TRAILING_LINK.search(clean)
        if link and _is_footer(link.group(1)):
            clean, changed = clean[:link.start()] + clean[link.end():], True
            continue
        ellipsis = _TRAILING_ELLIPSIS.search(clean)
        if ellipsis:
            clean, changed = clean[:ellipsis.start()] + "…" + clean[ellipsis.end():], True
    return clean if _TAGS.sub("", clean).strip() else original


def _is_footer(fragment: str) -> bool:
    text = " ".join(html.unescape(_TAGS.sub(" ", fragment)).split())
    return bool(text) and _FOOTER_TEXT.match(text) is not None
