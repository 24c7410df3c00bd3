"""Cube YAML (`cubes:` with sql_table, measures, dimensions, joins) -> SemanticLayer.

Whatever has no equivalent (rolling windows, segments, pre-aggregations, views, ...) is listed as
unmapped, never imported as something that gives other numbers.

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
from nexatron.semantic.model import Agg, Cardinality, Dimension, Filter, Metric, Relationship

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
_SELECT_ALL = re.compile(r"^\s*select\s+\*\s+from\s+([A-Za-z_][A-Za-z0-9_.]*)\s*$", re.IGNORECASE)
_JOIN = re.compile(r"^\s*\{(?P<a>\w+)\}\.(?P<ac>\w+)\s*=\s*\{(?P<b>\w+)\}\.(?P<bc>\w+)\s*$")


def _table(cube: dict[str, Any]) -> str | None:
    if cube.get("sql_table"):
        return str(cube["sql_table"])
    found = _SELECT_ALL.match(str(cube.get("sql") or ""))
    return found.group(1) if found else None


def _column(sql: str | None, default: str) -> str | None:
    """A measure's or dimension's SQL on its own cube's columns, or None (refers elsewhere)."""
    text = _SELF.sub("", str(sql if sql is not None else default)).strip()
    return None if "{" in text else text


def from_cube(text: str) -> Converted:
    docs = load_documents(text)
    cubes = [c for d in docs for c in d.get("cubes") or []]
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
            kinds = [why for key, why in DIMENSION_KINDS.items() if dim.get(key)]
            if kinds:
                unmapped.append(Unmapped("dimension", f"{name}.{dim['name']}", kinds[0]))
                continue
            expr = _column(dim.get("sql"), dim["name"])
            kind = TYPES.get(str(dim.get("type", "string")))
            if expr is None or kind is None:
                why = (
                    "its sql refers to another cube"
                    if expr is None
                    else f"type {dim.get('type')!r}"
                )
                unmapped.append(Unmapped("dimension", f"{name}.{dim['name']}", why))
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
            expr = _column(measure.get("sql"), "*" if agg == "count" else measure["name"])
            if expr is None:
                unmapped.append(Unmapped("measure", label, "its sql refers to another cube"))
                continue
            filters: list[Filter] = []
            problem = None
            for f in measure.get("filters") or []:
                found = condition(_SELF.sub("", str(f.get("sql", ""))))
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
    for cube in cubes:
        for join in cube.get("joins") or []:
            label = f"{cube.get('name')} -> {join.get('name')}"
            cardinality = RELATIONSHIPS.get(str(join.get("relationship")))
            sql = str(join.get("sql", "")).replace("{CUBE}", "{" + str(cube.get("name")) + "}")
            joined = _JOIN.match(sql)
            if cardinality is None or joined is None:
                why = "relationship" if cardinality is None else "sql is not `{a}.x = {b}.y`"
                unmapped.append(Unmapped("join", label, f"its {why} cannot be mapped"))
                continue
            if joined["a"] not in tables or joined["b"] not in tables:
                unmapped.append(Unmapped("join", label, "it joins a cube that was not mapped"))
                continue
            relationships.append(
                Relationship(
                    name=f"{joined['a']}_{joined['b']}",
                    from_table=tables[joined["a"]],
                    from_columns=[joined["ac"]],
                    to_table=tables[joined["b"]],
                    to_columns=[joined["bc"]],
                    cardinality=cardinality,
                    origin="import",
                )
            )
    from nexatron.semantic.model import SemanticLayer

    layer = SemanticLayer(metrics=metrics, dimensions=dimensions, relationships=relationships)
    return Converted(layer, unmapped)
