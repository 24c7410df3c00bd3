"""Ad-hoc aggregates (`SemanticQuery.aggregates`) become metrics of a per-query layer.

'The highest ticket price', 'the average, minimum and maximum age', 'how many different
cities': no metric defines them, so each `ColumnAggregate` is turned into a simple metric over
its column (a dimension's expression, dated by the table's only date or else by its row count's
date; or the column an existing simple metric aggregates, with that metric's filter and date)
and compiled like any other metric: same joins, filters, time range, grouping, HAVING and
order, in every dialect.
"""

from __future__ import annotations

from nexatron.semantic.exprs import CompileError
from nexatron.semantic.model import (
    ColumnAggregate,
    Format,
    Metric,
    SemanticLayer,
    SemanticQuery,
)

AGG_LABELS = {
    "sum": "Total",
    "avg": "Average",
    "min": "Minimum",
    "max": "Maximum",
    "median": "Median",
    "count_distinct": "Number of different",
}
_COLUMN_AGGS = frozenset({"sum", "avg", "min", "max", "median"})
_LEADS = ("total ", "average ", "avg ", "sum of ", "number of ", "minimum ", "maximum ")


def _noun(text: str, agg: str) -> str:
    """The column's words after the aggregate's ('Maximum ticket price', 'Number of different
    countries')."""
    low = text[:1].lower() + text[1:] if not text[:2].isupper() else text
    if agg != "count_distinct":
        return low
    if low.endswith(("s", "x", "ch", "sh")):
        return low + "es"
    if low.endswith("y") and len(low) > 1 and low[-2] not in "aeiou":
        return low[:-1] + "ies"
    return low + "s"


def column_label(text: str) -> str:
    """'Average ticket price' -> 'ticket price' (the column a bootstrap metric is named after)."""
    low = text.lower()
    for lead in _LEADS:
        if low.startswith(lead):
            return text[len(lead) :]
    return text


def _rows_date(layer: SemanticLayer, table: str) -> str | None:
    """The default date of the table's plain row count, when its rows have several dates: a
    period on an aggregate of their column means what it means for their count."""
    found = {
        m.time_dimension
        for m in layer.metrics
        if m.table == table and m.type == "simple" and m.agg == "count" and not m.filter
    }
    return found.pop() if len(found) == 1 else None


def aggregate_metric(layer: SemanticLayer, aggregate: ColumnAggregate) -> Metric:
    """The metric an ad-hoc aggregate stands for; CompileError when it names nothing usable."""
    word = AGG_LABELS[aggregate.agg]
    if (aggregate.dimension is None) == (aggregate.metric is None):
        raise CompileError(
            "An aggregate names exactly one of 'dimension' or 'metric'.", code="bad_aggregate"
        )
    if aggregate.dimension is not None:
        dim = layer.dimension(aggregate.dimension)
        if dim is None:
            raise CompileError(
                f"Unknown dimension {aggregate.dimension!r} in aggregates.", code="unknown_name"
            )
        numeric = dim.type in {"number", "time"}
        if aggregate.agg != "count_distinct" and not numeric:
            raise CompileError(
                f"Cannot take the {aggregate.agg} of {dim.name!r}: it is not a number or a date.",
                code="bad_aggregate",
            )
        if dim.type == "time" and aggregate.agg not in {"min", "max", "count_distinct"}:
            raise CompileError(
                f"Dates take only min, max or count_distinct, not {aggregate.agg!r}.",
                code="bad_aggregate",
            )
        dates = [
            d.name
            for d in layer.dimensions
            if d.table == dim.table and d.type == "time" and d.name != dim.name
        ]
        return Metric(
            name=aggregate.name,
            label=f"{word} {_noun(dim.label or dim.name.replace('_', ' '), aggregate.agg)}",
            table=dim.table,
            agg=aggregate.agg,
            expr=dim.expr,
            time_dimension=dim.name
            if dim.type == "time"
            else (dates[0] if len(dates) == 1 else _rows_date(layer, dim.table)),
            origin="user",
        )
    assert aggregate.metric is not None
    base = layer.metric(aggregate.metric)
    if base is None:
        raise CompileError(
            f"Unknown metric {aggregate.metric!r} in aggregates.", code="unknown_name"
        )
    expr = (base.expr or "").strip()
    if base.type != "simple" or base.agg not in _COLUMN_AGGS or not expr or expr == "*":
        raise CompileError(
            f"Metric {base.name!r} does not aggregate one column; aggregate a dimension instead.",
            code="bad_aggregate",
        )
    return Metric(
        name=aggregate.name,
        label=f"{word} {_noun(_column_words(base.label, expr), aggregate.agg)}",
        table=base.table,
        agg=aggregate.agg,
        expr=expr,
        filter=base.filter,
        time_dimension=base.time_dimension,
        format=base.format if aggregate.agg != "count_distinct" else Format(),
    )


def _column_words(label: str | None, expr: str) -> str:
    """'Average ticket price' -> 'ticket price'; no label: the column's own name in words."""
    if label:
        return column_label(label)
    return expr.split(".")[-1].strip('"`[]').replace("_", " ")


def with_aggregates(
    layer: SemanticLayer, query: SemanticQuery
) -> tuple[SemanticLayer, SemanticQuery]:
    """`layer` plus one metric per ad-hoc aggregate, and `query` asking for them as metrics."""
    if not query.aggregates:
        return layer, query
    added: list[Metric] = []
    for aggregate in query.aggregates:
        metric = aggregate_metric(layer, aggregate)
        if layer.metric(metric.name) is not None:
            raise CompileError(
                f"Aggregate {metric.name!r} clashes with a metric of that name.", code="name_clash"
            )
        if all(m.name != metric.name for m in added):
            added.append(metric)
    extended = SemanticLayer.model_construct(
        metrics=[*layer.metrics, *added],
        dimensions=layer.dimensions,
        relationships=layer.relationships,
        version=layer.version,
    )
    names = [m.name for m in added]
    asked = query.model_copy(
        update={"metrics": list(dict.fromkeys([*query.metrics, *names])), "aggregates": []}
    )
    return extended, asked
