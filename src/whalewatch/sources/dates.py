"""Feed dates, believed only within reason.

feedparser reads ``CST`` as US Central (Chinese feeds mean +08:00), ``2025年2月5日`` as some other
day, a Unix timestamp as 2018 and year 10000 as 2010. We read the forms it gets wrong
ourselves, bound everything to a sane range, and say why a date was not used.
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime, timedelta, timezone

from ..model import IMPLAUSIBLE

EARLIEST = datetime(1995, 1, 1, tzinfo=timezone.utc)
CHINA = timezone(timedelta(hours=8))

_CJK_DATE = re.compile(
    r"(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*日?(?:\s*(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2}))?)?"
)
_CST = re.compile(r"\bCST\b")
_EPOCH = re.compile(r"^\s*(\d{9,10}|\d{12,13})\s*$")


def read_cjk_or_epoch(raw: str, language: str) -> datetime | None:
    """Forms feedparser misreads. Returns an aware UTC datetime or None if not such a form."""
    raw = raw.strip()
    if not raw:
        return None
    match = _EPOCH.match(raw)
    if match:
        value = int(match.group(1))
        if value > 10**11:
            value //= 1000
        return datetime.fromtimestamp(value, tz=timezone.utc)
    if "年" in raw or (language.lower().startswith("zh") and _CJK_DATE.fullmatch(raw)):
        match = _CJK_DATE.search(raw)
        if match:
            y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
            try:
                return datetime(y, mo, d, h, mi, s, tzinfo=CHINA).astimezone(timezone.utc)
            except ValueError:
                return None
    return None


def chinese_cst(raw: str, language: str) -> str:
    """'CST' in a Chinese feed is China Standard Time; rewrite it before feedparser sees it."""
    if language.lower().startswith("zh") and _CST.search(raw):
        return _CST.sub("+0800", raw)
    return raw


def from_struct(value) -> datetime | None:  # noqa: ANN001 - feedparser's time.struct_time
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
    except (OverflowError, ValueError, OSError):
        return None


# Notes that begin with these words mark an item whose date was not believed at all (it is kept,
# but never presented as a week's news), or one whose CST may mean two time zones.
AMBIGUOUS_CST = "ambiguous CST"
FAR_FUTURE = timedelta(days=30)
_LONG_YEAR = re.compile(r"(?<![\d+\-.:])\d{5,}(?![\d:])")


def bounded(moment: datetime | None, now: datetime) -> tuple[datetime | None, str]:
    """The date if believable, else None with the reason a reader of ``explain`` will see.

    A date a few hours or days ahead is a time-zone slip and falls back to first sight; one before
    the web had feeds (1900, the 1970 epoch) or far ahead is not a date of this item at all, and
    falling back to first sight would present an archive's junk as this week's news.
    """
    if moment is None:
        return None, "no date in the feed; using when it was first seen"
    if moment < EARLIEST:
        return None, f"{IMPLAUSIBLE} {moment:%Y-%m-%d}"
    if moment > now + FAR_FUTURE:
        return None, f"{IMPLAUSIBLE} {moment:%Y-%m-%d} (far in the future)"
    if moment > now + timedelta(hours=24):
        return None, f"future date {moment:%Y-%m-%d}; clamped to when it was first seen"
    return moment, ""


def impossible_year(raw: str, moment: datetime | None) -> bool:
    """feedparser reads year 10000 as 2010, or not at all: a date written with a five-digit year
    that was read as some other year, or could not be read, is not believed."""
    return not _EPOCH.match(raw) and bool(_LONG_YEAR.search(raw)) and (moment is None or str(moment.year) not in raw)


def mentions_cst(raw: str) -> bool:
    return bool(_CST.search(raw))
