"""Correctness signals shown with an answer: truncation, missing keys, assumptions made."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nexatron.answer.formatting import format_count
from nexatron.semantic.model import OutputColumn, SemanticQuery


def _inclusive_end(end: dt.date | dt.datetime) -> dt.date | dt.datetime:
    if isinstance(end, dt.datetime):
        return end
    return end - dt.timedelta(days=1)


def warnings(
    query: SemanticQuery,
    columns: list[OutputColumn],
    rows: list[list[Any]],
    *,
    truncated: bool,
    locale: str = "en_US",
) -> list[str]:
    """Plain-language warnings, most important first."""
    found: list[str] = []
    if truncated:
        found.append(
            f"Only the first {format_count(len(rows), locale)} rows are shown; "
            "the full result is larger."
        )
    tie = tie_warning(query, columns, rows, locale)
    if tie:
        found.append(tie)
    time_range = query.time.range if query.time else None
    if time_range and (time_range.start or time_range.end):
        start = time_range.start.isoformat() if time_range.start else "the beginning"
        end = _inclusive_end(time_range.end).isoformat() if time_range.end else "today"
        phrase = f"'{time_range.label}'" if time_range.label else "the time range"
        found.append(f"Interpreted {phrase} as {start} to {end}.")
    for index, column in enumerate(columns):
        if column.role != "dimension":
            continue
        empty = sum(1 for row in rows if row[index] is None)
        if empty:
            noun = "row has" if empty == 1 else "rows have"
            found.append(f"{format_count(empty, locale)} {noun} no {column.label}.")
    return found


def tie_warning(
    query: SemanticQuery, columns: list[OutputColumn], rows: list[list[Any]], locale: str
) -> str | None:
    """A top-N cut (RANK, not LIMIT) that fell inside a tie returns more than N rows: say so,
    and that every tied row was kept rather than one picked arbitrarily."""
    if query.limit is None or not query.order or len(rows) <= query.limit:
        return None
    field = query.order[0].field
    label = next((c.label for c in columns if c.ref == field), field)
    asked = "the top" if query.order[0].desc else "the bottom"
    shown = format_count(len(rows), locale)
    if query.limit == 1:
        return f"{shown} rows tie for {asked} on {label}; all of them are shown."
    return (
        f"{asked.capitalize()} {format_count(query.limit, locale)} by {label} ends in a tie:"
        f" all {shown} rows tied at the cut are shown."
    )
