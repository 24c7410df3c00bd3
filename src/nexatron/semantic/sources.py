"""One source per metric table (and time dimension): its joined, filtered rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlglot import exp

from nexatron.semantic.dialects import LiteralKind, SqlDialect
from nexatron.semantic.exprs import CompileError, ident, parse_expr, qualify, table_ref
from nexatron.semantic.joins import Edge, JoinGraph
from nexatron.semantic.metric_sql import is_count_star
from nexatron.semantic.model import (
    Absent,
    Dimension,
    Grain,
    Metric,
    QueryFilter,
    SemanticLayer,
    TimeRange,
)
from nexatron.semantic.predicates import predicate
from nexatron.warehouse.types import SchemaSnapshot


@dataclass(frozen=True)
class SourceContext:
    """What every source of one query shares."""

    layer: SemanticLayer
    dialect: SqlDialect
    schema: SchemaSnapshot | None
    graph: JoinGraph
    dims: list[Dimension]
    grain: Grain | None
    time_range: TimeRange | None
    filters: list[QueryFilter]
    absent: tuple[Absent, ...] = ()  # anti-joins on each source's rows


@dataclass
class Source:
    table: str
    time_dim: Dimension | None
    leaves: list[tuple[int, Metric]]
    inputs: set[int] = field(default_factory=set)
    rows: exp.Select = field(default_factory=exp.Select)


class Joiner:
    """Assigns one alias per distinct join path from the source table and builds the LEFT JOINs
    (aliases `<prefix>0`, `<prefix>1`...; a correlated subquery uses another prefix)."""

    def __init__(self, ctx: SourceContext, table: str, who: str, prefix: str = "t") -> None:
        self.ctx, self.table, self.who, self.prefix = ctx, table, who, prefix
        self.aliases: dict[tuple[Edge, ...], str] = {(): f"{prefix}0"}
        self.joins: list[exp.Join] = []

    def alias_for(self, path: tuple[Edge, ...]) -> str:
        for n in range(1, len(path) + 1):
            prefix = path[:n]
            if prefix in self.aliases:
                continue
            alias = f"{self.prefix}{len(self.aliases)}"
            left, edge = self.aliases[path[: n - 1]], prefix[-1]
            on = exp.and_(
                *[
                    exp.EQ(
                        this=exp.Column(this=ident(a), table=ident(left)),
                        expression=exp.Column(this=ident(b), table=ident(alias)),
                    )
                    for a, b in zip(edge.from_columns, edge.to_columns, strict=True)
                ],
                copy=False,
            )
            self.joins.append(exp.Join(this=table_ref(edge.to_table, alias), side="LEFT", on=on))
            self.aliases[prefix] = alias
        return self.aliases[path]

    def dimension(self, d: Dimension) -> exp.Expr:
        what = f"Dimension {d.name!r} {self.who}"
        if d.via:
            path = self.ctx.graph.role_path(self.table, d.via, d.table, what=what)
        else:
            path = self.ctx.graph.path(self.table, d.table, what=what)
        return qualify(parse_expr(d.expr), self.alias_for(path))


def build_source(
    ctx: SourceContext,
    table: str,
    time_dim: Dimension | None,
    leaves: list[tuple[int, Metric]],
    time_kind: LiteralKind | None,
) -> Source:
    """The rows select of one source: keys `_d<i>`, `_t`, metric inputs `_x<j>`, filters applied."""
    who = f"for metric {leaves[0][1].name!r}" if leaves else "in this query"
    joiner = Joiner(ctx, table, who)
    dialect = ctx.dialect
    source = Source(table=table, time_dim=time_dim, leaves=leaves)
    selects: list[exp.Expr] = [
        exp.Alias(this=joiner.dimension(d), alias=ident(f"_d{i}")) for i, d in enumerate(ctx.dims)
    ]
    where: list[exp.Expr] = []
    if time_dim is not None:
        t = joiner.dimension(time_dim)
        if ctx.grain:
            selects.append(exp.Alias(this=dialect.trunc(ctx.grain, t.copy()), alias=ident("_t")))
        r = ctx.time_range
        if r and r.start is not None:
            kind = time_kind or ("timestamp" if _has_time(r.start) else "date")
            where.append(exp.GTE(this=t.copy(), expression=dialect.date_literal(r.start, kind)))
        if r and r.end is not None:
            kind = time_kind or ("timestamp" if _has_time(r.end) else "date")
            where.append(exp.LT(this=t.copy(), expression=dialect.date_literal(r.end, kind)))
    for f in ctx.filters:
        d = ctx.layer.dimension(f.field)
        assert d is not None
        where.append(
            predicate(
                joiner.dimension(d), f.op, f.values, kind=d.type, dialect=dialect, field=f.field
            )
        )
    where += [not_exists(ctx, table, "t0", a) for a in ctx.absent]
    for j, m in leaves:
        value = _metric_input(m, joiner, ctx)
        if value is not None:
            source.inputs.add(j)
            selects.append(exp.Alias(this=value, alias=ident(f"_x{j}")))
    if not selects:
        selects.append(exp.Alias(this=exp.Literal.number(1), alias=ident("_one")))
    rows = exp.select(*selects, copy=False).from_(table_ref(table, "t0"), copy=False)
    for join in joiner.joins:
        rows = rows.join(join, copy=False)
    if where:
        rows.set("where", exp.Where(this=exp.and_(*where, copy=False)))
    source.rows = rows
    return source


def not_exists(ctx: SourceContext, parent: str, parent_alias: str, absent: Absent) -> exp.Expr:
    """`NOT EXISTS (SELECT 1 FROM <child> ... WHERE <child's key to parent> = <parent row>)`:
    the child table reaches `parent` by the unique shortest many-to-one path (each child row
    belongs to one parent row), joined inside the subquery; `absent.filters` narrow the child
    rows that count."""
    what = f"Rows of {parent} without {absent.table}"
    if absent.via is not None:
        path = ctx.graph.role_path(absent.table, absent.via, parent, what=what)
    else:
        path = ctx.graph.path(absent.table, parent, what=what)
    if not path:
        raise CompileError(f"{what}: a table cannot be absent from itself.", code="bad_absent")
    joiner = Joiner(ctx, absent.table, f"in 'absent' {absent.table!r}", prefix="a")
    holder, last = joiner.alias_for(path[:-1]), path[-1]
    conds: list[exp.Expr] = [
        exp.EQ(
            this=exp.Column(this=ident(a), table=ident(holder)),
            expression=exp.Column(this=ident(b), table=ident(parent_alias)),
        )
        for a, b in zip(last.from_columns, last.to_columns, strict=True)
    ]
    for f in absent.filters:
        d = ctx.layer.dimension(f.field)
        if d is None:
            raise CompileError(f"Unknown dimension {f.field!r} in absent.", code="unknown_name")
        x = joiner.dimension(d)
        conds.append(predicate(x, f.op, f.values, kind=d.type, dialect=ctx.dialect, field=f.field))
    sub = exp.select(exp.Literal.number(1), copy=False).from_(
        table_ref(absent.table, "a0"), copy=False
    )
    for join in joiner.joins:
        sub = sub.join(join, copy=False)
    sub.set("where", exp.Where(this=exp.and_(*conds, copy=False)))
    return exp.Not(this=exp.Exists(this=sub))


def _has_time(value: object) -> bool:
    return isinstance(value, dt.datetime)


def _metric_input(m: Metric, joiner: Joiner, ctx: SourceContext) -> exp.Expr | None:
    """The row-level value a metric aggregates; its own filter applied with CASE WHEN."""
    if is_count_star(m):
        value: exp.Expr | None = None if not m.filter else exp.Literal.number(1)
    else:
        if not m.expr:
            raise CompileError(f"Metric {m.name!r} ({m.agg}) needs an expr.", code="bad_metric")
        value = qualify(parse_expr(m.expr), "t0")
    if not m.filter or value is None:
        return value
    conds = []
    for f in m.filter:
        d = ctx.layer.dimension(f.field)
        if d is not None:
            x, kind = joiner.dimension(d), d.type
        else:
            x, kind = qualify(parse_expr(f.field), "t0"), "string"
        conds.append(
            predicate(
                x,
                f.op,
                f.values,
                kind=kind,
                dialect=ctx.dialect,
                field=f"{m.name}.filter.{f.field}",
            )
        )
    return exp.Case(ifs=[exp.If(this=exp.and_(*conds, copy=False), true=value)])
