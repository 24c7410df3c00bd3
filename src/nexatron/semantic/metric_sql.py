"""Metrics as SQL: simple metrics aggregated; ratio and derived metrics computed afterwards."""

from __future__ import annotations

from sqlglot import exp

from nexatron.semantic.dialects import SqlDialect
from nexatron.semantic.exprs import CompileError, cast, dotted_name, parse_expr
from nexatron.semantic.model import Metric, SemanticLayer

LEAF_PREFIX = "__leaf_"


def safe_div(num: exp.Expr, den: exp.Expr) -> exp.Expr:
    """num / den as a float, NULL when den is 0 (no integer division, no division error)."""
    nullif = exp.Nullif(this=den, expression=exp.Literal.number(0))
    return exp.Div(this=cast(exp.Paren(this=num), "DOUBLE"), expression=nullif)


class MetricExpander:
    """Rewrites requested metrics into expressions over the simple ("leaf") metrics they need."""

    def __init__(self, layer: SemanticLayer) -> None:
        self.layer = layer
        self.leaves: list[Metric] = []
        self._index: dict[str, int] = {}

    def expand(self, name: str, stack: tuple[str, ...] = ()) -> exp.Expr:
        """An expression over leaf placeholders `__leaf_<i>` computing metric `name`."""
        if name in stack:
            raise CompileError(
                f"Metric {name!r} depends on itself: {' -> '.join((*stack, name))}.",
                code="cycle",
            )
        metric = self.layer.metric(name)
        if metric is None:
            where = f" (used by {stack[-1]!r})" if stack else ""
            raise CompileError(f"Unknown metric {name!r}{where}.", code="unknown_metric")
        inner = (*stack, name)
        if metric.type == "simple":
            return exp.column(f"{LEAF_PREFIX}{self._leaf(metric)}")
        if metric.type == "ratio":
            if not metric.numerator or not metric.denominator:
                raise CompileError(
                    f"Ratio metric {name!r} needs a numerator and a denominator.", code="bad_metric"
                )
            return safe_div(
                self.expand(metric.numerator, inner), self.expand(metric.denominator, inner)
            )
        if metric.type == "derived":
            if not metric.expression:
                raise CompileError(f"Derived metric {name!r} has no expression.", code="bad_metric")
            return self._derived(metric.expression, inner)
        raise CompileError(
            f"Metric {name!r}: {metric.type} metrics are not supported yet.", code="unsupported"
        )

    def _leaf(self, metric: Metric) -> int:
        if metric.name not in self._index:
            if not metric.table or not metric.agg:
                raise CompileError(
                    f"Simple metric {metric.name!r} needs a table and an agg.", code="bad_metric"
                )
            self._index[metric.name] = len(self.leaves)
            self.leaves.append(metric)
        return self._index[metric.name]

    def _derived(self, expression: str, stack: tuple[str, ...]) -> exp.Expr:
        tree = exp.Paren(
            this=parse_expr(expression)
        )  # a holder, so the root itself can be replaced
        for div in list(tree.find_all(exp.Div)):
            div.replace(safe_div(div.this, div.expression))
        for column in list(tree.find_all(exp.Column)):
            if column.name.startswith(LEAF_PREFIX):
                continue
            column.replace(exp.Paren(this=self.expand(dotted_name(column), stack)))
        return tree


def is_count_star(metric: Metric) -> bool:
    return metric.agg == "count" and (metric.expr is None or metric.expr.strip() in ("", "*"))


def aggregate(metric: Metric, value: exp.Expr | None, dialect: SqlDialect) -> exp.Expr:
    """The aggregate over one row-level input column (None: COUNT(*))."""
    if value is None:
        return exp.Count(this=exp.Star())
    agg = metric.agg
    if agg == "sum":
        return exp.Sum(this=value)
    if agg == "count":
        return exp.Count(this=value)
    if agg == "count_distinct":
        return exp.Count(this=exp.Distinct(expressions=[value]))
    if agg == "avg":
        return dialect.avg(value)
    if agg == "min":
        return exp.Min(this=value)
    if agg == "max":
        return exp.Max(this=value)
    if agg == "median":
        dialect.check_median()
        return dialect.median(value)
    raise CompileError(f"Metric {metric.name!r} has an unknown agg {agg!r}.", code="bad_metric")
