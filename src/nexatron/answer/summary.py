"""One summary sentence rendered from the result's facts, numbers formatted by metric and locale."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from nexatron.answer.facts import facts, range_phrase
from nexatron.answer.formatting import (
    format_compact,
    format_count,
    format_period,
    format_share,
    format_value,
    is_plural_label,
    plural,
)
from nexatron.answer.listing import rows_sentence
from nexatron.semantic.model import OutputColumn, SemanticLayer, SemanticQuery


def _column(columns: list[OutputColumn], ref: str, role: str = "metric") -> OutputColumn:
    return next(c for c in columns if c.ref == ref and c.role == role)


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _range_words(range_label: str) -> str:
    """ "2025" -> "in 2025", "Q3 2025" -> "in Q3 2025"; "last quarter" stays as it is."""
    low = range_label.lower()
    bare = (
        low[:1].isdigit()
        or low.startswith(_MONTHS)
        or (low[:1] == "q" and low[1:2].isdigit())
        or (low.startswith("fy") and low[2:3].strip().isdigit())
    )
    return f"in {range_label}" if bare else range_label


def _mid(label: str) -> str:
    """A label inside a sentence: "Total sales" -> "total sales", but "AOV" stays."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _with_range(label: str, range_label: str | None) -> str:
    return f"{label} {_range_words(range_label)}" if range_label else label


def summarize(
    question_hint: str | None,
    query: SemanticQuery,
    columns: list[OutputColumn],
    rows: list[list[Any]],
    *,
    range_label: str | None,
    locale: str = "en_US",
    truncated: bool,
    layer: SemanticLayer | None = None,
) -> str:
    """One sentence about the result. Pass `layer` to allow shares of a total (sum/count only)."""
    if query.shape == "rows" and rows:
        return rows_sentence(
            query,
            columns,
            rows,
            range_label=range_phrase(query, range_label),
            truncated=truncated,
            locale=locale,
            layer=layer,
        )
    fact = facts(
        question_hint,
        query,
        columns,
        rows,
        range_label=range_label,
        truncated=truncated,
        layer=layer,
    )
    kind = fact["kind"]
    phrase = fact["range_label"]
    if kind == "empty":
        where = f" for {_range_words(phrase)}" if phrase else ""
        return f"No rows matched this query{where}."
    if kind == "single_value":
        parts = []
        for position, (ref, value) in enumerate(fact["values"].items()):
            column = _column(columns, ref)
            label = _with_range(column.label, phrase) if position == 0 else column.label
            verb = "were" if is_plural_label(column.label) else "was"
            parts.append(f"{label} {verb} {format_value(value, column.format, locale)}")
        return "; ".join(parts) + "."
    if kind == "breakdown":
        return _breakdown_sentence(fact, columns, locale)
    if kind == "time_series":
        return _series_sentence(fact, columns, locale)
    count = format_count(fact["row_count"], locale)
    noun = "row" if fact["row_count"] == 1 else "rows"
    shown = " (truncated)" if truncated else ""
    return f"The query returned {count} {noun}{shown}."


def _breakdown_sentence(fact: dict[str, Any], columns: list[OutputColumn], locale: str) -> str:
    metric = _column(columns, fact["metric"])
    dimension = _column(columns, fact["dimension"], "dimension")
    top = fact["top"]
    key = "(no value)" if top["key"] is None else str(top["key"])
    label = _with_range(_mid(metric.label), fact["range_label"])
    value = format_value(top["value"], metric.format, locale)
    if fact.get("tied"):
        names = ["(no value)" if k is None else str(k) for k in fact["tied"]]
        listed = ", ".join(names[:-1]) + f" and {names[-1]}"
        return f"{listed} tie for the {top['rank']} {label} ({value})."
    if fact["groups"] == 1 and fact.get("ranked"):
        return f"{key} had the {top['rank']} {label} ({value})."
    if fact["groups"] == 1:
        return f"Only {key} matched, with {label} of {value}."
    detail = value
    if fact["share"] is not None:
        share = format_share(top["value"], fact["total"], locale)
        detail = f"{value}, {share} of {format_compact(fact['total'], metric.format, locale)}"
    groups = format_count(fact["groups"], locale)
    noun = plural(dimension.label.lower())
    shown = " shown" if fact["truncated"] else ""
    return f"{key} had the {top['rank']} {label} ({detail}) among {groups} {noun}{shown}."


def _series_sentence(fact: dict[str, Any], columns: list[OutputColumn], locale: str) -> str:
    metric = _column(columns, fact["metric"])
    first, last = fact["first"], fact["last"]
    start = format_period(first["period"], fact["grain"], locale)
    end = format_period(last["period"], fact["grain"], locale)
    first_value = format_value(first["value"], metric.format, locale)
    last_value = format_value(last["value"], metric.format, locale)
    change = fact["change"]
    if last["value"] == first["value"]:
        be = "were" if is_plural_label(metric.label) else "was"
        return f"{metric.label} {be} unchanged from {start} to {end} at {last_value}."
    if change is None:
        return f"{metric.label} went from {first_value} in {start} to {last_value} in {end}."
    verb = "rose" if change > 0 else "fell"
    pct = format_share(abs(change), Decimal(1), locale)
    return f"{metric.label} {verb} {pct} from {start} ({first_value}) to {end} ({last_value})."
