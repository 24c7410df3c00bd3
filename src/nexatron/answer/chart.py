"""A Vega-Lite v5 chart: line for time series, bar for categories, none for a single number."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from nexatron.semantic.model import Format, OutputColumn

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
MAX_VALUES = 500
MAX_BARS = 25


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _axis_format(fmt: Format | None) -> dict[str, str]:
    if fmt is None:
        return {}
    decimals = fmt.decimals if fmt.decimals is not None else (2 if fmt.kind == "currency" else 1)
    if fmt.kind == "percent":
        return {"format": f".{decimals}%"}
    if fmt.kind == "currency" and (fmt.currency or "USD") == "USD":
        return {"format": f"$,.{decimals}f"}
    return {"format": f",.{fmt.decimals or 0}f"}


def _field(column: OutputColumn, kind: str, **extra: Any) -> dict[str, Any]:
    return {"field": column.name, "type": kind, "title": column.label, **extra}


def chart_spec(
    columns: list[OutputColumn], rows: list[list[Any]], keys: Collection[str] = ()
) -> dict[str, Any] | None:
    """A spec with inline `data.values` (at most 500 rows), or None when a chart would not help.

    `keys`: dimensions shown as an entity's key beside its name (the query's `keys`): the bars
    are the names, and the key only separates two entities that share a name."""
    metrics = [c for c in columns if c.role == "metric"]
    dims = [c for c in columns if c.role == "dimension"]
    key_dims = [c for c in dims if c.ref in keys]
    dims = [c for c in dims if c.ref not in keys] or dims
    if key_dims and len(dims) == 1 and len(key_dims) == 1:
        at = columns.index(dims[0])
        if len({r[at] for r in rows}) < len(rows):
            dims = [*dims, key_dims[0]]  # names repeat: the key keeps the two bars apart
    times = [c for c in columns if c.role == "time"]
    if not rows or not metrics or (not dims and not times) or len(dims) + len(times) > 2:
        return None
    metric = metrics[0]
    y = _field(metric, "quantitative", axis=_axis_format(metric.format))
    encoding: dict[str, Any]
    if times:
        time = times[0]
        ordered = sorted(rows, key=lambda r: str(r[columns.index(time)]))
        values = ordered[:MAX_VALUES]
        encoding = {"x": _field(time, "temporal", timeUnit=_time_unit(time)), "y": y}
        if dims:
            encoding["color"] = _field(dims[0], "nominal")
        mark: dict[str, Any] = {"type": "line", "point": len(values) <= 60}
    else:
        index = columns.index(metric)
        ordered = sorted(rows, key=lambda r: _sort_key(r[index]), reverse=True)
        limit = MAX_BARS if len(dims) == 1 else MAX_VALUES
        values = ordered[:limit]
        encoding = {"x": _field(dims[0], "nominal", sort="-y"), "y": y}
        if len(dims) == 2:
            encoding["color"] = _field(dims[1], "nominal")
            encoding["xOffset"] = {"field": dims[1].name}
        mark = {"type": "bar"}
    data = [{c.name: _json_value(row[i]) for i, c in enumerate(columns)} for row in values]
    tooltip = [_field(c, "nominal" if c.role != "metric" else "quantitative") for c in columns]
    encoding["tooltip"] = tooltip
    return {
        "$schema": SCHEMA,
        "title": _title(metric, dims, times),
        "data": {"values": data},
        "mark": mark,
        "encoding": encoding,
    }


def _sort_key(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("-inf")


def _time_unit(column: OutputColumn) -> str:
    return {
        "year": "year",
        "quarter": "yearquarter",
        "month": "yearmonth",
        "week": "yearmonthdate",
    }.get(column.grain or "day", "yearmonthdate")


def _title(metric: OutputColumn, dims: list[OutputColumn], times: list[OutputColumn]) -> str:
    parts = [c.label for c in [*times, *dims]]
    return f"{metric.label} by {' and '.join(parts)}"
