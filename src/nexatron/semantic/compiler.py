"""Compile a SemanticQuery against a SemanticLayer into SQL for one dialect.

Shape of the SQL (every step a CTE, so each engine sees plain column references in GROUP BY):

    base_i   rows of metric table i with the dimension keys, truncated time and metric inputs
    agg_i    base_i aggregated by the keys (each metric at its own table's grain)
    stacked_i  with 2+ sources: the previous result UNION ALL agg_i, the other side's metrics NULL
    merged_i   stacked_i grouped by the keys, MAX() per metric (each side has one row per key)
    final    dimension/time columns and metric expressions (ratios, derived) with metric filters,
             order and limit

Stacking instead of a FULL OUTER JOIN merges NULL keys correctly on every engine and never
multiplies rows, so sums are not doubled; folding two sources at a time lets engines such as
PostgreSQL type each NULL column from the other branch.
"""

from __future__ import annotations

from sqlglot import exp

from nexatron.semantic.column_aggregates import with_aggregates
from nexatron.semantic.dialects import LiteralKind, SqlDialect, get_dialect
from nexatron.semantic.exprs import CompileError, add_cte, col, ident, table
from nexatron.semantic.joins import join_graph
from nexatron.semantic.merge import merge_ctes
from nexatron.semantic.metric_sql import LEAF_PREFIX, MetricExpander
from nexatron.semantic.model import (
    CompiledQuery,
    Dimension,
    Grain,
    Metric,
    OutputColumn,
    SemanticLayer,
    SemanticQuery,
)
from nexatron.semantic.predicates import predicate
from nexatron.semantic.rows import compile_rows, output_name
from nexatron.semantic.sources import Source, SourceContext, build_source
from nexatron.warehouse.types import SchemaSnapshot

_DIM_TYPES = {"string": "string", "number": "number", "boolean": "boolean"}


def compile_query(
    layer: SemanticLayer,
    query: SemanticQuery,
    dialect: str,
    *,
    schema: SchemaSnapshot | None = None,
    row_cap: int | None = None,
) -> CompiledQuery:
    """SQL for `query` in `dialect`, plus a description of each output column.

    Raises CompileError (422) with an actionable message for unknown names, ambiguous or fan-out
    join paths, unsupported aggregates, and malformed filters.
    """
    if query.shape == "rows":
        return compile_rows(layer, query, get_dialect(dialect), schema, row_cap)
    layer, query = with_aggregates(layer, query)
    return _Compiler(layer, query, get_dialect(dialect), schema).compile(row_cap)


class _Compiler:
    def __init__(
        self,
        layer: SemanticLayer,
        query: SemanticQuery,
        dialect: SqlDialect,
        schema: SchemaSnapshot | None,
    ) -> None:
        self.layer, self.query, self.dialect, self.schema = layer, query, dialect, schema
        self.expander = MetricExpander(layer)

    def compile(self, row_cap: int | None) -> CompiledQuery:
        q = self.query
        self._check_names()
        metric_exprs = {m: self.expander.expand(m) for m in dict.fromkeys(q.metrics)}
        having = [(f, self.expander.expand(f.field)) for f in q.metric_filters]
        order_metrics = {
            o.field: self.expander.expand(o.field) for o in q.order if self.layer.metric(o.field)
        }
        shown = list(dict.fromkeys(q.dimensions))
        hidden = [k for k in dict.fromkeys(q.keys) if k not in shown]
        dims = [self._dimension(n, "dimensions") for n in [*shown, *hidden]]
        grain = q.time.grain if q.time else None
        ctx = SourceContext(
            layer=self.layer,
            dialect=self.dialect,
            schema=self.schema,
            graph=join_graph(self.layer),
            dims=dims,
            grain=grain,
            time_range=q.time.range if q.time else None,
            filters=q.filters,
            absent=tuple(q.absent),
        )
        sources = self._sources(ctx)
        keys = [f"_d{i}" for i in range(len(dims))] + (["_t"] if grain else [])
        final = exp.select(copy=False)
        for name, cte in merge_ctes(sources, keys, self.dialect):
            final = add_cte(final, name, cte)
        rel = "agg_0" if len(sources) == 1 else f"merged_{len(sources) - 1}"

        def resolved(e: exp.Expr) -> exp.Expr:
            def swap(node: exp.Expr) -> exp.Expr:
                if isinstance(node, exp.Column) and node.name.startswith(LEAF_PREFIX):
                    return col(f"_m{node.name[len(LEAF_PREFIX) :]}")
                return node

            return e.transform(swap)

        columns: list[OutputColumn] = []
        selects: list[exp.Expr] = []
        names: set[str] = set()

        def add(expr: exp.Expr, column: OutputColumn) -> None:
            if column.name in names:
                raise CompileError(
                    f"Two output columns would be named {column.name!r}; rename one.",
                    code="name_clash",
                )
            names.add(column.name)
            selects.append(exp.Alias(this=expr, alias=ident(column.name, force_quote=True)))
            columns.append(column)

        for i, d in enumerate(dims[: len(shown)]):
            add(
                col(f"_d{i}"),
                OutputColumn(
                    name=output_name(d.name),
                    role="dimension",
                    ref=d.name,
                    label=d.label or d.name,
                    type=self._dim_type(d),
                ),
            )
        time_name = self._time_name(sources) if grain else None
        if grain and time_name:
            tdim = self.layer.dimension(time_name)
            label = tdim.label if tdim and tdim.label else time_name
            add(
                col("_t"),
                OutputColumn(
                    name=output_name(f"{time_name}__{grain}"),
                    role="time",
                    ref=time_name,
                    label=f"{label} ({grain})",
                    type="date",
                    grain=grain,
                ),
            )
        for name, e in metric_exprs.items():
            m = self.layer.metric(name)
            assert m is not None
            add(
                resolved(e),
                OutputColumn(
                    name=output_name(name),
                    role="metric",
                    ref=name,
                    label=m.label or name,
                    type="number",
                    format=m.format,
                ),
            )
        conds = [
            predicate(
                resolved(e), f.op, f.values, kind="number", dialect=self.dialect, field=f.field
            )
            for f, e in having
        ]
        ranked = {k: resolved(v) for k, v in order_metrics.items()}
        top = self._rank_cut(ranked)
        if top is not None:
            # a top-N by a metric keeps every row tied with the last one (RANK, not LIMIT)
            inner = exp.select(exp.Star(), top, copy=False).from_(table(rel), copy=False)
            if conds:
                inner.set("where", exp.Where(this=exp.and_(*conds, copy=False)))
            final = add_cte(final, "ranked", inner)
            rel = "ranked"
            conds = [_rank_condition(q.limit, q.rank)]
        final = final.select(*selects, copy=False).from_(table(rel), copy=False)
        if conds:
            final.set("where", exp.Where(this=exp.and_(*conds, copy=False)))
        final = self._order(final, dims, time_name, grain, ranked)
        cut = None if top is not None else q.limit
        limit = min(x for x in (cut, row_cap) if x) if (cut or row_cap) else None
        if limit:
            final = final.limit(limit, copy=False)
        final = self.dialect.finish(final)
        compiled = CompiledQuery(
            sql=self.dialect.render(final), dialect=self.dialect.name, columns=columns
        )
        compiled._tree = final
        return compiled

    # -- names -------------------------------------------------------------------------------

    def _check_names(self) -> None:
        q, layer = self.query, self.layer
        unknown = [
            f"metric {n!r}"
            for n in [*q.metrics, *(f.field for f in q.metric_filters)]
            if not layer.metric(n)
        ]
        unknown += [
            f"dimension {n!r}"
            for n in [
                *q.dimensions,
                *q.keys,
                *(f.field for f in q.filters),
                *(f.field for a in q.absent for f in a.filters),
            ]
            if not layer.dimension(n)
        ]
        if unknown:
            raise CompileError(f"Unknown {', '.join(dict.fromkeys(unknown))}.", code="unknown_name")
        if not q.metrics and not q.dimensions:
            raise CompileError("Ask for at least one metric or dimension.", code="empty_query")

    def _dimension(self, name: str, where: str) -> Dimension:
        d = self.layer.dimension(name)
        if d is None:
            raise CompileError(f"Unknown dimension {name!r} in {where}.", code="unknown_name")
        return d

    def _dim_type(self, d: Dimension) -> str:
        if d.type != "time":
            return _DIM_TYPES[d.type]
        return "date" if self._time_kind(d) == "date" else "timestamp"

    def _time_kind(self, d: Dimension) -> LiteralKind | None:
        if self.schema is None:
            return None
        table = self.schema.table(d.table)
        column = table.column(d.expr.strip()) if table else None
        if column is None:
            return None
        return (
            "date" if column.type == "date" else "timestamp" if column.type == "timestamp" else None
        )

    # -- sources -------------------------------------------------------------------------------

    def _time_dim_for(self, metric: Metric | None) -> Dimension | None:
        t = self.query.time
        if t is None or (t.grain is None and t.range is None):
            return None
        if t.dimension:
            d = self._dimension(t.dimension, "time.dimension")
        elif metric is None:
            raise CompileError(
                "A time grain or range without metrics needs time.dimension.",
                code="no_time_dimension",
            )
        elif not metric.time_dimension:
            raise CompileError(
                f"Metric {metric.name!r} has no default time dimension; "
                "name one in time.dimension.",
                code="no_time_dimension",
            )
        else:
            d = self._dimension(metric.time_dimension, f"metric {metric.name!r} time_dimension")
        if d.type != "time":
            raise CompileError(f"Dimension {d.name!r} is not a time dimension.", code="not_time")
        if t.grain and d.grains and t.grain not in d.grains:
            raise CompileError(
                f"Dimension {d.name!r} does not allow grain {t.grain!r}; "
                f"allowed: {', '.join(d.grains)}.",
                code="bad_grain",
            )
        return d

    def _sources(self, ctx: SourceContext) -> list[Source]:
        leaves = self.expander.leaves
        if not leaves:
            tdim = self._time_dim_for(None)
            base = ctx.dims[0].table if ctx.dims else tdim.table if tdim else None
            assert base is not None
            return [build_source(ctx, base, tdim, [], self._time_kind(tdim) if tdim else None)]
        groups: dict[tuple[str, str | None], list[int]] = {}
        tdims: dict[tuple[str, str | None], Dimension | None] = {}
        for j, m in enumerate(leaves):
            assert m.table is not None
            tdim = self._time_dim_for(m)
            key = (m.table.lower(), tdim.name if tdim else None)
            groups.setdefault(key, []).append(j)
            tdims[key] = tdim
        out = []
        for key, idx in groups.items():
            tdim = tdims[key]
            table = leaves[idx[0]].table
            assert table is not None
            out.append(
                build_source(
                    ctx,
                    table,
                    tdim,
                    [(j, leaves[j]) for j in idx],
                    self._time_kind(tdim) if tdim else None,
                )
            )
        return out

    def _time_name(self, sources: list[Source]) -> str:
        t = self.query.time
        if t and t.dimension:
            return t.dimension
        names = {s.time_dim.name for s in sources if s.time_dim}
        return names.pop() if len(names) == 1 else "metric_time"

    def _rank_cut(self, metrics: dict[str, exp.Expr]) -> exp.Expr | None:
        """`RANK() OVER (ORDER BY <metrics>) AS _rank` when the query keeps the top N rows by
        its leading metric orders; None for a plain LIMIT (no order, or ordered by keys)."""
        q = self.query
        if (q.limit is None and q.rank is None) or not q.order or q.order[0].field not in metrics:
            return None
        keys: list[exp.Ordered] = []
        for o in q.order:
            if o.field not in metrics:
                break
            keys.append(exp.Ordered(this=metrics[o.field].copy(), desc=o.desc, nulls_first=False))
        ranking = exp.Rank() if q.rank is None else exp.DenseRank()
        window = exp.Window(this=ranking, order=exp.Order(expressions=keys), over="OVER")
        return exp.Alias(this=window, alias=ident("_rank"))

    def _order(
        self,
        final: exp.Select,
        dims: list[Dimension],
        time_name: str | None,
        grain: Grain | None,
        metrics: dict[str, exp.Expr],
    ) -> exp.Select:
        keys: dict[str, exp.Expr] = {d.name: col(f"_d{i}") for i, d in enumerate(dims)}
        if time_name and grain:
            keys[time_name] = keys[f"{time_name}__{grain}"] = col("_t")
        order: list[exp.Ordered] = []
        used: set[str] = set()
        for o in self.query.order:
            if o.field in metrics:
                target = metrics[o.field]
            elif o.field in keys:
                target = keys[o.field]
            else:
                raise CompileError(
                    f"Cannot order by {o.field!r}: it is not a metric, "
                    "nor a dimension or time of this query.",
                    code="bad_order",
                )
            used.add(target.sql())
            order.append(exp.Ordered(this=target.copy(), desc=o.desc, nulls_first=False))
        if order or grain:  # tie-breakers keep results (and top-N limits) deterministic
            tail = [col("_t")] if grain else []
            tail += [col(f"_d{i}") for i in range(len(dims))]
            order += [
                exp.Ordered(this=k, desc=False, nulls_first=False)
                for k in tail
                if k.sql() not in used
            ]
        return final.order_by(*order, copy=False) if order else final


def _rank_condition(limit: int | None, rank: int | None) -> exp.Expr:
    """`_rank <= limit` (a top N, ties kept) or `_rank = rank` (one place of a dense ranking:
    'the second highest', every tied row)."""
    if rank is not None:
        return exp.EQ(this=col("_rank"), expression=exp.Literal.number(rank))
    return exp.LTE(this=col("_rank"), expression=exp.Literal.number(limit or 1))
