"""Locale-aware formatting of metric values and time periods (Babel)."""

from __future__ import annotations

import copy
import datetime as dt
import math
from decimal import Decimal, InvalidOperation
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_compact_currency, format_compact_decimal, parse_pattern

from nexatron.semantic.model import Format, Grain

MISSING = "no value"


def to_decimal(value: Any) -> Decimal | None:
    """A finite Decimal for numbers (and numeric strings); None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _pattern(locale: Locale, fmt: Format) -> str:
    if fmt.kind == "currency":
        return str(locale.currency_formats["standard"].pattern)
    if fmt.kind == "percent":
        return str(locale.percent_formats[None].pattern)
    return str(locale.decimal_formats[None].pattern)


def _default_decimals(number: Decimal, fmt: Format) -> int:
    if fmt.kind == "currency":
        return 2
    if fmt.kind == "percent":
        return 1
    return 0 if number == number.to_integral_value() else 2


def format_value(value: Any, fmt: Format | None, locale: str = "en_US") -> str:
    """`value` shown by its metric's format: currency with code and decimals, percent (value is a
    fraction: 0.342 -> 34.2%), or a grouped number. Non-numbers are returned as text."""
    number = to_decimal(value)
    if number is None:
        return MISSING if value is None else str(value)
    fmt = fmt or Format()
    loc = Locale.parse(locale)
    decimals = fmt.decimals if fmt.decimals is not None else _default_decimals(number, fmt)
    pattern = copy.copy(parse_pattern(_pattern(loc, fmt)))
    pattern.frac_prec = (decimals, decimals)
    currency = (fmt.currency or "USD") if fmt.kind == "currency" else None
    return str(pattern.apply(number, loc, currency=currency, currency_digits=False))


def format_compact(value: Any, fmt: Format | None, locale: str = "en_US") -> str:
    """A short form for totals in sentences: $4.1M, 12K, 34.2%."""
    number = to_decimal(value)
    if number is None:
        return format_value(value, fmt, locale)
    fmt = fmt or Format()
    if fmt.kind == "percent" or abs(number) < 10_000:
        return format_value(value, fmt, locale)
    if fmt.kind == "currency":
        return str(
            format_compact_currency(number, fmt.currency or "USD", locale=locale, fraction_digits=1)
        )
    return str(format_compact_decimal(number, locale=locale, fraction_digits=1))


def format_count(count: int, locale: str = "en_US") -> str:
    """A row or item count with grouping (1,234)."""
    return format_value(count, Format(kind="number", decimals=0), locale)


def format_share(part: Decimal, whole: Decimal, locale: str = "en_US") -> str:
    """`part` as a percentage of `whole` with one decimal."""
    return format_value(part / whole, Format(kind="percent", decimals=1), locale)


def as_date(value: Any) -> dt.date | None:
    """A date from a date, datetime or ISO string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip()).date()
        except ValueError:
            return None
    return None


def format_period(value: Any, grain: Grain | None, locale: str = "en_US") -> str:
    """A time bucket named for its grain: 'Jan 2026', 'Q1 2026', '2026', 'Jan 5, 2026'."""
    day = as_date(value)
    if day is None:
        return MISSING if value is None else str(value)
    if grain == "year":
        return str(day.year)
    if grain == "quarter":
        return f"Q{math.ceil(day.month / 3)} {day.year}"
    if grain == "month":
        return str(format_date(day, "MMM y", locale=locale))
    if grain == "week":
        return f"week of {format_date(day, 'medium', locale=locale)}"
    return str(format_date(day, "medium", locale=locale))


def plural(noun: str) -> str:
    """A simple English plural for dimension labels: region -> regions, category -> categories."""
    lower = noun.lower()
    if lower.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def is_plural_label(label: str) -> bool:
    """Whether a metric label reads as plural ('Total sales' were, 'Number of orders' was)."""
    head = label.lower().split(" of ")[0].split()
    word = head[-1] if head else ""
    return word.endswith("s") and not word.endswith("ss")
