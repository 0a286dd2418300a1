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
_TRAILING_ELLIPSIS = ("[…]", "[...]", "[&#8230;]", "[&hellip;]")
_TAGS = re.compile(r"<[^>]+>")
_LONGEST_FOOTER = 600        # characters of markup: a longer paragraph is text, whatever it starts with


def without_footer(clean: str) -> str:
    """A sanitised fragment without its feed's trailing boilerplate; the fragment itself if it has
    none, or if it is nothing else (a summary that only says "Read more about…" may be the story).
    Works backwards from the end with plain string searches: a regular expression searched from
    the start would try every position of a long run of spaces, which a hostile feed can send."""
    cut = clean
    while True:
        shorter = _without_last(cut.rstrip())
        if shorter is None:
            break
        cut = shorter
    return cut if _TAGS.sub("", cut).strip() else clean


def _without_last(clean: str) -> str | None:
    """The fragment less one trailing piece of boilerplate, or None when it ends in none."""
    inner, closing = (clean[:-4].rstrip(), "</p>") if clean.endswith("</p>") else (clean, "")
    if closing:
        start = clean.rfind("<p>")
        if start >= 0 and len(clean) - start <= _LONGEST_FOOTER and _is_footer(clean[start + 3:-4]):
            return clean[:start]
    if inner.endswith("</a>"):
        start = max(inner.rfind("<a "), inner.rfind("<a>"))
        if start >= 0 and len(inner) - start <= _LONGEST_FOOTER and _is_footer(inner[start:]):
            return inner[:start].rstrip() + closing
    for marker in _TRAILING_ELLIPSIS:
        if inner.endswith(marker):
            return inner[:-len(marker)].rstrip() + "…" + closing
    return None


def _is_footer(fragment: str) -> bool:
    text = " ".join(html.unescape(_TAGS.sub(" ", fragment)).split())
    return bool(text) and _FOOTER_TEXT.match(text) is not None
