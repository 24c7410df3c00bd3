"""The structured query: metrics, dimensions, filters and time named directly (no question).

`StructuredQuery` is the request; `to_plan` checks it against the connection's semantic layer and
returns the Plan the rest of the pipeline (compile, guard, execute, answer, record) takes from the
parser. Every problem is reported at once, one 422 entry per field (`loc` like
["body", "metrics", 0]), with the known names closest to an unknown one.
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from nexatron.errors import Unprocessable, ValidationFailed
from nexatron.nlq import DateContext, Plan
from nexatron.semantic import dates
from nexatron.semantic.model import (
    Absent,
    FilterOp,
    Grain,
    OrderBy,
    QueryFilter,
    SemanticLayer,
    SemanticQuery,
    TimeRange,
    TimeSpec,
)

MAX_LIMIT = 100_000
_NO_VALUES: frozenset[str] = frozenset({"is_null", "is_not_null"})
_ONE_VALUE: frozenset[str] = frozenset({"=", "!=", ">", ">=", "<", "<=", "contains", "starts_with"})


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RangeIn(_Body):
    """Half-open `[start, end)`: ISO dates (or date-times); either side may be omitted."""

    start: dt.date | dt.datetime | None = None
    end: dt.date | dt.datetime | None = None


class TimeIn(_Body):
    dimension: str | None = Field(
        default=None,
        description="A time dimension; omitted: each metric's default time dimension.",
    )
    grain: Grain | None = Field(default=None, description="Group by the truncated time.")
    range: RangeIn | str | None = Field(
        default=None,
        description='{"start", "end"} ISO dates (end exclusive), or a phrase such as '
        '"last quarter", "2025", "last 30 days" (resolved in the server\'s time zone).',
    )


class FilterIn(_Body):
    field: str = Field(description="A dimension name (WHERE) or a metric name (HAVING).")
    op: FilterOp = "="
    values: list[Any] = Field(default_factory=list)


class OrderIn(_Body):
    field: str = Field(description="A metric or dimension of this query, or the time dimension.")
    desc: bool = False


class AbsentIn(_Body):
    table: str = Field(
        description="A table whose rows point at the listed (or counted) rows along declared"
        " relationships; only rows with no such row are kept (NOT EXISTS)."
    )
    filters: list[FilterIn] = Field(
        default_factory=list, description="Only child rows matching these count (dimensions)."
    )


class StructuredQuery(_Body):
    connection_id: str | None = Field(
        default=None, description="May be omitted when the tenant has one default connection."
    )
    metrics: list[str] = Field(default_factory=list, description="Metric names.")
    dimensions: list[str] = Field(default_factory=list, description="Dimension names.")
    filters: list[FilterIn] = Field(default_factory=list)
    time: TimeIn | None = None
    order: list[OrderIn] = Field(default_factory=list)
    limit: int | None = Field(default=None, ge=1, le=MAX_LIMIT)
    columns: list[str] = Field(
        default_factory=list,
        description="Row-level shape: dimension names shown for each row of `entity` (no"
        " metrics, dimensions or grain; order by any dimension; a top-N keeps ties).",
    )
    entity: str | None = Field(
        default=None,
        description="The table whose rows a row query lists; omitted: the first column's table.",
    )
    absent: list[AbsentIn] = Field(
        default_factory=list,
        description="Anti-joins: keep the listed (or counted) rows no row of each table points at.",
    )


def _near(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    if close:
        return " Did you mean " + " or ".join(repr(c) for c in close) + "?"
    return " Known: " + ", ".join(known[:30]) + "." if known else " The layer has none."


def _error(loc: list[str | int], msg: str, kind: str) -> dict[str, Any]:
    return {"loc": ["body", *loc], "msg": msg, "type": kind}


class _Checker:
    """Collects every field error of one structured query against one layer."""

    def __init__(self, body: StructuredQuery, layer: SemanticLayer, ctx: DateContext) -> None:
        self.body, self.layer, self.ctx = body, layer, ctx
        self.errors: list[dict[str, Any]] = []
        self.metric_names = [m.name for m in layer.metrics]
        self.dimension_names = [d.name for d in layer.dimensions]

    def fail(self, loc: list[str | int], msg: str, kind: str = "value_error") -> None:
        self.errors.append(_error(loc, msg, kind))

    def names(self) -> None:
        body = self.body
        for i, name in enumerate(body.metrics):
            if self.layer.metric(name) is None:
                self.fail(
                    ["metrics", i],
                    f"Unknown metric {name!r}.{_near(name, self.metric_names)}",
                    "unknown_metric",
                )
        for i, name in enumerate(body.dimensions):
            if self.layer.dimension(name) is None:
                self.fail(
                    ["dimensions", i],
                    f"Unknown dimension {name!r}.{_near(name, self.dimension_names)}",
                    "unknown_dimension",
                )
        for field, names in (("metrics", body.metrics), ("dimensions", body.dimensions)):
            repeated = sorted({n for n in names if names.count(n) > 1})
            if repeated:
                self.fail([field], f"Named more than once: {', '.join(repeated)}.", "duplicate")
        if body.columns:
            self.rows()
        elif not body.metrics and not body.dimensions:
            self.fail(["metrics"], "Name at least one metric or dimension.", "empty_query")
        elif body.entity is not None:
            self.fail(["entity"], "'entity' is for row queries: name 'columns'.", "bad_shape")
        tables = {d.table for d in self.layer.dimensions} | {
            m.table for m in self.layer.metrics if m.table
        }
        for i, absent in enumerate(body.absent):
            if absent.table not in tables:
                self.fail(
                    ["absent", i, "table"],
                    f"Unknown table {absent.table!r}.{_near(absent.table, sorted(tables))}",
                    "unknown_table",
                )
            for j, f in enumerate(absent.filters):
                if self.layer.dimension(f.field) is None:
                    self.fail(
                        ["absent", i, "filters", j, "field"],
                        f"Unknown dimension {f.field!r}.{_near(f.field, self.dimension_names)}",
                        "unknown_dimension",
                    )

    def rows(self) -> None:
        """A row query: known columns and entity, nothing aggregated, no grain."""
        body = self.body
        for field in ("metrics", "dimensions"):
            if getattr(body, field):
                self.fail(
                    [field],
                    f"A row query ('columns') aggregates nothing: drop '{field}'.",
                    "bad_shape",
                )
        for i, name in enumerate(body.columns):
            if self.layer.dimension(name) is None:
                self.fail(
                    ["columns", i],
                    f"Unknown dimension {name!r}.{_near(name, self.dimension_names)}",
                    "unknown_dimension",
                )
        tables = {d.table for d in self.layer.dimensions}
        if body.entity is not None and body.entity not in tables:
            self.fail(
                ["entity"],
                f"Unknown table {body.entity!r}.{_near(body.entity, sorted(tables))}",
                "unknown_table",
            )
        if body.time is not None and body.time.grain is not None:
            self.fail(["time", "grain"], "A row query has no time grain.", "bad_shape")
        if body.time is not None and body.time.range is not None and not body.time.dimension:
            self.fail(["time", "dimension"], "A row query's range needs a dimension.", "bad_shape")

    def filters(self) -> tuple[list[QueryFilter], list[QueryFilter]]:
        where: list[QueryFilter] = []
        having: list[QueryFilter] = []
        for i, f in enumerate(self.body.filters):
            if self.layer.dimension(f.field) is not None:
                target = where
            elif self.layer.metric(f.field) is not None:
                target = having
                if f.field not in self.body.metrics:
                    self.fail(
                        ["filters", i, "field"],
                        f"Metric {f.field!r} filters the result: add it to metrics too.",
                        "metric_not_selected",
                    )
            else:
                known = self.dimension_names + self.metric_names
                self.fail(
                    ["filters", i, "field"],
                    f"Unknown dimension or metric {f.field!r}.{_near(f.field, known)}",
                    "unknown_field",
                )
                continue
            count = len(f.values)
            wrong = (
                (f.op in _NO_VALUES and count != 0)
                or (f.op in _ONE_VALUE and count != 1)
                or (f.op == "between" and count != 2)
                or (f.op in ("in", "not_in") and count == 0)
            )
            if wrong:
                need = (
                    "no values"
                    if f.op in _NO_VALUES
                    else "exactly one value"
                    if f.op in _ONE_VALUE
                    else "two values (low, high)"
                    if f.op == "between"
                    else "at least one value"
                )
                self.fail(
                    ["filters", i, "values"],
                    f"Operator {f.op!r} takes {need}; got {count}.",
                    "bad_values",
                )
                continue
            if target is having and f.op in ("contains", "starts_with"):
                self.fail(["filters", i, "op"], f"A metric cannot be filtered with {f.op!r}.")
                continue
            target.append(QueryFilter(field=f.field, op=f.op, values=f.values))
        return where, having

    def time(self) -> TimeSpec | None:
        t = self.body.time
        if t is None:
            return None
        dimension = None
        if t.dimension is not None:
            dimension = self.layer.dimension(t.dimension)
            if dimension is None:
                times = [d.name for d in self.layer.dimensions if d.type == "time"]
                self.fail(
                    ["time", "dimension"],
                    f"Unknown dimension {t.dimension!r}.{_near(t.dimension, times)}",
                    "unknown_dimension",
                )
            elif dimension.type != "time":
                self.fail(
                    ["time", "dimension"],
                    f"Dimension {t.dimension!r} is not a time dimension.",
                    "not_time",
                )
                dimension = None
        elif t.grain is not None or t.range is not None:
            if not self.body.metrics:
                self.fail(
                    ["time", "dimension"],
                    "A time grain or range without metrics needs time.dimension.",
                    "missing",
                )
            for name in self.body.metrics:
                metric = self.layer.metric(name)
                if metric is not None and metric.type == "simple" and not metric.time_dimension:
                    self.fail(
                        ["time", "dimension"],
                        f"Metric {name!r} has no default time dimension; name one here.",
                        "missing",
                    )
        if (
            dimension is not None
            and t.grain
            and dimension.grains
            and t.grain not in dimension.grains
        ):
            self.fail(
                ["time", "grain"],
                f"Dimension {dimension.name!r} allows grains {', '.join(dimension.grains)}.",
                "bad_grain",
            )
        return TimeSpec(dimension=t.dimension, grain=t.grain, range=self.range(t.range))

    def range(self, given: RangeIn | str | None) -> TimeRange | None:
        if given is None:
            return None
        if isinstance(given, str):
            try:
                return dates.resolve(given, self.ctx)
            except Unprocessable:
                self.fail(
                    ["time", "range"],
                    f"Could not read {given!r} as one date range; give "
                    '{"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"} or a phrase like '
                    '"last quarter".',
                    "bad_range",
                )
                return None
        start, end = given.start, given.end
        if start is not None and end is not None and _as_datetime(start) >= _as_datetime(end):
            self.fail(["time", "range"], "range.start must be before range.end (end is exclusive).")
            return None
        label = None
        if start is not None and end is not None:
            label = f"{start.isoformat()} to {end.isoformat()} (end exclusive)"
        return TimeRange(start=start, end=end, label=label)

    def order(self, time: TimeSpec | None) -> list[OrderBy]:
        allowed = set(self.body.metrics) | set(self.body.dimensions)
        if self.body.columns:  # a row query orders by any dimension of its rows
            allowed |= set(self.dimension_names)
        if time is not None and time.grain is not None:
            allowed.add(time.dimension or "metric_time")
            if time.dimension is None:
                allowed |= {
                    m.time_dimension
                    for n in self.body.metrics
                    if (m := self.layer.metric(n)) is not None and m.time_dimension
                }
        out = []
        for i, o in enumerate(self.body.order):
            if o.field not in allowed:
                self.fail(
                    ["order", i, "field"],
                    f"Cannot order by {o.field!r}: order by one of this query's metrics, "
                    f"dimensions or its grouped time ({', '.join(sorted(allowed)) or 'none'}).",
                    "bad_order",
                )
            out.append(OrderBy(field=o.field, desc=o.desc))
        return out


def _as_datetime(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return dt.datetime.combine(value, dt.time())


def to_plan(body: StructuredQuery, layer: SemanticLayer, ctx: DateContext) -> Plan:
    """The Plan of a structured query, or ValidationFailed naming every bad field."""
    check = _Checker(body, layer, ctx)
    check.names()
    where, having = check.filters()
    time = check.time()
    order = check.order(time)
    if check.errors:
        raise ValidationFailed(check.errors)
    query = SemanticQuery(
        metrics=list(body.metrics),
        dimensions=list(body.dimensions),
        time=time,
        filters=where,
        metric_filters=having,
        order=order,
        limit=body.limit,
        columns=list(body.columns),
        entity=body.entity if body.columns else None,
        absent=[
            Absent(
                table=a.table,
                filters=[QueryFilter(field=f.field, op=f.op, values=f.values) for f in a.filters],
            )
            for a in body.absent
        ],
    )
    label = time.range.label if time and time.range else None
    return Plan(query=query, time_range_text=label)


def describe(query: SemanticQuery) -> str:
    """The history's 'question' of a structured query: what it asked for, in one line."""
    parts = [", ".join(query.metrics or query.dimensions or query.columns)]
    if query.absent:
        parts.append("without " + ", ".join(a.table for a in query.absent))
    if query.metrics and query.dimensions:
        parts.append("by " + ", ".join(query.dimensions))
    if query.time and query.time.grain:
        parts.append(f"per {query.time.grain}")
    if query.filters or query.metric_filters:
        shown = [
            f"{f.field} {f.op} {', '.join(map(str, f.values))}".strip()
            for f in [*query.filters, *query.metric_filters]
        ]
        parts.append("where " + " and ".join(shown))
    if query.time and query.time.range:
        parts.append(dates.describe(query.time.range))
    return "[structured] " + " ".join(parts)
