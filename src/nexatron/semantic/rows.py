"""Compile a row-level SemanticQuery (`columns` set): one output row per row of one table.

Shape of the SQL:

    SELECT <column exprs>            FROM <entity> t0 LEFT JOIN <many-to-one dims> ...
    WHERE <filters> AND <time range> AND NOT EXISTS (<absent child rows>)
    ORDER BY <order dims>, <shown columns>   LIMIT <row cap>

With `limit` and `order` (a row-level top-N: 'the 3 most expensive products'), the rows are
ranked with RANK() over the order dimensions in a CTE and every row ranked within the limit is
kept, so a cut inside a tie keeps all tied rows (like a top-N by a metric); the answer's tie
warning says so. Only many-to-one (or one-to-one) paths are followed from the entity, so a row
is never repeated.
"""

from __future__ import annotations

import datetime as dt

from sqlglot import exp

from nexatron.semantic.dialects import LiteralKind, SqlDialect
from nexatron.semantic.exprs import CompileError, add_cte, col, ident, table, table_ref
from nexatron.semantic.joins import join_graph
from nexatron.semantic.model import (
    CompiledQuery,
    Dimension,
    OutputColumn,
    SemanticLayer,
    SemanticQuery,
)
from nexatron.semantic.predicates import predicate
from nexatron.semantic.sources import Joiner, SourceContext, not_exists
from nexatron.warehouse.types import SchemaSnapshot

_DIM_TYPES = {"string": "string", "number": "number", "boolean": "boolean"}


def output_name(name: str) -> str:
    """The result column name for a metric/dimension name ("." is not safe in every engine)."""
    return name.replace(".", "__")


def row_entity(layer: SemanticLayer, query: SemanticQuery) -> str:
    """The table whose rows a row query lists: `entity`, else the first column's table."""
    if query.entity:
        return query.entity
    first = layer.dimension(query.columns[0]) if query.columns else None
    if first is None:
        raise CompileError("A row query needs 'entity' or known 'columns'.", code="empty_query")
    return first.table


def compile_rows(
    layer: SemanticLayer,
    query: SemanticQuery,
    dialect: SqlDialect,
    schema: SchemaSnapshot | None,
    row_cap: int | None,
) -> CompiledQuery:
    """SQL listing the rows of the query's entity; CompileError (422) for unknown names, columns
    not reachable many-to-one from the entity, and malformed filters."""
    unknown = [
        n
        for n in [
            *query.columns,
            *(f.field for f in query.filters),
            *(o.field for o in query.order),
            *(f.field for a in query.absent for f in a.filters),
        ]
        if layer.dimension(n) is None
    ]
    if unknown:
        names = ", ".join(repr(n) for n in dict.fromkeys(unknown))
        raise CompileError(f"Unknown dimension {names} in a row query.", code="unknown_name")
    entity = row_entity(layer, query)
    known_tables = {d.table.lower() for d in layer.dimensions} | {
        (m.table or "").lower() for m in layer.metrics
    }
    if entity.lower() not in known_tables:
        raise CompileError(f"Unknown entity table {entity!r}.", code="unknown_name")
    ctx = SourceContext(
        layer=layer,
        dialect=dialect,
        schema=schema,
        graph=join_graph(layer),
        dims=[],
        grain=None,
        time_range=None,
        filters=[],
    )
    joiner = Joiner(ctx, entity, f"for the rows of {entity}")

    def dim(name: str) -> Dimension:
        found = layer.dimension(name)
        assert found is not None
        return found

    shown = list(dict.fromkeys(query.columns))
    selects: list[exp.Expr] = []
    columns: list[OutputColumn] = []
    for name in shown:
        d = dim(name)
        selects.append(
            exp.Alias(this=joiner.dimension(d), alias=ident(output_name(name), force_quote=True))
        )
        columns.append(
            OutputColumn(
                name=output_name(name),
                role="dimension",
                ref=name,
                label=d.label or name,
                type=_type(d, schema),
            )
        )
    where: list[exp.Expr] = []
    for f in query.filters:
        d = dim(f.field)
        where.append(
            predicate(
                joiner.dimension(d), f.op, f.values, kind=d.type, dialect=dialect, field=f.field
            )
        )
    where += _time_range(query, joiner, layer, dialect, schema)
    where += [not_exists(ctx, entity, "t0", a) for a in query.absent]
    order = [(joiner.dimension(dim(o.field)), o.desc) for o in query.order]
    rows = exp.select(*selects, copy=False).from_(table_ref(entity, "t0"), copy=False)
    for join in joiner.joins:
        rows = rows.join(join, copy=False)
    if where:
        rows.set("where", exp.Where(this=exp.and_(*where, copy=False)))
    tail = [col(c.name) for c in columns]
    if (query.limit is not None or query.rank is not None) and order:
        return _ranked(rows, order, tail, (query.limit, query.rank), row_cap, dialect, columns)
    keys = [exp.Ordered(this=x, desc=desc, nulls_first=False) for x, desc in order]
    if keys:
        keys += [exp.Ordered(this=c, desc=False, nulls_first=False) for c in tail]
        rows = rows.order_by(*keys, copy=False)
    cut = min(x for x in (query.limit, row_cap) if x) if (query.limit or row_cap) else None
    if cut:
        rows = rows.limit(cut, copy=False)
    return _compiled(rows, dialect, columns)


def _ranked(
    rows: exp.Select,
    order: list[tuple[exp.Expr, bool]],
    tail: list[exp.Column],
    cut: tuple[int | None, int | None],
    row_cap: int | None,
    dialect: SqlDialect,
    columns: list[OutputColumn],
) -> CompiledQuery:
    """Rank the rows by the order dimensions; keep every row ranked within the limit (ties), or
    with a `rank` the rows at that dense rank only ('the second largest')."""
    limit, rank = cut
    keys = [exp.Ordered(this=x.copy(), desc=desc, nulls_first=False) for x, desc in order]
    ranking = exp.Rank() if rank is None else exp.DenseRank()
    window = exp.Window(this=ranking, order=exp.Order(expressions=keys), over="OVER")
    inner = rows.select(exp.Alias(this=window, alias=ident("_rank")), copy=False)
    for i, (x, _desc) in enumerate(order):
        inner = inner.select(exp.Alias(this=x.copy(), alias=ident(f"_o{i}")), copy=False)
    final = add_cte(exp.select(*tail, copy=False), "ranked", inner)
    final = final.from_(table("ranked"), copy=False)
    kept = (
        exp.EQ(this=col("_rank"), expression=exp.Literal.number(rank))
        if rank is not None
        else exp.LTE(this=col("_rank"), expression=exp.Literal.number(limit or 1))
    )
    final.set("where", exp.Where(this=kept))
    ordered = [
        exp.Ordered(this=col(f"_o{i}"), desc=desc, nulls_first=False)
        for i, (_x, desc) in enumerate(order)
    ]
    ordered += [exp.Ordered(this=c.copy(), desc=False, nulls_first=False) for c in tail]
    final = final.order_by(*ordered, copy=False)
    if row_cap:
        final = final.limit(row_cap, copy=False)
    return _compiled(final, dialect, columns)


def _compiled(tree: exp.Select, dialect: SqlDialect, columns: list[OutputColumn]) -> CompiledQuery:
    tree = dialect.finish(tree)
    compiled = CompiledQuery(sql=dialect.render(tree), dialect=dialect.name, columns=columns)
    compiled._tree = tree
    return compiled


def _time_range(
    query: SemanticQuery,
    joiner: Joiner,
    layer: SemanticLayer,
    dialect: SqlDialect,
    schema: SchemaSnapshot | None,
) -> list[exp.Expr]:
    """The time range on the named time dimension (a row query has no metric default)."""
    t = query.time
    if t is None or t.range is None or (t.range.start is None and t.range.end is None):
        return []
    if not t.dimension:
        raise CompileError(
            "A time range in a row query needs time.dimension.", code="no_time_dimension"
        )
    d = layer.dimension(t.dimension)
    if d is None or d.type != "time":
        raise CompileError(f"{t.dimension!r} is not a time dimension.", code="not_time")
    x = joiner.dimension(d)
    kind: LiteralKind = _time_kind(d, schema) or "date"
    out: list[exp.Expr] = []
    if t.range.start is not None:
        start_kind = kind if _time_kind(d, schema) else _kind_of(t.range.start)
        out.append(
            exp.GTE(this=x.copy(), expression=dialect.date_literal(t.range.start, start_kind))
        )
    if t.range.end is not None:
        end_kind = kind if _time_kind(d, schema) else _kind_of(t.range.end)
        out.append(exp.LT(this=x.copy(), expression=dialect.date_literal(t.range.end, end_kind)))
    return out


def _kind_of(value: object) -> LiteralKind:
    return "timestamp" if isinstance(value, dt.datetime) else "date"


def _time_kind(d: Dimension, schema: SchemaSnapshot | None) -> LiteralKind | None:
    if schema is None:
        return None
    found = schema.table(d.table)
    column = found.column(d.expr.strip()) if found else None
    if column is None or column.type not in {"date", "timestamp"}:
        return None
    return "date" if column.type == "date" else "timestamp"


def _type(d: Dimension, schema: SchemaSnapshot | None) -> str:
    if d.type != "time":
        return _DIM_TYPES[d.type]
    return "date" if _time_kind(d, schema) == "date" else "timestamp"
