"""Date range arithmetic: the calendar a question's dates resolve in.

`DateContext` is the injected `now` in the tenant's zone (with the week start and fiscal year);
`add_units` and `period_start` move and truncate dates by calendar units; ranges are half-open
`[start, end)` `TimeRange`s of local dates, and `describe` says one in words with inclusive dates.
Phrases are read in `dates.py`, single periods ('March 2025', 'Q3') in `date_points.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from nexatron.semantic.model import Grain, TimeRange

UNITS: dict[str, Grain] = {"day": "day", "week": "week", "month": "month", "quarter": "quarter"}
UNITS["year"] = "year"


GRAIN_ORDER = {"day": 0, "week": 1, "month": 2, "quarter": 3, "year": 4}


@dataclass(frozen=True)
class DateContext:
    """What relative dates resolve against: an aware `now`, an IANA zone, calendar settings."""

    now: dt.datetime
    timezone: str = "UTC"
    week_start: int = 0  # 0 = Monday ... 6 = Sunday
    fiscal_year_start_month: int = 1

    @property
    def today(self) -> dt.date:
        now = self.now if self.now.tzinfo else self.now.replace(tzinfo=dt.UTC)
        return now.astimezone(ZoneInfo(self.timezone)).date()

    @property
    def tomorrow(self) -> dt.date:
        """The end of today: ranges 'up to now' end here (half-open), so they hold all of today."""
        return self.today + dt.timedelta(days=1)


def add_units(d: dt.date, unit: str, n: int) -> dt.date:
    """`d` moved by `n` calendar units (month arithmetic clamps the day)."""
    if unit == "day":
        return d + dt.timedelta(days=n)
    if unit == "week":
        return d + dt.timedelta(weeks=n)
    months = {"month": 1, "quarter": 3, "year": 12, "fiscal_year": 12}[unit] * n
    total = d.year * 12 + d.month - 1 + months
    year, month = divmod(total, 12)
    last = month_end(year, month + 1).day
    return dt.date(year, month + 1, min(d.day, last))


def month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def period_start(d: dt.date, unit: str, ctx: DateContext) -> dt.date:
    """First day of the `unit` period containing `d`."""
    if unit == "day":
        return d
    if unit == "week":
        return d - dt.timedelta(days=(d.weekday() - ctx.week_start) % 7)
    if unit == "month":
        return d.replace(day=1)
    if unit == "quarter":
        return dt.date(d.year, (d.month - 1) // 3 * 3 + 1, 1)
    if unit == "fiscal_year":
        fy = ctx.fiscal_year_start_month
        return dt.date(d.year if d.month >= fy else d.year - 1, fy, 1)
    return dt.date(d.year, 1, 1)


def iso(d: dt.date) -> str:
    return d.isoformat()


def make_range(start: dt.date | None, end: dt.date | None, label: str) -> TimeRange:
    return TimeRange(start=start, end=end, label=label)


def describe(tr: TimeRange) -> str:
    """The range in words with inclusive dates: 'last quarter: 2026-07-01 to 2026-09-30'."""
    label = tr.label or "range"
    start, end = tr.start, tr.end
    last = end - dt.timedelta(days=1) if isinstance(end, dt.date) else None
    if start is not None and last is not None:
        return f"{label}: {iso(start)} to {iso(last)}"
    if start is not None:
        return f"{label}: from {iso(start)} onwards"
    if last is not None:
        return f"{label}: up to and including {iso(last)}"
    return f"{label}: all time"
