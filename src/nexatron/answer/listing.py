"""The summary sentence of a row-level answer: what was listed, as asked.

'12 stadiums with capacity above 5000.', '1 singer with no singer in concerts: Carlos Vega.',
'The 2 singers with the lowest age: Kenji Ito and Tribal King.' The sentence names the listed
table's rows (as the parser reads table names), the filters and anti-joins of the query, its
ranking, and the first few labels when there are three or fewer rows.
"""

from __future__ import annotations

from typing import Any

from nexatron.answer.facts import place
from nexatron.answer.formatting import format_count
from nexatron.semantic.model import OutputColumn, QueryFilter, SemanticLayer, SemanticQuery
from nexatron.semantic.naming import entity_names

_OPS = {
    ">": "above",
    ">=": "at least",
    "<": "below",
    "<=": "at most",
    "!=": "other than",
    "not_in": "not",
    "contains": "containing",
    "starts_with": "starting with",
}


def _nouns(table: str, layer: SemanticLayer | None) -> tuple[str, str]:
    tables = {table}
    if layer is not None:
        tables |= {d.table for d in layer.dimensions} | {m.table for m in layer.metrics if m.table}
    return entity_names(sorted(tables)).get(table, (table, table))


def _label(field: str, layer: SemanticLayer | None) -> str:
    dim = layer.dimension(field) if layer else None
    text = dim.label if dim and dim.label else field.replace("_", " ")
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _values(values: list[Any]) -> str:
    shown = [str(v) for v in values]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + f" or {shown[-1]}"


def _filter(f: QueryFilter, layer: SemanticLayer | None) -> str:
    label = _label(f.field, layer)
    if f.op in {"=", "in"}:
        return f"{label} {_values(f.values)}"
    if f.op == "between" and len(f.values) == 2:
        return f"{label} between {f.values[0]} and {f.values[1]}"
    if f.op == "is_null":
        return f"no {label}"
    if f.op == "is_not_null":
        return f"a {label}"
    return f"{label} {_OPS.get(f.op, f.op)} {_values(f.values)}"


def rows_sentence(
    query: SemanticQuery,
    columns: list[OutputColumn],
    rows: list[list[Any]],
    *,
    range_label: str | None,
    truncated: bool,
    locale: str = "en_US",
    layer: SemanticLayer | None = None,
) -> str:
    """One sentence describing a row query's answer."""
    table = query.entity or (layer.dimension(query.columns[0]).table if layer else None)  # type: ignore[union-attr]
    one, many = _nouns(table, layer) if table else ("row", "rows")
    count = len(rows)
    noun = one if count == 1 else many
    parts = [_filter(f, layer) for f in query.filters]
    parts += [f"no {_nouns(a.table, layer)[1]}" for a in query.absent]
    clause = f" with {' and '.join(parts)}" if parts else ""
    when = f" ({range_label})" if range_label else ""
    if query.order and query.rank:
        first = query.order[0]
        head = f"The {noun}{clause}{when} with the {place(query.rank, not first.desc)}"
        text = f"{head} {_label(first.field, layer)}"
    elif query.order and query.limit:
        first = query.order[0]
        rank = "highest" if first.desc else "lowest"
        head = f"The {format_count(query.limit, locale)} {many if query.limit > 1 else one}"
        text = f"{head}{clause}{when} with the {rank} {_label(first.field, layer)}"
        if count > query.limit:
            text += f" ({format_count(count, locale)} rows, tied at the cut)"
    else:
        text = f"{format_count(count, locale)} {noun}{clause}{when}"
        if truncated:
            text += " (only the first are shown)"
    if 0 < count <= 3 and columns:
        names = [str(r[0]) for r in rows]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
        text += f": {listed}"
    return text[:1].upper() + text[1:] + "."
