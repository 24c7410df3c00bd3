"""Field-level checks of metrics, dimensions and relationships against the layer and the schema.

Each problem is a FastAPI-style 422 entry `{loc: ["body", field, ...], msg, type}`; an empty list
means valid. Without a schema snapshot, table and column existence checks are skipped.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel
from pydantic import ValidationError as PydanticError
from sqlglot import exp

from nexatron.semantic.exprs import column_names, dotted_name, try_parse
from nexatron.semantic.model import Dimension, Metric, Relationship, SemanticLayer
from nexatron.warehouse.types import SchemaSnapshot, TableInfo

Kind = Literal["metric", "dimension", "relationship"]
Entry = dict[str, Any]
_MODELS: dict[str, type[BaseModel]] = {
    "metric": Metric,
    "dimension": Dimension,
    "relationship": Relationship,
}
_NUMERIC = {"integer", "float", "decimal"}
_NEEDS_NUMBER = {"sum", "avg", "median"}


def _err(loc: list[Any], msg: str, kind: str) -> Entry:
    return {"loc": ["body", *loc], "msg": msg, "type": kind}


def validate_layer_object(
    kind: Kind,
    obj: BaseModel | dict[str, Any],
    layer: SemanticLayer,
    schema: SchemaSnapshot | None,
) -> list[Entry]:
    """Problems with one object to create or update in `layer` (same id = the one updated)."""
    if isinstance(obj, dict):
        try:
            obj = _MODELS[kind].model_validate(obj)
        except PydanticError as err:
            return [_err(list(e["loc"]), e["msg"], e["type"]) for e in err.errors()]
    checker = _Checker(layer, schema, replacing=obj)
    if isinstance(obj, Metric):
        return checker.metric(obj, [])
    if isinstance(obj, Dimension):
        return checker.dimension(obj, [])
    if isinstance(obj, Relationship):
        return checker.relationship(obj, [])
    raise TypeError(f"cannot validate {type(obj).__name__}")


def validate_layer(layer: SemanticLayer, schema: SchemaSnapshot | None) -> list[Entry]:
    """Problems anywhere in a whole layer (import, bootstrap); locations include the index."""
    checker = _Checker(layer, schema, replacing=None)
    out: list[Entry] = []
    for i, m in enumerate(layer.metrics):
        out += checker.metric(m, ["metrics", i])
    for i, d in enumerate(layer.dimensions):
        out += checker.dimension(d, ["dimensions", i])
    for i, r in enumerate(layer.relationships):
        out += checker.relationship(r, ["relationships", i])
    return out


def validate_import(layer: SemanticLayer, schema: SchemaSnapshot | None) -> list[Entry]:
    """Problems of each object of a layer to import, judged against all the others.

    One checker for the whole layer, so this is linear in the layer's size (checking each object
    against a copy of the layer without it was quadratic). Every object sharing its name with
    another is reported, the first one included. Locations are `["body", kind, index, ...]`, in
    the order dimensions, relationships, metrics.
    """
    checker = _Checker(layer, schema, replacing=None, every_duplicate=True)
    out: list[Entry] = []
    for i, d in enumerate(layer.dimensions):
        out += checker.dimension(d, ["dimensions", i])
    for i, r in enumerate(layer.relationships):
        out += checker.relationship(r, ["relationships", i])
    for i, m in enumerate(layer.metrics):
        out += checker.metric(m, ["metrics", i])
    return out


def _path(cycle: list[str], shown: int = 8) -> str:
    """`a -> b -> a`; a long cycle shows its first names, how many are left out, and its end."""
    if len(cycle) <= shown + 1:
        return " -> ".join(cycle)
    return f"{' -> '.join(cycle[:shown])} -> ({len(cycle) - shown - 1} more) -> {cycle[-1]}"


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    if getattr(a, "id", None) and getattr(b, "id", None):
        return bool(a.id == b.id)
    return False


class _Checker:
    def __init__(
        self,
        layer: SemanticLayer,
        schema: SchemaSnapshot | None,
        replacing: Any,
        *,
        every_duplicate: bool = False,
    ) -> None:
        self.schema = schema
        self.replacing = replacing
        self.every_duplicate = every_duplicate  # flag the first of a repeated name too
        self._deps_cache: dict[str, list[str]] = {}
        self._tables: dict[str, TableInfo | None] = {}
        self._on_cycle: set[str] | None = None
        self._cycles: dict[str, tuple[list[str], int]] = {}  # name -> (a cycle through it, where)
        self.relationship_names = {r.name for r in layer.relationships if r.name}
        self.metrics: dict[str, list[Metric]] = {}
        self.dimensions: dict[str, list[Dimension]] = {}
        for m in layer.metrics:
            if not (replacing is not None and _same(m, replacing)):
                self.metrics.setdefault(m.name, []).append(m)
        for d in layer.dimensions:
            if not (replacing is not None and _same(d, replacing)):
                self.dimensions.setdefault(d.name, []).append(d)
        if isinstance(replacing, Metric):
            self.metrics.setdefault(replacing.name, []).append(replacing)
        if isinstance(replacing, Dimension):
            self.dimensions.setdefault(replacing.name, []).append(replacing)

    # -- shared --------------------------------------------------------------------------------

    def _duplicate(
        self,
        name: str,
        obj: Any,
        own: dict[str, list[Any]],
        other: dict[str, list[Any]],
        loc: list[Any],
    ) -> list[Entry]:
        if len(own.get(name, [])) > 1 and (self.every_duplicate or own[name][0] is not obj):
            return [
                _err(
                    [*loc, "name"],
                    f"A {type(obj).__name__.lower()} named {name!r} already exists.",
                    "duplicate",
                )
            ]
        if name in other:
            kind = type(other[name][0]).__name__.lower()
            return [
                _err(
                    [*loc, "name"],
                    f"{name!r} is already the name of a {kind}; names must be unique.",
                    "duplicate",
                )
            ]
        return []

    def _table(self, ref: str | None, loc: list[Any]) -> tuple[TableInfo | None, list[Entry]]:
        if not ref:
            return None, [_err(loc, "A table is required.", "missing")]
        if self.schema is None:
            return None, []
        if ref not in self._tables:  # a lookup scans the schema; a layer names few tables
            self._tables[ref] = self.schema.table(ref)
        table = self._tables[ref]
        if table is None:
            return None, [
                _err(loc, f"Table {ref!r} does not exist in the connection's schema.", "not_found")
            ]
        return table, []

    def _expr(
        self, sql: str | None, table: TableInfo | None, loc: list[Any]
    ) -> tuple[exp.Expr | None, list[Entry]]:
        if sql is None or not sql.strip():
            return None, [_err(loc, "An expression is required.", "missing")]
        tree, problem = try_parse(sql)
        if tree is None:
            return None, [_err(loc, f"Cannot parse {sql!r}: {problem}", "syntax_error")]
        missing = [c for c in column_names(tree) if table is not None and table.column(c) is None]
        if missing:
            names = ", ".join(sorted(set(missing)))
            return tree, [
                _err(
                    loc,
                    f"Column(s) {names} not found in table {table.qualified_name!r}.",  # type: ignore[union-attr]
                    "not_found",
                )
            ]
        return tree, []

    # -- kinds ---------------------------------------------------------------------------------

    def metric(self, m: Metric, loc: list[Any]) -> list[Entry]:
        out = self._duplicate(m.name, m, self.metrics, self.dimensions, loc)
        if m.type in ("simple", "cumulative"):
            out += self._simple(m, loc)
        elif m.type == "ratio":
            for field in ("numerator", "denominator"):
                ref = getattr(m, field)
                if not ref:
                    out.append(_err([*loc, field], f"A ratio metric needs a {field}.", "missing"))
                elif ref not in self.metrics:
                    out.append(_err([*loc, field], f"Metric {ref!r} does not exist.", "not_found"))
        elif m.type == "derived":
            tree, problems = self._expr(m.expression, None, [*loc, "expression"])
            out += problems
            if tree is not None:
                for c in tree.find_all(exp.Column):
                    if dotted_name(c) not in self.metrics:
                        out.append(
                            _err(
                                [*loc, "expression"],
                                f"Metric {dotted_name(c)!r} does not exist.",
                                "not_found",
                            )
                        )
        if m.type in ("ratio", "derived"):
            cycle = self._cycle(m.name)
            if cycle:
                out.append(
                    _err(
                        [*loc, (m.type == "ratio" and "numerator") or "expression"],
                        f"Metrics depend on each other in a cycle: {_path(cycle)}.",
                        "cycle",
                    )
                )
        return out

    def _simple(self, m: Metric, loc: list[Any]) -> list[Entry]:
        table, out = self._table(m.table, [*loc, "table"])
        if m.agg is None:
            out.append(_err([*loc, "agg"], "A simple metric needs an agg.", "missing"))
        count_star = m.agg == "count" and (m.expr is None or m.expr.strip() in ("", "*"))
        if not count_star and m.agg is not None:
            tree, problems = self._expr(m.expr, table, [*loc, "expr"])
            out += problems
            if isinstance(tree, exp.Column) and table is not None and m.agg in _NEEDS_NUMBER:
                c = table.column(tree.name)
                if c is not None and c.type not in _NUMERIC:
                    out.append(
                        _err(
                            [*loc, "agg"],
                            f"{m.agg} needs a numeric column; {c.name} is {c.type}.",
                            "type_error",
                        )
                    )
        for i, f in enumerate(m.filter):
            if (
                f.field not in self.dimensions
                and table is not None
                and table.column(f.field) is None
            ):
                out.append(
                    _err(
                        [*loc, "filter", i, "field"],
                        f"{f.field!r} is neither a dimension nor a column of {m.table!r}.",
                        "not_found",
                    )
                )
        if m.time_dimension:
            dims = self.dimensions.get(m.time_dimension)
            if not dims:
                out.append(
                    _err(
                        [*loc, "time_dimension"],
                        f"Dimension {m.time_dimension!r} does not exist.",
                        "not_found",
                    )
                )
            elif dims[0].type != "time":
                out.append(
                    _err(
                        [*loc, "time_dimension"],
                        f"Dimension {m.time_dimension!r} is not a time dimension.",
                        "type_error",
                    )
                )
        return out

    def _deps(self, name: str) -> list[str]:
        found = self._deps_cache.get(name)
        if found is None:
            found = self._deps_cache[name] = self._parse_deps(name)
        return found

    def _parse_deps(self, name: str) -> list[str]:
        ms = self.metrics.get(name)
        if not ms:
            return []
        m = ms[-1]
        if m.type == "ratio":
            return [x for x in (m.numerator, m.denominator) if x]
        if m.type == "derived" and m.expression:
            tree, _ = try_parse(m.expression)
            return [dotted_name(c) for c in tree.find_all(exp.Column)] if tree is not None else []
        return []

    def _cyclic(self) -> set[str]:
        """Names of the metrics that lie on a dependency cycle (Tarjan's strongly connected
        components, iterative), computed once: linear in metrics and references."""
        if self._on_cycle is not None:
            return self._on_cycle
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        cyclic: set[str] = set()
        for root in self.metrics:
            if root in index:
                continue
            work: list[tuple[str, int]] = [(root, 0)]
            while work:
                node, child = work.pop()
                if child == 0:
                    index[node] = low[node] = len(index)
                    stack.append(node)
                    on_stack.add(node)
                deps = [d for d in self._deps(node) if d in self.metrics]
                if child < len(deps):
                    work.append((node, child + 1))
                    dep = deps[child]
                    if dep not in index:
                        work.append((dep, 0))
                    elif dep in on_stack:
                        low[node] = min(low[node], index[dep])
                    continue
                if low[node] == index[node]:
                    component = []
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        component.append(top)
                        if top == node:
                            break
                    if len(component) > 1 or node in deps:
                        cyclic.update(component)
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
        self._on_cycle = cyclic
        return cyclic

    def _cycle(self, start: str) -> list[str] | None:
        """A dependency path from `start` back to itself, or None (most metrics: no search)."""
        if start not in self._cyclic():
            return None
        known = self._cycles.get(start)
        if known is not None:  # on a cycle found from another metric: the same cycle, rotated
            cycle, at = known
            return cycle[at:] + cycle[1 : at + 1]
        found = self._search_cycle(start)
        if found is not None:
            for at, name in enumerate(found[:-1]):
                self._cycles.setdefault(name, (found, at))
        return found

    def _search_cycle(self, start: str) -> list[str] | None:
        parent: dict[str, str] = {}
        queue = [start]
        for node in queue:  # breadth first, so the path is a shortest one
            for dep in self._deps(node):
                if dep == start:
                    path = [dep, node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return path[::-1]
                if dep not in parent and dep in self.metrics:
                    parent[dep] = node
                    queue.append(dep)
        return None

    def dimension(self, d: Dimension, loc: list[Any]) -> list[Entry]:
        out = self._duplicate(d.name, d, self.dimensions, self.metrics, loc)
        table, problems = self._table(d.table, [*loc, "table"])
        out += problems
        tree, problems = self._expr(d.expr, table, [*loc, "expr"])
        out += problems
        if d.via is not None and d.via not in self.relationship_names:
            out.append(_err([*loc, "via"], f"No relationship is named {d.via!r}.", "not_found"))
        if d.grains and d.type != "time":
            out.append(_err([*loc, "grains"], "Only time dimensions have grains.", "type_error"))
        if d.type == "time" and isinstance(tree, exp.Column) and table is not None:
            c = table.column(tree.name)
            if c is not None and c.type in _NUMERIC | {"boolean"}:
                out.append(
                    _err(
                        [*loc, "type"],
                        f"{c.name} is {c.type}, not a date or timestamp.",
                        "type_error",
                    )
                )
        return out

    def relationship(self, r: Relationship, loc: list[Any]) -> list[Entry]:
        out: list[Entry] = []
        if len(r.from_columns) != len(r.to_columns):
            out.append(
                _err(
                    [*loc, "to_columns"],
                    f"{len(r.from_columns)} from_columns but {len(r.to_columns)} to_columns.",
                    "mismatch",
                )
            )
        for side in ("from", "to"):
            table, problems = self._table(getattr(r, f"{side}_table"), [*loc, f"{side}_table"])
            out += problems
            if table is None:
                continue
            for i, c in enumerate(getattr(r, f"{side}_columns")):
                if table.column(c) is None:
                    out.append(
                        _err(
                            [*loc, f"{side}_columns", i],
                            f"Column {c!r} not found in table {table.qualified_name!r}.",
                            "not_found",
                        )
                    )
        return out
