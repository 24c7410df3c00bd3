"""Relative and absolute date phrases in a question, each resolved to one half-open range.

Rules (regular expressions with a handler each) are tried over the whole text; the longest
non-overlapping matches win (`find_time_expressions`); `resolve` reads a phrase that is exactly one
range. Ranges are local dates in the tenant's zone, computed from the injected `now`
(`date_arithmetic.DateContext`), and every label says how the phrase was read:

- 'today', 'yesterday'; 'this week|month|quarter|year' is the whole current period (scheduled
  events later in it count; 'so far this year', 'year to date' end with today); 'last week' is the
  previous whole week (Monday to Sunday with the default week start), 'last month', 'last
  quarter', 'last year' the previous whole period; 'next month' the next whole one.
- 'past N days|weeks|months' (and 'trailing', 'rolling') is rolling and includes today: 'past 7
  days' on Wednesday 2026-06-17 is 2026-06-11 to 2026-06-17. 'last N days' (and 'previous',
  'prior') is today and the N days before it ('last 7 days': 2026-06-10 to 2026-06-17), so that
  'last 7 days, not counting today' takes today away from it; 'last N weeks|months' is the N
  complete periods before the current one. Every label says which reading was taken.
- Qualifiers make one range, never two: 'past 30 days, inclusive of 30 days ago' is today and
  the 30 days before it (from 2026-05-18); 'last 7 days, excluding today' / 'not counting today'
  the 7 whole days before today.
- 'since the start of last month', 'since March 2025' are open-ended (from that day on); 'before
  2024' ends where 2024 starts; 'between March and June 2025' includes both months.
Single periods ('March 2025', 'Q3', 'FY2025') are read by `date_points.py`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from nexatron.errors import Unprocessable
from nexatron.semantic.date_arithmetic import (
    GRAIN_ORDER,
    UNITS,
    DateContext,
    add_units,
    describe,
    make_range,
    period_start,
)
from nexatron.semantic.date_points import MONTHS, POINT, YEAR, parse_point
from nexatron.semantic.model import Grain, TimeRange

__all__ = [
    "GRAIN_ORDER",
    "MONTHS",
    "DateContext",
    "add_units",
    "describe",
    "find_time_expressions",
    "parse_point",
    "period_start",
    "resolve",
]

Span = tuple[int, int]

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
    if re.fullmatch(YEAR, s):
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
    return (m.span(), make_range(p.start, p.end, label), p.grain)


def _between(m: re.Match[str], ctx: DateContext, text: str) -> Found | None:
    if not (_point_ok(text, m, "a", ctx) or m["a"].lower().startswith("q")):
        return None
    for g in ("a", "b"):
        if re.fullmatch(YEAR, m[g]) and not _bare_year_ok(text, m.start(), int(m[g]), ctx):
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
    return (m.span(), make_range(pa.start, pb.end, label), grain)


def _open(m: re.Match[str], ctx: DateContext, text: str) -> Found | None:
    p = parse_point(m["a"], ctx)
    if p is None or (not _point_ok(text, m, "a", ctx) and m["a"].lower() not in MONTHS):
        return None
    op = m["op"].lower().split()[0]
    label = m[0].lower() + ("" if p.explicit_year else f" ({p.start.year})")
    if op in {"since", "from", "starting"}:
        return (m.span(), make_range(p.start, None, label), p.grain)
    if op == "after":
        return (m.span(), make_range(p.end, None, label), p.grain)
    if op in {"before", "prior"}:
        return (m.span(), make_range(None, p.start, label), p.grain)
    return (m.span(), make_range(None, p.end, label + " (inclusive)"), p.grain)


def _open_rel(m: re.Match[str], ctx: DateContext, text: str) -> Found | None:
    inner = _this_last(m, ctx, text)
    if inner is None:
        return None
    rng = inner[1]
    op = m["op"].lower()
    label = m[0].lower()
    if op == "since":
        return (m.span(), make_range(rng.start, None, label), inner[2])
    if op == "after":  # 'after last month': from the day the period ends
        return (m.span(), make_range(rng.end, None, label), inner[2])
    return (m.span(), make_range(None, rng.start, label), inner[2])  # before


def _open_day(m: re.Match[str], ctx: DateContext, text: str) -> Found | None:
    """'after today', 'since yesterday', 'from now on', 'before tomorrow': open-ended from or
    up to a day word ('now' is today)."""
    offset = {"today": 0, "now": 0, "yesterday": -1, "tomorrow": 1}[m["w"].lower()]
    day = ctx.today + dt.timedelta(days=offset)
    op, label = m["op"].lower(), m[0].lower()
    if op == "after" and m["w"].lower() != "now":
        return (m.span(), make_range(day + dt.timedelta(days=1), None, label), "day")
    if op in {"since", "from", "after"}:
        return (m.span(), make_range(day, None, label), "day")
    if op == "before":
        return (m.span(), make_range(None, day, label), "day")
    return (m.span(), make_range(None, day + dt.timedelta(days=1), label), "day")  # until


def _last_n(m: re.Match[str], ctx: DateContext, text: str) -> Found | None:
    n, unit, d = _n(m["n"].lower()), _unit(m["unit"].lower()), m["dir"].lower()
    today, label = ctx.today, m[0].lower()
    if n < 1:
        return None
    plural = f"{unit}{'s' if n > 1 else ''}"
    try:
        if unit == "day" and d in {"last", "previous", "prior"}:  # the dev-set convention
            start = today - dt.timedelta(days=n)
            label += f" (today and the {n} {plural} before it)"
            return (m.span(), make_range(start, ctx.tomorrow, label), "day")
        if d in {"past", "trailing", "rolling"}:  # rolling, today included
            start = add_units(ctx.tomorrow, unit, -n)
            label += f" (rolling {n} {plural} including today)"
            return (m.span(), make_range(start, ctx.tomorrow, label), _grain(unit))
        current = period_start(today, unit, ctx)
        if d in {"next", "coming"}:
            start = add_units(current, unit, 1)
            return (m.span(), make_range(start, add_units(start, unit, n), label), _grain(unit))
        start = add_units(current, unit, -n)
    except (OverflowError, ValueError):
        return None
    label += f" ({n} complete {plural} before the current one)"
    return (m.span(), make_range(start, current, label), _grain(unit))


def _this_last(m: re.Match[str], ctx: DateContext, text: str) -> Found | None:
    d, unit = m["dir"].lower(), _unit(m["unit"].lower())
    if m["fiscal"] and unit == "year":
        unit = "fiscal_year"
    today, label = ctx.today, m[0].lower()
    if d == "past":
        step = "year" if unit == "fiscal_year" else unit
        label += f" (rolling {step} including today)"
        start = add_units(ctx.tomorrow, step, -1)
        return (m.span(), make_range(start, ctx.tomorrow, label), _grain(unit))
    shift = {"this": 0, "current": 0, "last": -1, "previous": -1, "prior": -1}.get(d, 1)
    start = add_units(period_start(today, unit, ctx), unit, shift)
    return (m.span(), make_range(start, add_units(start, unit, 1), label), _grain(unit))


def _grain(unit: str) -> Grain:
    return "year" if unit == "fiscal_year" else UNITS[unit]


def _day_word(m: re.Match[str], ctx: DateContext, text: str) -> Found | None:
    offset = {"today": 0, "yesterday": -1, "tomorrow": 1}[m["w"].lower()]
    day = ctx.today + dt.timedelta(days=offset)
    return (m.span(), make_range(day, day + dt.timedelta(days=1), m[0].lower()), "day")


def _to_date(m: re.Match[str], ctx: DateContext, text: str) -> Found | None:
    abbr = (m["abbr"] or "").lower()
    unit = {"ytd": "year", "qtd": "quarter", "mtd": "month", "wtd": "week"}.get(abbr)
    unit = unit or (m["unit"] or m["unit2"]).lower()
    end = ctx.today + dt.timedelta(days=1)
    label = f"{m[0].lower()} ({unit} to date, including today)"
    return (m.span(), make_range(period_start(ctx.today, unit, ctx), end, label), _grain(unit))


def _ago(m: re.Match[str], ctx: DateContext, text: str) -> Found | None:
    unit = _unit(m["unit"].lower())
    try:
        start = add_units(period_start(ctx.today, unit, ctx), unit, -_n(m["n"].lower()))
    except (OverflowError, ValueError):
        return None
    return (m.span(), make_range(start, add_units(start, unit, 1), m[0].lower()), _grain(unit))


def _ordinal_quarter(m: re.Match[str], ctx: DateContext, text: str) -> Found | None:
    q = ORDINALS[m["ord"].lower()]
    p = parse_point(f"q{q} {m['y']}" if m["y"] else f"q{q}", ctx)
    if p is None:
        return None
    label = m[0].lower() + ("" if m["y"] else f" ({p.start.year})")
    return (m.span(), make_range(p.start, p.end, label), "quarter")


def _half(m: re.Match[str], ctx: DateContext, text: str) -> Found | None:
    second = (m["ord"] or m["h"] or "").lower() in {"second", "2nd", "latter", "h2"}
    y = m["y"] or m["y2"]
    year = int(y) if y else ctx.today.year
    start = dt.date(year, 7 if second else 1, 1)
    end = dt.date(year + 1, 1, 1) if second else dt.date(year, 7, 1)
    label = m[0].lower() + ("" if y else f" ({year})")
    return (m.span(), make_range(start, end, label), "quarter")


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
    return (m.span(), make_range(start, end, label), "day")


RULES: list[tuple[re.Pattern[str], Handler]] = [
    (
        re.compile(
            rf"\b(?:in\s+)?(?:the\s+)?(?:past|last|trailing|rolling|previous)\s+(?P<n>{_N})\s+days?"
            r"\s*,?\s*(?P<q>(?:inclusive\s+of|including|incl\.?)\s+(?:the\s+day\s+)?"
            rf"(?P<ago>{_N})\s+days?\s+ago"
            r"|(?:excluding|except|not\s+(?:including|counting)|without|but\s+not)\s+today)\b"
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
            r"\b(?P<op>since|after|before|until|till|from)\s+(?P<w>today|yesterday|tomorrow|now)"
            r"(?:\s+on(?:wards)?)?\b"
        ),
        _open_day,
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
            rf"\b(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter(?:\s+(?:of\s+)?(?P<y>{YEAR}))?\b"
        ),
        _ordinal_quarter,
    ),
    (
        re.compile(
            rf"\b(?:(?:the\s+)?(?P<ord>first|second|1st|2nd|latter)\s+half(?:\s+(?:of\s+)?"
            rf"(?P<y>{YEAR}))?|(?P<h>h1|h2)(?:\s+(?P<y2>{YEAR}))?)\b"
        ),
        _half,
    ),
    (re.compile(rf"\b(?:calendar\s+)?year\s+(?P<a>{YEAR})\b"), _single),
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
