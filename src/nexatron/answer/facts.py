"""Facts about a result (kind, single value, top item and share, change over time, row count).

The summary sentence is rendered from these facts only, so an LLM may rephrase them later
without inventing numbers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from nexatron.answer.formatting import as_date, to_decimal
from nexatron.semantic.model import OutputColumn, SemanticLayer, SemanticQuery

ADDITIVE_AGGS = frozenset({"sum", "count"})


def _index(columns: list[OutputColumn], role: str) -> list[int]:
    return [i for i, c in enumerate(columns) if c.role == role]


def _additive(metric_ref: str, layer: SemanticLayer | None) -> bool:
    metric = layer.metric(metric_ref) if layer else None
    return bool(metric and metric.type == "simple" and metric.agg in ADDITIVE_AGGS)


def _ascending(query: SemanticQuery, metric_ref: str) -> bool:
    first = query.order[0] if query.order else None
    return bool(first and first.field == metric_ref and not first.desc)


def range_phrase(query: SemanticQuery, range_label: str | None) -> str | None:
    """The range label from the caller, else the one the question's plan carries."""
    if range_label:
        return range_label
    time = query.time
    return time.range.label if time and time.range and time.range.label else None


def facts(
    question_hint: str | None,
    query: SemanticQuery,
    columns: list[OutputColumn],
    rows: list[list[Any]],
    *,
    range_label: str | None = None,
    truncated: bool = False,
    layer: SemanticLayer | None = None,
) -> dict[str, Any]:
    """What the result shows, as plain values (Decimal, date); `kind` says which facts exist."""
    metrics, dims, times = (_index(columns, r) for r in ("metric", "dimension", "time"))
    dims = [i for i in dims if columns[i].ref not in query.keys] or dims  # a key beside a name
    base: dict[str, Any] = {
        "question": question_hint,
        "range_label": range_phrase(query, range_label),
        "row_count": len(rows),
        "truncated": truncated,
        "metrics": [columns[i].ref for i in metrics],
    }
    if not rows:
        return {**base, "kind": "empty"}
    if not metrics:
        return {**base, "kind": "rows"}
    m = metrics[0]
    metric = columns[m]
    if len(rows) == 1 and not dims and not times:
        values = {columns[i].ref: rows[0][i] for i in metrics}
        return {**base, "kind": "single_value", "values": values}
    if len(dims) == 1 and not times:
        return {**base, **_breakdown(columns, rows, m, dims[0], query, layer, truncated)}
    if len(times) == 1 and not dims and len(rows) >= 2:
        return {**base, **_series(columns, rows, m, times[0])}
    return {**base, "kind": "rows", "metric": metric.ref}


def _breakdown(
    columns: list[OutputColumn], rows: list[list[Any]], m: int, d: int,
    query: SemanticQuery, layer: SemanticLayer | None, truncated: bool,
) -> dict[str, Any]:  # fmt: skip
    valued = [(row[d], to_decimal(row[m])) for row in rows]
    numeric = [(k, v) for k, v in valued if v is not None]
    if not numeric:
        return {"kind": "rows", "metric": columns[m].ref}
    lowest = _ascending(query, columns[m].ref)
    key, value = (min if lowest else max)(numeric, key=lambda kv: kv[1])
    tied = [k for k, v in numeric if v == value]
    total = sum((v for _, v in numeric), Decimal(0))
    share_ok = (
        _additive(columns[m].ref, layer)
        and not truncated
        and not query.limit
        and all(v >= 0 for _, v in numeric)
        and total > 0
    )
    out: dict[str, Any] = {
        "kind": "breakdown",
        "metric": columns[m].ref,
        "dimension": columns[d].ref,
        "groups": len(rows),
        "ranked": bool((query.limit or query.rank) and query.order),
        "top": {"key": key, "value": value, "rank": place(query.rank, lowest)},
        "total": total if share_ok else None,
        "share": (value / total) if share_ok else None,
    }
    if len(tied) > 1:
        out["tied"] = tied  # every key sharing the top value
    return out


def _series(columns: list[OutputColumn], rows: list[list[Any]], m: int, t: int) -> dict[str, Any]:
    points = sorted(
        ((as_date(row[t]), to_decimal(row[m])) for row in rows if as_date(row[t]) is not None),
        key=lambda p: p[0],  # type: ignore[arg-type,return-value]
    )
    points = [p for p in points if p[1] is not None]
    if len(points) < 2:
        return {"kind": "rows", "metric": columns[m].ref}
    (first_at, first), (last_at, last) = points[0], points[-1]
    assert first is not None and last is not None
    change = (last - first) / abs(first) if first != 0 else None
    return {
        "kind": "time_series",
        "metric": columns[m].ref,
        "grain": columns[t].grain,
        "periods": len(points),
        "first": {"period": first_at, "value": first},
        "last": {"period": last_at, "value": last},
        "change": change,
    }


_ORDINALS = {2: "second", 3: "third", 4: "fourth", 5: "fifth"}


def place(rank: int | None, lowest: bool) -> str:
    """'highest', or with a query's `rank` 'second highest' (the place the rows were kept at)."""
    word = "lowest" if lowest else "highest"
    if rank is None or rank == 1:
        return word
    return f"{_ORDINALS.get(rank, f'{rank}th')} {word}"
