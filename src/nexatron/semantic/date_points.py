"""Single periods named in a question: 'March 2025', 'Q3', '2024', '2025-03-05', 'FY2025'.

`parse_point` resolves one such phrase to its `[start, end)` dates and grain; a month or quarter
without a year is the most recent one that has started by today. `POINT` is the regular expression
the phrase rules in `dates.py` embed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from nexatron.semantic.date_arithmetic import DateContext, add_units
from nexatron.semantic.model import Grain

MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
MON = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
YEAR = r"(?:19|20)\d{2}"
DAY = r"\d{1,2}(?:st|nd|rd|th)?"
POINT = (
    rf"(?:\d{{4}}-\d{{2}}-\d{{2}}|{MON}\s+{DAY},?\s+{YEAR}|{DAY}\s+(?:of\s+)?{MON},?\s+{YEAR}"
    rf"|{MON}\s+(?:of\s+)?'?{YEAR}|{MON}|q[1-4](?:\s+{YEAR})?|{YEAR}\s*-?q[1-4]"
    rf"|h[12]\s+{YEAR}|(?:fy|fiscal\s+year|fiscal)\s*'?(?:\d{{4}}|\d{{2}})|{YEAR}-\d{{2}}|{YEAR})"
)


@dataclass(frozen=True)
class Point:
    start: dt.date
    end: dt.date
    grain: Grain
    explicit_year: bool


def _recent(
    make: Callable[[int], tuple[dt.date, dt.date]], ctx: DateContext
) -> tuple[dt.date, dt.date]:
    """The most recent period (this year's or last year's) that has started by today."""
    start, end = make(ctx.today.year)
    if start > ctx.today:
        start, end = make(ctx.today.year - 1)
    return start, end


def _month_period(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), add_units(dt.date(year, month, 1), "month", 1)


def _fiscal_year(label_year: int, ctx: DateContext) -> tuple[dt.date, dt.date]:
    """FY named by the calendar year in which it ends (FY2025 ends in 2025)."""
    fy = ctx.fiscal_year_start_month
    start = dt.date(label_year if fy == 1 else label_year - 1, fy, 1)
    return start, add_units(start, "year", 1)


def _year4(text: str) -> int:
    digits = text.strip("'")
    return int(digits) if len(digits) == 4 else 2000 + int(digits)


def parse_point(text: str, ctx: DateContext, year: int | None = None) -> Point | None:
    """Resolve one period phrase; `year` fills in a missing year (else the most recent one)."""
    s = re.sub(r"\s+", " ", text.strip().lower().replace(",", ""))
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s):
        try:
            d = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
        return Point(d, d + dt.timedelta(days=1), "day", True)
    if m := re.fullmatch(rf"({MON}) (\d{{1,2}})(?:st|nd|rd|th)? ({YEAR})", s) or re.fullmatch(
        rf"(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?({MON}) ({YEAR})", s
    ):
        mon, day = (m[1], m[2]) if not m[1][0].isdigit() else (m[2], m[1])
        try:
            d = dt.date(int(m[3]), MONTHS[mon.rstrip(".")], int(day))
        except ValueError:
            return None
        return Point(d, d + dt.timedelta(days=1), "day", True)
    if m := re.fullmatch(rf"({MON}) (?:of )?'?({YEAR})", s):
        a, b = _month_period(int(m[2]), MONTHS[m[1].rstrip(".")])
        return Point(a, b, "month", True)
    if m := re.fullmatch(rf"({YEAR})-(\d{{2}})", s):
        if not 1 <= int(m[2]) <= 12:
            return None
        a, b = _month_period(int(m[1]), int(m[2]))
        return Point(a, b, "month", True)
    if m := re.fullmatch(MON, s):
        month = MONTHS[s.rstrip(".")]
        if year is not None:
            a, b = _month_period(year, month)
        else:
            a, b = _recent(lambda y: _month_period(y, month), ctx)
        return Point(a, b, "month", year is not None)
    if m := re.fullmatch(rf"q([1-4])(?: ({YEAR}))?", s) or re.fullmatch(
        rf"({YEAR}) ?-?q([1-4])", s
    ):
        q, y = (m[1], m[2]) if len(m[1]) == 1 else (m[2], m[1])

        def quarter(yr: int) -> tuple[dt.date, dt.date]:
            first = dt.date(yr, (int(q) - 1) * 3 + 1, 1)
            return first, add_units(first, "quarter", 1)

        yy = int(y) if y else year
        a, b = quarter(yy) if yy is not None else _recent(quarter, ctx)
        return Point(a, b, "quarter", yy is not None)
    if m := re.fullmatch(rf"h([12]) ({YEAR})", s):
        first = dt.date(int(m[2]), 1 if m[1] == "1" else 7, 1)
        return Point(first, add_units(first, "month", 6), "quarter", True)
    if m := re.fullmatch(r"(?:fy|fiscal year|fiscal) ?('?\d{4}|'?\d{2})", s):
        a, b = _fiscal_year(_year4(m[1]), ctx)
        return Point(a, b, "year", True)
    if re.fullmatch(YEAR, s):
        return Point(dt.date(int(s), 1, 1), dt.date(int(s) + 1, 1, 1), "year", True)
    return None
