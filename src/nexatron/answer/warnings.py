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
