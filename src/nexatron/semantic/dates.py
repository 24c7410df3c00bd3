"""Relative and absolute date phrases resolved to half-open `[start, end)` local-date ranges.

Every range is computed from an injected `now` in the tenant's time zone, so results are
deterministic. "last N units" means N complete periods before the current one; "past N units" is
rolling and includes today. Both semantics are echoed in the range label.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from nexatron.errors import Unprocessable
from nexatron.semantic.model import Grain, TimeRange

Span = tuple[int, int]

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
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "sixty": 60,
    "ninety": 90,
}
ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
}
UNITS: dict[str, Grain] = {"day": "day", "week": "week", "month": "month", "quarter": "quarter"}
UNITS["year"] = "year"


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


def add_units(d: dt.date, unit: str, n: int) -> dt.date:
    """`d` moved by `n` calendar units (month arithmetic clamps the day)."""
    if unit == "day":
        return d + dt.timedelta(days=n)
    if unit == "week":
        return d + dt.timedelta(weeks=n)
    months = {"month": 1, "quarter": 3, "year": 12, "fiscal_year": 12}[unit] * n
    total = d.year * 12 + d.month - 1 + months
    year, month = divmod(total, 12)
    last = _month_end(year, month + 1).day
    return dt.date(year, month + 1, min(d.day, last))


def _month_end(year: int, month: int) -> dt.date:
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


def _iso(d: dt.date) -> str:
    return d.isoformat()


def _rng(start: dt.date | None, end: dt.date | None, label: str) -> TimeRange:
    return TimeRange(start=start, end=end, label=label)


def describe(tr: TimeRange) -> str:
    """The range in words with inclusive dates: 'last quarter: 2026-07-01 to 2026-09-30'."""
    label = tr.label or "range"
    start, end = tr.start, tr.end
    last = end - dt.timedelta(days=1) if isinstance(end, dt.date) else None
    if start is not None and last is not None:
        return f"{label}: {_iso(start)} to {_iso(last)}"
    if start is not None:
        return f"{label}: from {_iso(start)} onwards"
    if last is not None:
        return f"{label}: up to and including {_iso(last)}"
    return f"{label}: all time"


# ---------------------------------------------------------------------------------------------
# Points: a phrase naming one period ("March 2025", "Q3", "2024", "2025-03-05", "FY2025").

_MON = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_YEAR = r"(?:19|20)\d{2}"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
POINT = (
    rf"(?:\d{{4}}-\d{{2}}-\d{{2}}|{_MON}\s+{_DAY},?\s+{_YEAR}|{_DAY}\s+(?:of\s+)?{_MON},?\s+{_YEAR}"
    rf"|{_MON}\s+(?:of\s+)?'?{_YEAR}|{_MON}|q[1-4](?:\s+{_YEAR})?|{_YEAR}\s*-?q[1-4]"
    rf"|h[12]\s+{_YEAR}|(?:fy|fiscal\s+year|fiscal)\s*'?(?:\d{{4}}|\d{{2}})|{_YEAR}-\d{{2}}|{_YEAR})"
)


@dataclass(frozen=True)
class _Point:
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


def parse_point(text: str, ctx: DateContext, year: int | None = None) -> _Point | None:
    """Resolve one period phrase; `year` fills in a missing year (else the most recent one)."""
    s = re.sub(r"\s+", " ", text.strip().lower().replace(",", ""))
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s):
        try:
            d = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
        return _Point(d, d + dt.timedelta(days=1), "day", True)
    if m := re.fullmatch(rf"({_MON}) (\d{{1,2}})(?:st|nd|rd|th)? ({_YEAR})", s) or re.fullmatch(
        rf"(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?({_MON}) ({_YEAR})", s
    ):
        mon, day = (m[1], m[2]) if not m[1][0].isdigit() else (m[2], m[1])
        try:
            d = dt.date(int(m[3]), MONTHS[mon.rstrip(".")], int(day))
        except ValueError:
            return None
        return _Point(d, d + dt.timedelta(days=1), "day", True)
    if m := re.fullmatch(rf"({_MON}) (?:of )?'?({_YEAR})", s):
        a, b = _month_period(int(m[2]), MONTHS[m[1].rstrip(".")])
        return _Point(a, b, "month", True)
    if m := re.fullmatch(rf"({_YEAR})-(\d{{2}})", s):
        if not 1 <= int(m[2]) <= 12:
            return None
        a, b = _month_period(int(m[1]), int(m[2]))
        return _Point(a, b, "month", True)
    if m := re.fullmatch(_MON, s):
        month = MONTHS[s.rstrip(".")]
        if year is not None:
            a, b = _month_period(year, month)
        else:
            a, b = _recent(lambda y: _month_period(y, month), ctx)
        return _Point(a, b, "month", year is not None)
    if m := re.fullmatch(rf"q([1-4])(?: ({_YEAR}))?", s) or re.fullmatch(
        rf"({_YEAR}) ?-?q([1-4])", s
    ):
        q, y = (m[1], m[2]) if len(m[1]) == 1 else (m[2], m[1])

        def quarter(yr: int) -> tuple[dt.date, dt.date]:
            first = dt.date(yr, (int(q) - 1) * 3 + 1, 1)
            return first, add_units(first, "quarter", 1)

        yy = int(y) if y else year
        a, b = quarter(yy) if yy is not None else _recent(quarter, ctx)
        return _Point(a, b, "quarter", yy is not None)
    if m := re.fullmatch(rf"h([12]) ({_YEAR})", s):
        first = dt.date(int(m[2]), 1 if m[1] == "1" else 7, 1)
        return _Point(first, add_units(first, "month", 6), "quarter", True)
    if m := re.fullmatch(r"(?:fy|fiscal year|fiscal) ?('?\d{4}|'?\d{2})", s):
        a, b = _fiscal_year(_year4(m[1]), ctx)
        return _Point(a, b, "year", True)
    if re.fullmatch(_YEAR, s):
        return _Point(dt.date(int(s), 1, 1), dt.date(int(s) + 1, 1, 1), "year", True)
    return None


# ---------------------------------------------------------------------------------------------
# Phrases: rules tried over the whole text; the longest non-overlapping matches win.

_N = (
    r"(?:\d{1,4}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen"
    r"|twenty|thirty|sixty|ninety)"
)
_UNIT = r"(?:day|week|month|quarter|year)s?"
_REL = r"(?:this|current|last|previous|prior|next|coming|past)"
_TIME_PREPS = {
    "in",
    "during",
    "for",
    "of",
    "since",
    "until",
    "till",
    "before",
    "after",
    "from",
    "through",
    "on",
    "between",
    "and",
    "to",
    "throughout",
    "within",
    "year",
    "fy",
}
_COMPARATORS = {
    "over",
    "above",
    "under",
    "below",
    "than",
    "least",
    "most",
    "exceeding",
    "exceeds",
    "exceeded",
    "top",
    "bottom",
    "first",
    "with",
    "equals",
    "equal",
    "exactly",
    "approximately",
    "$",
    "€",
    "£",
    ">",
    "<",
    "=",
    "minus",
    "plus",
}

Found = tuple[Span, TimeRange, Grain | None]


def _n(text: str) -> int:
    return int(text) if text.isdigit() else NUMBER_WORDS[text]


def _unit(text: str) -> str:
    return text.rstrip("s") if text != "fy" else "fiscal_year"


def _prev_word(text: str, pos: int) -> str:
    before = text[:pos].rstrip()
    if before.endswith(("$", "€", "£", ">", "<", "=")):
        return before[-1]
    words = re.findall(r"[a-z0-9']+", before.lower())
    return words[-1] if words else ""


def _bare_year_ok(text: str, start: int, year: int, ctx: DateContext) -> bool:
    prev = _prev_word(text, start)
    if prev in _TIME_PREPS - {"between", "and", "to", "from", "of", "on", "through"}:
        return True
    if prev in _COMPARATORS or text[start + 4 : start + 5] in {"%", "."}:
        return False
    return ctx.today.year - 20 <= year <= ctx.today.year + 5


def _point_ok(text: str, m: re.Match[str], group: str, ctx: DateContext) -> bool:
    s = m[group].lower().rstrip(".")
    if re.fullmatch(_YEAR, s):
        return _bare_year_ok(text, m.start(group), int(s), ctx)
    if s in MONTHS and (s == "may" or len(s) <= 4) and s != "june" and s != "july":
        return _prev_word(text, m.start(group)) in _TIME_PREPS
    return True


def _single(m: re.Match[str], ctx: DateContext, text: str) -> Found | None:
    if not _point_ok(text, m, "a", ctx):
        return None
    p = parse_point(m["a"], ctx)
    label = m[0].lower()
    if p is None:
        return None
    if not p.explicit_year:
        label = f"{label} ({p.start.year})"
    return (m.span(), _rng(p.start, p.end, label), p.grain)


def _between(m: re.Match[str], ctx: DateContext, text: str) -> Found | None:
    if not (_point_ok(text, m, "a", ctx) or m["a"].lower().startswith("q")):
        return None
    for g in ("a", "b"):
        if re.fullmatch(_YEAR, m[g]) and not _bare_year_ok(text, m.start(), int(m[g]), ctx):
            return None
    pa, pb = parse_point(m["a"], ctx), parse_point(m["b"], ctx)
    if pa is None or pb is None:
        return None
    if pb.explicit_year and not pa.explicit_year:
        pa = parse_point(m["a"], ctx, pb.start.year)
        if pa and pa.start > pb.start:
            pa = parse_point(m["a"], ctx, pb.start.year - 1)
    elif pa.explicit_year and not pb.explicit_year:
        pb = parse_point(m["b"], ctx, pa.start.year)
        if pb and pb.start < pa.start:
            pb = parse_point(m["b"], ctx, pa.start.year + 1)
    elif not pa.explicit_year and pa.start > pb.start:
        pa = parse_point(m["a"], ctx, pb.start.year - 1)
    if pa is None or pb is None or pb.end <= pa.start:
        return None
    label = f"{m[0].lower()} (inclusive)"
    grain = pa.grain if GRAIN_ORDER[pa.grain] < GRAIN_ORDER[pb.grain] else pb.grain
    return (m.span(), _rng(pa.start, pb.end, label), grain)


GRAIN_ORDER = {"day": 0, "week": 1, "month": 2, "quarter": 3, "year": 4}


def _open(m: re.Match[str], ctx: DateContext, text: str) -> Found | None:
    p = parse_point(m["a"], ctx)
    if p is None or (not _point_ok(text, m, "a", ctx) and m["a"].lower() not in MONTHS):
        return None
    op = m["op"].lower().split()[0]
    label = m[0].lower() + ("" if p.explicit_year else f" ({p.start.year})")
    if op in {"since", "from", "starting"}:
        return (m.span(), _rng(p.start, None, label), p.grain)
    if op == "after":
        return (m.span(), _rng(p.end, None, label), p.grain)
    if op in {"before", "prior"}:
        return (m.span(), _rng(None, p.start, label), p.grain)
    return (m.span(), _rng(None, p.end, label + " (inclusive)"), p.grain)


def _open_rel(m: re.Match[str], ctx: DateContext, text: str) -> Found | None:
    inner = _this_last(m, ctx, text)
    if inner is None:
        return None
    rng = inner[1]
    op = m["op"].lower()
    label = m[0].lower()
    if op == "since":
        return (m.span(), _rng(rng.start, None, label), inner[2])
    return (m.span(), _rng(None, rng.start, label), inner[2])  # before


def _last_n(m: re.Match[str], ctx: DateContext, text: str) -> Found | None:
    n, unit, d = _n(m["n"].lower()), _unit(m["unit"].lower()), m["dir"].lower()
    today, label = ctx.today, m[0].lower()
    if n < 1:
        return None
    try:
        if d in {"past", "trailing", "rolling"}:
            end = today + dt.timedelta(days=1)
            word = "day" if n == 1 else "days"
            start = add_units(end, unit, -n)
            label += f" (rolling {n} {unit}{'s' if n > 1 else ''} including today; {word} counted)"
            return (m.span(), _rng(start, end, label.replace(f"; {word} counted", "")), unit)  # type: ignore[return-value]
        current = period_start(today, unit, ctx)
        if d in {"next", "coming"}:
            start = add_units(current, unit, 1)
            return (m.span(), _rng(start, add_units(start, unit, n), label), unit)  # type: ignore[return-value]
        start = add_units(current, unit, -n)
    except (OverflowError, ValueError):
        return None
    label += f" ({n} complete {unit}{'s' if n > 1 else ''} before the current one)"
    return (m.span(), _rng(start, current, label), unit)  # type: ignore[return-value]


def _this_last(m: re.Match[str], ctx: DateContext, text: str) -> Found | None:
    d, unit = m["dir"].lower(), _unit(m["unit"].lower())
    if m["fiscal"] and unit == "year":
        unit = "fiscal_year"
    today, label = ctx.today, m[0].lower()
    if d == "past":
        end = today + dt.timedelta(days=1)
        step = "year" if unit == "fiscal_year" else unit
        label += f" (rolling {step} including today)"
        return (m.span(), _rng(add_units(end, step, -1), end, label), _grain(unit))
    shift = {"this": 0, "current": 0, "last": -1, "previous": -1, "prior": -1}.get(d, 1)
    start = add_units(period_start(today, unit, ctx), unit, shift)
    return (m.span(), _rng(start, add_units(start, unit, 1), label), _grain(unit))


def _grain(unit: str) -> Grain:
    return "year" if unit == "fiscal_year" else UNITS[unit]


def _day_word(m: re.Match[str], ctx: DateContext, text: str) -> Found | None:
    offset = {"today": 0, "yesterday": -1, "tomorrow": 1}[m["w"].lower()]
    day = ctx.today + dt.timedelta(days=offset)
    return (m.span(), _rng(day, day + dt.timedelta(days=1), m[0].lower()), "day")


def _to_date(m: re.Match[str], ctx: DateContext, text: str) -> Found | None:
    abbr = (m["abbr"] or "").lower()
    unit = {"ytd": "year", "qtd": "quarter", "mtd": "month", "wtd": "week"}.get(abbr)
    unit = unit or (m["unit"] or m["unit2"]).lower()
    end = ctx.today + dt.timedelta(days=1)
    label = f"{m[0].lower()} ({unit} to date, including today)"
    return (m.span(), _rng(period_start(ctx.today, unit, ctx), end, label), _grain(unit))


def _ago(m: re.Match[str], ctx: DateContext, text: str) -> Found | None:
    unit = _unit(m["unit"].lower())
    try:
        start = add_units(period_start(ctx.today, unit, ctx), unit, -_n(m["n"].lower()))
    except (OverflowError, ValueError):
        return None
    return (m.span(), _rng(start, add_units(start, unit, 1), m[0].lower()), _grain(unit))


def _ordinal_quarter(m: re.Match[str], ctx: DateContext, text: str) -> Found | None:
    q = ORDINALS[m["ord"].lower()]
    p = parse_point(f"q{q} {m['y']}" if m["y"] else f"q{q}", ctx)
    if p is None:
        return None
    label = m[0].lower() + ("" if m["y"] else f" ({p.start.year})")
    return (m.span(), _rng(p.start, p.end, label), "quarter")


def _half(m: re.Match[str], ctx: DateContext, text: str) -> Found | None:
    second = (m["ord"] or m["h"] or "").lower() in {"second", "2nd", "latter", "h2"}
    y = m["y"] or m["y2"]
    year = int(y) if y else ctx.today.year
    start = dt.date(year, 7 if second else 1, 1)
    end = dt.date(year + 1, 1, 1) if second else dt.date(year, 7, 1)
    label = m[0].lower() + ("" if y else f" ({year})")
    return (m.span(), _rng(start, end, label), "quarter")


Handler = Callable[[re.Match[str], DateContext, str], Found | None]
_SEP = r"(?:and|to|through|thru|until|till|-|\u2013)"


def _qualified_days(m: re.Match[str], ctx: DateContext, text: str) -> Found | None:
    """'past 30 days, inclusive of 30 days ago' (today and the 30 days before it) and
    'last 7 days excluding today' (the 7 whole days before today): one range each."""
    n, today = _n(m["n"].lower()), ctx.today
    if n < 1 or (m["ago"] and _n(m["ago"].lower()) != n):
        return None
    label = re.sub(r"\s+", " ", m[0].lower())
    try:
        if m["q"].startswith(("excluding", "except", "not", "without", "but")):
            start, end = today - dt.timedelta(days=n), today
            label += f" ({n} whole days before today)"
        else:
            start, end = today - dt.timedelta(days=n), today + dt.timedelta(days=1)
            label += f" (today and the {n} days before it)"
    except OverflowError:
        return None
    return (m.span(), _rng(start, end, label), "day")


RULES: list[tuple[re.Pattern[str], Handler]] = [
    (
        re.compile(
            rf"\b(?:in\s+)?(?:the\s+)?(?:past|last|trailing|rolling|previous)\s+(?P<n>{_N})\s+days?"
            r"\s*,?\s*(?P<q>(?:inclusive\s+of|including|incl\.?)\s+(?:the\s+day\s+)?"
            rf"(?P<ago>{_N})\s+days?\s+ago"
            r"|(?:excluding|except|not\s+including|without|but\s+not)\s+today)\b"
        ),
        _qualified_days,
    ),
    (re.compile(rf"\b(?:between|from)\s+(?P<a>{POINT})\s+{_SEP}\s+(?P<b>{POINT})\b"), _between),
    (
        re.compile(
            rf"\b(?P<a>{POINT})\s+(?:to|through|thru|until|till|-|\u2013)\s+(?P<b>{POINT})\b"
        ),
        _between,
    ),
    (
        re.compile(
            r"\b(?P<op>since|before|after)\s+(?:the\s+)?(?:(?:start|beginning)\s+of\s+)?(?:the\s+)?"
            r"(?P<dir>this|current|last|previous)\s+(?P<fiscal>fiscal\s+)?(?P<unit>week|month|quarter|year)\b"
        ),
        _open_rel,
    ),
    (
        re.compile(
            rf"\b(?P<op>since|after|before|until|till|prior\s+to|starting(?:\s+(?:in|from))?|from|through)"
            rf"\s+(?P<a>{POINT})\b"
        ),
        _open,
    ),
    (
        re.compile(
            rf"\b(?P<dir>last|past|previous|prior|next|trailing|rolling|coming)\s+(?P<n>{_N})\s+(?P<unit>{_UNIT})\b"
        ),
        _last_n,
    ),
    (
        re.compile(
            rf"\b(?P<dir>{_REL})\s+(?P<fiscal>fiscal\s+)?(?P<unit>day|week|month|quarter|year|fy)\b"
        ),
        _this_last,
    ),
    (re.compile(r"\b(?P<w>today|yesterday|tomorrow)\b"), _day_word),
    (
        re.compile(
            r"\b(?:(?P<abbr>ytd|qtd|mtd|wtd)|(?P<unit>year|quarter|month|week)[\s-]+to[\s-]+date"
            r"|so\s+far\s+this\s+(?P<unit2>year|quarter|month|week))\b"
        ),
        _to_date,
    ),
    (re.compile(rf"\b(?P<n>{_N})\s+(?P<unit>{_UNIT})\s+ago\b"), _ago),
    (
        re.compile(
            rf"\b(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter(?:\s+(?:of\s+)?(?P<y>{_YEAR}))?\b"
        ),
        _ordinal_quarter,
    ),
    (
        re.compile(
            rf"\b(?:(?:the\s+)?(?P<ord>first|second|1st|2nd|latter)\s+half(?:\s+(?:of\s+)?"
            rf"(?P<y>{_YEAR}))?|(?P<h>h1|h2)(?:\s+(?P<y2>{_YEAR}))?)\b"
        ),
        _half,
    ),
    (re.compile(rf"\b(?:calendar\s+)?year\s+(?P<a>{_YEAR})\b"), _single),
    (re.compile(rf"(?<![\w$€£.,-])(?P<a>{POINT})(?![\w%-]|[.,]\d)"), _single),
]


def find_time_expressions(text: str, ctx: DateContext) -> list[Found]:
    """Every date phrase in `text` as (char span, resolved range, the phrase's own grain)."""
    low = text.lower()
    found: list[Found] = []
    for pattern, handler in RULES:
        for m in pattern.finditer(low):
            hit = handler(m, ctx, low)
            if hit is not None:
                found.append(hit)
    found.sort(key=lambda f: (-(f[0][1] - f[0][0]), f[0][0]))
    chosen: list[Found] = []
    for f in found:
        if all(f[0][1] <= c[0][0] or f[0][0] >= c[0][1] for c in chosen):
            chosen.append(f)
    return sorted(chosen, key=lambda f: f[0][0])


def resolve(phrase: str, ctx: DateContext) -> TimeRange:
    """Resolve a phrase that is exactly one date expression (surrounding 'in'/'the' allowed)."""
    text = phrase.strip()
    hits = find_time_expressions(text, ctx)
    rest = text.lower()
    for (a, b), _, _ in reversed(hits):
        rest = rest[:a] + " " + rest[b:]
    leftover = set(re.findall(r"[a-z0-9]+", rest)) - {"in", "the", "during", "for", "over", "of"}
    if len(hits) != 1 or leftover:
        raise Unprocessable(
            {"message": f"Could not read {phrase!r} as one date range.", "phrase": phrase}
        )
    return hits[0][1]
