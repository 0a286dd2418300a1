"""ISO weeks in the edition's time zone: the unit an issue covers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from .errors import WeekError

_WEEK_RE = re.compile(r"^\s*(\d{4})-?[Ww](\d{1,2})\s*$")


@dataclass(frozen=True, order=True)
class Week:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> "Week":
        match = _WEEK_RE.match(text or "")
        if not match:
            raise WeekError(f"'{text}' is not an ISO week; write it as YYYY-Www, for example 2025-W05")
        year, number = int(match.group(1)), int(match.group(2))
        weeks_in_year = date(year, 12, 28).isocalendar().week
        if not 1 <= number <= weeks_in_year:
            raise WeekError(f"{year} has weeks W01 to W{weeks_in_year:02d}; '{text}' is outside them")
        return cls(year, number)

    @classmethod
    def containing(cls, moment: datetime, tz: ZoneInfo) -> "Week":
        local = moment.astimezone(tz)
        iso = local.isocalendar()
        return cls(iso.year, iso.week)

    def __str__(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    def window(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) in UTC; boundaries are local midnights, so DST weeks are 167 or 169 hours."""
        start = datetime.combine(self.monday, time(0), tzinfo=tz)
        end = datetime.combine(self.monday + timedelta(days=7), time(0), tzinfo=tz)
        return start.astimezone(timezone.utc), end.astimezone(timezone.utc)

    def shifted(self, weeks: int) -> "Week":
        iso = (self.monday + timedelta(weeks=weeks)).isocalendar()
        return Week(iso.year, iso.week)

    def minus(self, other: "Week") -> int:
        return (self.monday - other.monday).days // 7


def latest_complete_week(now: datetime, tz: ZoneInfo) -> Week:
    """The week that has just ended: what a Monday-morning publish covers."""
    return Week.containing(now, tz).shifted(-1)
