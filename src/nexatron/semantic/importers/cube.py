"""Cube YAML (`cubes:` with sql_table, measures, dimensions, joins) -> SemanticLayer.

Members are read in both of Cube's syntaxes: `{CUBE}.column` and `{CUBE.member}` /
`{cube.member}` (a dimension, resolved to its column). Whatever has no equivalent (rolling
windows, segments, pre-aggregations, views, ...) is listed as unmapped, never imported as
something that gives other numbers.
Spec: https://cube.dev/docs/product/data-modeling/reference/cube
"""

from __future__ import annotations

import re
from typing import Any

from nexatron.semantic.importers.common import (
    Converted,
    Unmapped,
    condition,
    labeled,
    load_documents,
    unique_name,
)
from nexatron.semantic.model import (
    Agg,
    Cardinality,
    Dimension,
    Filter,
    Metric,
    Relationship,
    SemanticLayer,
)

AGGS: dict[str, Agg] = {
    "count": "count",
    "count_distinct": "count_distinct",
    "count_distinct_approx": "count_distinct",
    "sum": "sum",
    "avg": "avg",
    "min": "min",
    "max": "max",
}
RELATIONSHIPS: dict[str, Cardinality] = {
    "many_to_one": "many_to_one",
    "belongs_to": "many_to_one",
    "belongsTo": "many_to_one",
    "one_to_many": "one_to_many",
    "has_many": "one_to_many",
    "hasMany": "one_to_many",
    "one_to_one": "one_to_one",
    "has_one": "one_to_one",
    "hasOne": "one_to_one",
}
TYPES = {"string": "string", "number": "number", "boolean": "boolean", "time": "time"}
# Measure settings that change its numbers: importing it as a plain aggregate would be wrong.
MEASURE_WINDOWS = {
    "rolling_window": "a rolling window (running or trailing total) is not compiled by Nexatron",
    "multi_stage": "multi-stage measures are not compiled by Nexatron",
    "time_shift": "time-shifted measures are not compiled by Nexatron",
    "group_by": "measures with their own group_by are not compiled by Nexatron",
    "reduce_by": "measures with reduce_by are not compiled by Nexatron",
    "add_group_by": "measures with add_group_by are not compiled by Nexatron",
}
DIMENSION_KINDS = {
    "case": "`case` dimensions are not mapped",
    "sub_query": "sub-query dimensions are not mapped",
    "sub_query_sql": "sub-query dimensions are not mapped",
}
# Cube keys read by the importer or without effect on numbers (titles, visibility, caching).
CUBE_KEYS = frozenset(
    {"name", "sql_table", "sql", "joins", "measures", "dimensions", "title", "description"}
    | {"public", "shown", "meta", "sql_alias", "data_source", "refresh_key"}
)
CUBE_PARTS = {
    "segments": ("segment", "segments (named filters) have no equivalent in Nexatron"),
    "pre_aggregations": (
        "pre_aggregation",
        "pre-aggregations are Cube's cache; Nexatron queries the tables",
    ),
    "hierarchies": ("hierarchy", "hierarchies have no equivalent in Nexatron"),
    "folders": ("folder", "folders have no equivalent in Nexatron"),
}
_SELF = re.compile(r"\{(?:CUBE|TABLE)\}\.")
_MEMBER = re.compile(r"\{(?:(?P<cube>\w+)\.)?(?P<member>\w+)\}(?!\.)")
_SELECT_ALL = re.compile(r"^\s*select\s+\*\s+from\s+([A-Za-z_][A-Za-z0-9_.]*)\s*$", re.IGNORECASE)
_SIDE = re.compile(
    r"^\s*(?:\{(?P<cube>\w+)\}\.(?P<column>\w+)|\{(?P<of>\w+)\.(?P<member>\w+)\})\s*$"
)
_BRACED = re.compile(r"\{[^{}]*\}(?:\.\w+)?")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _table(cube: dict[str, Any]) -> str | None:
    if cube.get("sql_table"):
        return str(cube["sql_table"])
    found = _SELECT_ALL.match(str(cube.get("sql") or ""))
    return found.group(1) if found else None


class _Members:
    """Resolves member references to SQL on a cube's own columns."""

    def __init__(self, cubes: list[dict[str, Any]]) -> None:
        self.dims = {
            str(c.get("name")): {str(d["name"]): d for d in c.get("dimensions") or []}
            for c in cubes
        }

    def column(
        self, cube: str, sql: str | None, default: str, seen: frozenset[str] = frozenset()
    ) -> str | None:
        """`sql` on `cube`'s columns: `{CUBE}.x` and `{cube}.x` are columns, `{CUBE.dim}`,
        `{cube.dim}` and `{dim}` the dimension's own SQL; None when it refers to another cube,
        to a measure or to an undefined member (`unresolved` names them)."""
        text = self.resolve(cube, sql, default, seen)
        return None if "{" in text else text

    def unresolved(self, cube: str, sql: str | None, default: str) -> str:
        """The references left in braces once `sql` is resolved, for the reason text."""
        return ", ".join(_BRACED.findall(self.resolve(cube, sql, default)))

    def resolve(
        self, cube: str, sql: str | None, default: str, seen: frozenset[str] = frozenset()
    ) -> str:
        text = _SELF.sub("", str(sql if sql is not None else default))
        text = text.replace("{" + cube + "}.", "")

        def member(found: re.Match[str]) -> str:
            owner, name = found["cube"] or cube, found["member"]
            dim = self.dims.get(cube, {}).get(name)
            if owner not in ("CUBE", cube) or dim is None or name in seen:
                return found[0]  # left in braces: not mapped
            inner = self.column(cube, dim.get("sql"), name, seen | {name})
            if inner is None:
                return found[0]
            return inner if _IDENT.match(inner) else f"({inner})"

        return _MEMBER.sub(member, text).strip()

    def side(self, cube: str, text: str) -> tuple[str, str] | None:
        """One side of a join condition as (cube, column), or None."""
        found = _SIDE.match(text)
        if found is None:
            return None
        if found["cube"]:
            return (cube if found["cube"] == "CUBE" else found["cube"]), found["column"]
        owner = cube if found["of"] == "CUBE" else found["of"]
        dim = self.dims.get(owner, {}).get(found["member"])
        if dim is None:
            return None
        column = self.column(owner, dim.get("sql"), found["member"])
        return (owner, column) if column and _IDENT.match(column) else None

    def join(self, cube: str, joined: str, sql: str) -> tuple[tuple[str, str], tuple[str, str]]:
        """(this cube's column, the joined cube's column), or ValueError with the reason."""
        parts = sql.split("=")
        if len(parts) != 2:
            raise ValueError("its sql is not one equality (`{CUBE}.x = {other.y}`)")
        found = [self.side(cube, p) for p in parts]
        sides = [s for s in found if s is not None]
        if len(sides) != 2:
            raise ValueError(
                f"its sql {sql!r} is not `{{CUBE}}.x = {{other}}.y` or `{{CUBE.x}} = {{other.y}}`"
                " (members must be dimensions on a column)"
            )
        own = [s for s in sides if s[0] == cube]
        other = [s for s in sides if s[0] == joined]
        if len(own) != 1 or len(other) != 1:
            raise ValueError(f"its sql {sql!r} does not compare {cube} with {joined}")
        return own[0], other[0]


def _refers(references: str, cube: str) -> str:
    return (
        f"its sql refers to {references}, which is not a dimension of {cube}"
        " (measures and other cubes' members cannot be inlined)"
    )


def from_cube(text: str) -> Converted:
    docs = load_documents(text)
    cubes = [c for d in docs for c in d.get("cubes") or []]
    members = _Members(cubes)
    unmapped: list[Unmapped] = []
    metrics: list[Metric] = []
    dimensions: list[Dimension] = []
    relationships: list[Relationship] = []
    tables: dict[str, str] = {}
    taken: set[str] = set()
    for d in docs:
        for key, value in d.items():
            if key == "cubes":
                continue
            if key == "views":
                for view in value or []:
                    name = str(view.get("name") if isinstance(view, dict) else view)
                    why = "views are not imported; their cubes' members are"
                    unmapped.append(Unmapped("view", name, why))
                continue
            why = f"top-level key {key!r} is not part of a semantic layer"
            unmapped.append(Unmapped(key, key, why))
    for cube in cubes:
        name = str(cube.get("name"))
        table = _table(cube)
        if table is None:
            unmapped.append(Unmapped("cube", name, "its `sql` is not `SELECT * FROM table`"))
            continue
        tables[name] = table
        for key in cube:
            if key in CUBE_PARTS:
                part_kind, why = CUBE_PARTS[key]
                for part in cube[key] or []:
                    part_name = part.get("name") if isinstance(part, dict) else part
                    unmapped.append(Unmapped(part_kind, f"{name}.{part_name}", why))
            elif key not in CUBE_KEYS:
                why = f"cube setting {key!r} is not mapped"
                unmapped.append(Unmapped("cube_setting", f"{name}.{key}", why))
        times: list[str] = []
        for dim in cube.get("dimensions") or []:
            label = f"{name}.{dim['name']}"
            kinds = [why for key, why in DIMENSION_KINDS.items() if dim.get(key)]
            if kinds:
                unmapped.append(Unmapped("dimension", label, kinds[0]))
                continue
            expr = members.column(name, dim.get("sql"), dim["name"])
            kind = TYPES.get(str(dim.get("type", "string")))
            if expr is None or kind is None:
                why = (
                    _refers(members.unresolved(name, dim.get("sql"), dim["name"]), name)
                    if expr is None
                    else f"type {dim.get('type')!r}"
                )
                unmapped.append(Unmapped("dimension", label, why))
                continue
            dimension = Dimension(
                name=unique_name(dim["name"], name, taken),
                label=dim.get("title") or labeled(dim["name"]),
                description=dim.get("description"),
                table=table,
                expr=expr,
                type=kind,
                origin="import",
            )
            dimensions.append(dimension)
            if kind == "time":
                times.append(dimension.name)
        for measure in cube.get("measures") or []:
            label = f"{name}.{measure['name']}"
            agg = AGGS.get(str(measure.get("type")))
            if agg is None:
                unmapped.append(
                    Unmapped("measure", label, f"type {measure.get('type')!r} has no equivalent")
                )
                continue
            windows = [why for key, why in MEASURE_WINDOWS.items() if measure.get(key)]
            if windows:
                unmapped.append(Unmapped("measure", label, windows[0]))
                continue
            expr = members.column(
                name, measure.get("sql"), "*" if agg == "count" else measure["name"]
            )
            if expr is None:
                why = _refers(members.unresolved(name, measure.get("sql"), ""), name)
                unmapped.append(Unmapped("measure", label, why))
                continue
            filters: list[Filter] = []
            problem = None
            for f in measure.get("filters") or []:
                resolved = members.column(name, str(f.get("sql", "")), "")
                found = condition(resolved) if resolved is not None else None
                if found is None:
                    problem = f"filter {f.get('sql')!r} is not `column op literal`"
                    break
                filters.append(found)
            if problem:
                unmapped.append(Unmapped("measure", label, problem))
                continue
            metrics.append(
                Metric(
                    name=unique_name(f"{name}_{measure['name']}", name, taken),
                    label=measure.get("title") or labeled(f"{name} {measure['name']}"),
                    description=measure.get("description"),
                    table=table,
                    agg=agg,
                    expr=expr,
                    filter=filters,
                    time_dimension=times[0] if len(times) == 1 else None,
                    origin="import",
                )
            )
    edges: set[frozenset[tuple[str, str]]] = set()
    names: set[str] = set()
    for cube in cubes:
        name = str(cube.get("name"))
        for join in cube.get("joins") or []:
            joined = str(join.get("name"))
            label = f"{name} -> {joined}"
            cardinality = RELATIONSHIPS.get(str(join.get("relationship")))
            if cardinality is None:
                why = f"relationship {join.get('relationship')!r} cannot be mapped"
                unmapped.append(Unmapped("join", label, why))
                continue
            try:
                (_, own), (_, other) = members.join(name, joined, str(join.get("sql", "")))
            except ValueError as exc:
                unmapped.append(Unmapped("join", label, str(exc)))
                continue
            if name not in tables or joined not in tables:
                unmapped.append(Unmapped("join", label, "it joins a cube that was not mapped"))
                continue
            edge = frozenset({(name, own), (joined, other)})
            if edge in edges:
                continue  # the same join declared again (or from the other cube): one relationship
            edges.add(edge)
            relationships.append(
                Relationship(
                    name=unique_name(f"{name}_{joined}", "join", names),
                    from_table=tables[name],
                    from_columns=[own],
                    to_table=tables[joined],
                    to_columns=[other],
                    cardinality=cardinality,
                    origin="import",
                )
            )
    layer = SemanticLayer(metrics=metrics, dimensions=dimensions, relationships=relationships)
    return Converted(layer, unmapped)
