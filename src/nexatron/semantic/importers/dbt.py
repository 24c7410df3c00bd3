"""dbt MetricFlow YAML -> SemanticLayer.

semantic_models (model: ref('table'), defaults.agg_time_dimension, entities, dimensions with
time granularity, measures) and metrics (simple, ratio, derived). Listed as unmapped: cumulative
and conversion metrics, semi-additive measures (non_additive_dimension), fill_nulls_with and
join_to_timespine, and granularities Nexatron has no grain for. Foreign entities that name
another model's primary entity become many-to-one relationships.
Spec: https://docs.getdbt.com/docs/build/semantic-models
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
    GRAINS,
    Agg,
    Dimension,
    Filter,
    Metric,
    Relationship,
    SemanticLayer,
)

AGGS: dict[str, Agg] = {
    "sum": "sum",
    "count": "count",
    "count_distinct": "count_distinct",
    "average": "avg",
    "avg": "avg",
    "min": "min",
    "max": "max",
    "median": "median",
    "sum_boolean": "sum",
}
FINER_THAN_DAY = frozenset({"nanosecond", "microsecond", "millisecond", "second", "minute", "hour"})
# Settings on a metric's measure input that Nexatron does not apply.
INPUT_SETTINGS = {
    "fill_nulls_with": "empty periods stay empty (no value is filled in)",
    "join_to_timespine": "periods without rows are left out (no time spine is joined)",
}
_SQL_WORDS = frozenset({"nullif", "coalesce", "case", "when", "then", "else", "end", "and", "or"})
_REF = re.compile(r"""ref\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"][^'"]+['"]\s*)?\)""")
_JINJA = re.compile(
    r"""\{\{\s*(?:Dimension|TimeDimension|Entity)\(\s*['"]([^'"]+)['"][^)]*\)\s*\}\}"""
)


def _table(model: dict[str, Any]) -> str | None:
    ref = str(model.get("model") or "")
    found = _REF.search(ref)
    return found.group(1) if found else (ref or None) if "(" not in ref else None


def _filter(text: str | None, columns: dict[str, str]) -> tuple[list[Filter], str | None]:
    """A MetricFlow filter as Filters on the metric's table, or the reason it cannot be."""
    if not text:
        return [], None
    plain = _JINJA.sub(
        lambda m: columns.get(m.group(1).split("__")[-1], m.group(1).split("__")[-1]), text
    )
    parts = re.split(r"\s+and\s+", plain, flags=re.IGNORECASE)
    filters = [condition(p) for p in parts]
    if any(f is None for f in filters):
        return [], f"filter {text!r} is not `dimension op literal` joined by AND"
    return [f for f in filters if f is not None], None


class _Dbt:
    def __init__(self) -> None:
        self.layer = SemanticLayer()
        self.unmapped: list[Unmapped] = []
        self.taken: set[str] = set()
        self.measures: dict[str, tuple[dict[str, Any], str, str | None, dict[str, str]]] = {}

    def skip(self, kind: str, name: str, reason: str) -> None:
        self.unmapped.append(Unmapped(kind, name, reason))

    def models(self, models: list[dict[str, Any]]) -> None:
        primaries: dict[str, tuple[str, str]] = {}  # entity -> (table, column)
        foreigns: list[tuple[str, str, str, str]] = []  # (model, table, column, entity)
        for model in models:
            name = str(model.get("name"))
            table = _table(model)
            if table is None:
                self.skip("semantic_model", name, f"model {model.get('model')!r} is not ref('...')")
                continue
            for entity in model.get("entities") or []:
                column = str(entity.get("expr") or entity["name"])
                if entity.get("type") in ("primary", "unique", "natural"):
                    primaries.setdefault(entity["name"], (table, column))
                elif entity.get("type") == "foreign":
                    foreigns.append((name, table, column, entity["name"]))
            columns = self.dimensions(model, name, table)
            default_time = (model.get("defaults") or {}).get("agg_time_dimension")
            for measure in model.get("measures") or []:
                self.measures[measure["name"]] = (measure, table, default_time, columns)
                if measure.get("create_metric"):
                    self.simple(
                        {"name": measure["name"], "type_params": {"measure": measure["name"]}}
                    )
        for model_name, table, column, entity in foreigns:
            target = primaries.get(entity)
            if target is None:
                self.skip("entity", f"{model_name}.{entity}", "no model has it as primary entity")
                continue
            self.layer.relationships.append(
                Relationship(
                    name=f"{table}_{target[0]}",
                    from_table=table,
                    from_columns=[column],
                    to_table=target[0],
                    to_columns=[target[1]],
                    cardinality="many_to_one",
                    origin="import",
                )
            )

    def dimensions(self, model: dict[str, Any], model_name: str, table: str) -> dict[str, str]:
        columns: dict[str, str] = {}  # dbt dimension name -> its column expression
        for dim in model.get("dimensions") or []:
            expr = str(dim.get("expr") or dim["name"])
            columns[dim["name"]] = expr
            kind = dim.get("type", "categorical")
            grains: list[Any] = []
            if kind == "time":
                grain = (dim.get("type_params") or {}).get("time_granularity", "day")
                grains = list(GRAINS[GRAINS.index(grain) :]) if grain in GRAINS else []
                if grain in FINER_THAN_DAY:
                    self.skip(
                        "granularity",
                        f"{model_name}.{dim['name']}",
                        f"time granularity {grain!r} is finer than a day: Nexatron answers by day"
                        " and coarser grains only",
                    )
                elif grain not in GRAINS:
                    self.skip(
                        "granularity",
                        f"{model_name}.{dim['name']}",
                        f"time granularity {grain!r} is not one of Nexatron's grains"
                        f" ({', '.join(GRAINS)}); every grain is offered instead",
                    )
            self.layer.dimensions.append(
                Dimension(
                    name=unique_name(dim["name"], model_name, self.taken),
                    label=dim.get("label") or labeled(dim["name"]),
                    description=dim.get("description"),
                    table=table,
                    expr=expr,
                    type="time" if kind == "time" else "string",
                    grains=grains,
                    origin="import",
                )
            )
        return columns

    def time_dimension(self, table: str, dbt_name: str | None) -> str | None:
        """The imported time dimension called `dbt_name`: on the measure's table first, else on
        a table it joins (order lines aggregated by their order's date)."""
        if not dbt_name:
            return None
        found = [
            d
            for d in self.layer.dimensions
            if d.type == "time" and (d.name == dbt_name or d.name.endswith("_" + dbt_name))
        ]
        found.sort(key=lambda d: d.table != table)
        return found[0].name if found else None

    def simple(self, metric: dict[str, Any]) -> None:
        name = metric["name"]
        params = metric.get("type_params") or {}
        ref = params.get("measure")
        measure_name = ref.get("name") if isinstance(ref, dict) else ref
        if measure_name not in self.measures:
            self.skip("metric", name, f"measure {measure_name!r} is not defined")
            return
        measure, table, default_time, columns = self.measures[measure_name]
        agg = AGGS.get(str(measure.get("agg")))
        if agg is None:
            self.skip("metric", name, f"aggregation {measure.get('agg')!r} has no equivalent")
            return
        semi = measure.get("non_additive_dimension")
        if semi:
            over = semi.get("name") if isinstance(semi, dict) else semi
            self.skip(
                "metric",
                name,
                f"measure {measure_name!r} is semi-additive (non_additive_dimension {over!r}):"
                f" its values must not be added up across {over!r}, and Nexatron would sum them",
            )
            return
        expr = str(measure.get("expr") or measure["name"])
        if measure.get("agg") == "sum_boolean":
            expr = f"CASE WHEN {expr} THEN 1 ELSE 0 END"
        if agg == "count" and str(expr) in ("1", "*"):
            expr = "*"
        texts = [metric.get("filter"), ref.get("filter") if isinstance(ref, dict) else None]
        filters: list[Filter] = []
        for text in texts:
            found, problem = _filter(text, columns)
            if problem:
                self.skip("metric", name, problem)
                return
            filters += found
        for key, why in INPUT_SETTINGS.items():
            if isinstance(ref, dict) and ref.get(key) is not None and ref[key] is not False:
                self.skip("setting", f"{name}.{key}", f"{key} is not applied: {why}")
        time_dim = self.time_dimension(table, measure.get("agg_time_dimension") or default_time)
        self.layer.metrics.append(
            Metric(
                name=unique_name(name, "metric", self.taken),
                label=metric.get("label") or labeled(name),
                description=metric.get("description") or measure.get("description"),
                table=table,
                agg=agg,
                expr=expr,
                filter=filters,
                time_dimension=time_dim,
                origin="import",
            )
        )

    def metric(self, metric: dict[str, Any]) -> None:
        name, kind = metric.get("name", "?"), metric.get("type", "simple")
        params = metric.get("type_params") or {}
        if kind == "simple":
            self.simple(metric)
        elif kind == "ratio":
            parts = [params.get("numerator"), params.get("denominator")]
            if any(isinstance(p, dict) and (p.get("filter") or p.get("alias")) for p in parts):
                self.skip("metric", name, "ratio inputs with their own filter are not supported")
                return
            num, den = (p.get("name") if isinstance(p, dict) else p for p in parts)
            self.layer.metrics.append(
                Metric(
                    name=unique_name(name, "metric", self.taken),
                    label=metric.get("label") or labeled(name),
                    description=metric.get("description"),
                    type="ratio",
                    numerator=num,
                    denominator=den,
                    origin="import",
                )
            )
        elif kind == "derived":
            expression = str(params.get("expr") or "")
            for ref in params.get("metrics") or []:
                if isinstance(ref, dict):
                    if ref.get("offset_window") or ref.get("offset_to_grain") or ref.get("filter"):
                        self.skip(
                            "metric",
                            name,
                            "derived inputs with offsets or filters are not supported",
                        )
                        return
                    if ref.get("alias"):
                        expression = re.sub(
                            rf"\b{re.escape(ref['alias'])}\b", ref["name"], expression
                        )
            self.layer.metrics.append(
                Metric(
                    name=unique_name(name, "metric", self.taken),
                    label=metric.get("label") or labeled(name),
                    description=metric.get("description"),
                    type="derived",
                    expression=expression,
                    origin="import",
                )
            )
        else:
            self.skip("metric", name, f"{kind} metrics are not compiled by Nexatron")

    def prune(self) -> None:
        """Drop ratio and derived metrics whose inputs were not mapped (listing why)."""
        while True:
            names = {m.name for m in self.layer.metrics}
            broken = []
            for m in self.layer.metrics:
                refs: list[str] = []
                if m.type == "ratio":
                    refs = [r for r in (m.numerator, m.denominator) if r]
                elif m.type == "derived":
                    words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", m.expression or "")
                    refs = [w for w in words if not w.isupper() and w.lower() not in _SQL_WORDS]
                missing = [r for r in refs if r and r not in names]
                if missing:
                    broken.append((m, missing))
            if not broken:
                return
            for m, missing in broken:
                self.layer.metrics.remove(m)
                self.skip("metric", m.name, f"uses {', '.join(missing)}, which could not be mapped")


def from_dbt(text: str) -> Converted:
    state = _Dbt()
    docs = load_documents(text)
    state.models([m for d in docs for m in d.get("semantic_models") or []])
    for metric in [m for d in docs for m in d.get("metrics") or []]:
        state.metric(metric)
    state.prune()
    for d in docs:
        for key in d:
            if key not in ("semantic_models", "metrics", "version"):
                state.skip(key, key, f"top-level key {key!r} is not part of a semantic layer")
    return Converted(state.layer, state.unmapped)
