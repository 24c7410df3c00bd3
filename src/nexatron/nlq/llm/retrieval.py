"""Retrieve the slice of schema and semantic layer relevant to one question, within a token budget.

Tables and layer items are ranked by BM25 over their names, labels, synonyms and comments; the best
tables bring their foreign-key neighbours and the tables those neighbours reference. Everything is
rendered as plain JSON-able data so the prompt can quote it (schema text is data, never orders)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from nexatron.nlq.llm.lexical import BM25, ranked, tokens
from nexatron.semantic.model import Dimension, Metric, SemanticLayer, SemanticQuery
from nexatron.warehouse.types import SchemaSnapshot, TableInfo

CHARS_PER_TOKEN = 4
MAX_COLUMNS = 40
MAX_TEXT = 300
MAX_VALUES = 20
SEED_TABLES = 8
NEIGHBOURS_PER_TABLE = 10


def data_json(obj: Any) -> str:
    """Compact JSON with `<` escaped, so no data can open or close a prompt's `<data>` tags."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str)
    return text.replace("<", "\\u003c")


def approx_tokens(obj: Any) -> int:
    return len(data_json(obj)) // CHARS_PER_TOKEN + 1


def _clip(text: str | None) -> str | None:
    if not text:
        return None
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _compact(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in (None, [], {}, "")}


def render_metric(m: Metric) -> dict[str, Any]:
    return _compact(
        {
            "name": m.name, "label": m.label, "description": _clip(m.description),
            "synonyms": m.synonyms, "type": m.type, "table": m.table, "agg": m.agg, "expr": m.expr,
            "filter": [f.model_dump(mode="json") for f in m.filter],
            "time_dimension": m.time_dimension, "numerator": m.numerator,
            "denominator": m.denominator, "expression": m.expression,
        }
    )  # fmt: skip


def render_dimension(d: Dimension) -> dict[str, Any]:
    return _compact(
        {
            "name": d.name, "label": d.label, "description": _clip(d.description),
            "synonyms": d.synonyms, "table": d.table, "type": d.type, "grains": d.grains,
        }
    )  # fmt: skip


def render_table(t: TableInfo, focus: set[str]) -> dict[str, Any]:
    """A table as compact data; wide tables keep keys and question-matching columns first."""
    refs = {
        col: f"{fk.ref_table}.{ref}"
        for fk in t.foreign_keys
        for col, ref in zip(fk.columns, fk.ref_columns, strict=False)
    }
    pk = set(t.primary_key) | {c.name for c in t.columns if c.primary_key}

    def rank(i: int) -> tuple[int, int]:
        c = t.columns[i]
        keyed = c.name in pk or c.name in refs
        hit = bool(focus.intersection(tokens(c.name)))
        return (0 if keyed or hit else 1, i)

    keep = sorted(range(len(t.columns)), key=rank)[:MAX_COLUMNS]
    columns: dict[str, str] = {}
    comments: dict[str, str] = {}
    for i in sorted(keep):
        c = t.columns[i]
        desc = c.type + (" pk" if c.name in pk else "")
        columns[c.name] = desc + (f" fk {refs[c.name]}" if c.name in refs else "")
        if clipped := _clip(c.comment):
            comments[c.name] = clipped
    out: dict[str, Any] = {"table": t.qualified_name, "comment": _clip(t.comment)}
    out.update(columns=columns, column_comments=comments)
    if len(t.columns) > MAX_COLUMNS:
        out["more_columns"] = len(t.columns) - MAX_COLUMNS
    return _compact(out)


@dataclass
class ContextSlice:
    """The retrieved context: JSON-able pieces plus what was left out."""

    metrics: list[dict[str, Any]] = field(default_factory=list)
    dimensions: list[dict[str, Any]] = field(default_factory=list)
    tables: list[dict[str, Any]] = field(default_factory=list)
    values: dict[str, list[str]] = field(default_factory=dict)
    examples: list[dict[str, Any]] = field(default_factory=list)
    previous: dict[str, Any] | None = None
    omitted: dict[str, int] = field(default_factory=dict)

    def data(self) -> dict[str, Any]:
        return _compact(
            {
                "metrics": self.metrics, "dimensions": self.dimensions,
                "dimension_values": self.values, "previous_query": self.previous,
                "answered_examples": self.examples, "tables": self.tables,
                "omitted": self.omitted,
            }
        )  # fmt: skip

    @property
    def table_names(self) -> list[str]:
        return [t["table"] for t in self.tables]

    @property
    def approx_tokens(self) -> int:
        return approx_tokens(self.data())


class _Budget:
    def __init__(self, tokens: int) -> None:
        self.left = tokens

    def take(self, item: Any, cap: int | None = None) -> bool:
        cost = approx_tokens(item) + 1
        if cost > self.left or (cap is not None and cost > cap):
            return False
        self.left -= cost
        return True


class ContextIndex:
    """Lexical indexes over one schema snapshot and layer; build once, `select` per question."""

    def __init__(self, layer: SemanticLayer, schema: SchemaSnapshot) -> None:
        self.layer, self.schema = layer, schema
        self.tables = schema.tables
        self._by_name: dict[str, int] = {}
        for i, t in enumerate(self.tables):
            self._by_name.setdefault(t.name.lower(), i)
            self._by_name[t.qualified_name.lower()] = i
        self._table_bm25 = BM25([self._table_doc(t) for t in self.tables])
        self._items: list[Metric | Dimension] = [*layer.metrics, *layer.dimensions]
        self._item_bm25 = BM25([self._item_doc(x) for x in self._items])
        self._fk_out: list[list[int]] = [[] for _ in self.tables]
        self._fk_in: list[list[int]] = [[] for _ in self.tables]
        for i, t in enumerate(self.tables):
            for fk in t.foreign_keys:
                ref = f"{fk.ref_schema}.{fk.ref_table}" if fk.ref_schema else fk.ref_table
                j = self.find_table(ref)
                if j is not None and j != i:
                    self._fk_out[i].append(j)
                    self._fk_in[j].append(i)

    @staticmethod
    def _table_doc(t: TableInfo) -> list[str]:
        text = " ".join([t.comment or "", *(f"{c.name} {c.comment or ''}" for c in t.columns)])
        return tokens(t.name) * 3 + tokens(text)

    @staticmethod
    def _item_doc(x: Metric | Dimension) -> list[str]:
        doc = tokens(x.name) * 3 + tokens(x.label or "") * 2 + tokens(x.description or "")
        for s in x.synonyms:
            doc += tokens(s) * 2
        return doc

    def find_table(self, ref: str | None) -> int | None:
        return self._by_name.get(ref.lower()) if ref else None

    def select(
        self,
        question: str,
        *,
        budget_tokens: int = 6000,
        value_hits: dict[str, list[str]] | None = None,
        examples: list[tuple[str, SemanticQuery]] | None = None,
        previous: SemanticQuery | None = None,
    ) -> ContextSlice:
        """The slice for `question`: layer items, values, examples, then tables with neighbours."""
        q = tokens(question)
        out = ContextSlice()
        budget = _Budget(int(budget_tokens * 0.97) - 20)
        if previous is not None:
            prev = previous.model_dump(mode="json", exclude_defaults=True)
            out.previous = prev if budget.take(prev) else None
        for dim, values in list((value_hits or {}).items())[:30]:
            vals = [str(v) for v in values[:MAX_VALUES]]
            if budget.take({dim: vals}, cap=budget_tokens // 10):
                out.values[dim] = vals
        relevant = self._select_layer(q, out, budget, budget_tokens // 2, previous)
        self._select_examples(q, examples or [], out, budget, budget_tokens * 15 // 100)
        self._select_tables(q, relevant, out, budget)
        return out

    def _select_layer(
        self,
        q: list[str],
        out: ContextSlice,
        budget: _Budget,
        cap: int,
        previous: SemanticQuery | None,
    ) -> list[str]:
        """Fill in metrics and dimensions; return the tables of the ones the question points at."""
        must = set(out.values)
        if previous is not None:
            must |= {*previous.metrics, *previous.dimensions}
            must |= {f.field for f in [*previous.filters, *previous.metric_filters]}
            if previous.time and previous.time.dimension:
                must.add(previous.time.dimension)
        scores = self._item_bm25.scores(q)
        first = [i for i, x in enumerate(self._items) if x.name in must]
        order = list(dict.fromkeys([*first, *ranked(scores), *range(len(self._items))]))
        used = 0
        picked: set[str] = set()
        for i in order:
            if cap - used < 20:
                break
            x = self._items[i]
            item = render_metric(x) if isinstance(x, Metric) else render_dimension(x)
            cost = approx_tokens(item) + 1
            if used + cost > cap or not budget.take(item):
                continue
            used += cost
            picked.add(x.name)
            (out.metrics if isinstance(x, Metric) else out.dimensions).append(item)
        for m in self.layer.metrics:
            td = m.time_dimension
            dim = self.layer.dimension(td) if m.name in picked and td else None
            if dim is not None and td not in picked and budget.take(render_dimension(dim)):
                picked.add(dim.name)
                out.dimensions.append(render_dimension(dim))
        left_out = len(self._items) - len(picked)
        if left_out:
            out.omitted["layer_items"] = left_out
        pointed = [self._items[i] for i in dict.fromkeys([*first, *ranked(scores)])]
        return [x.table for x in pointed if x.table and x.name in picked]

    def _select_examples(
        self,
        q: list[str],
        examples: list[tuple[str, SemanticQuery]],
        out: ContextSlice,
        budget: _Budget,
        cap: int,
    ) -> None:
        if not examples:
            return
        scores = BM25([tokens(question) for question, _ in examples]).scores(q)
        used = 0
        for i in ranked(scores, limit=5):
            question, query = examples[i]
            item = {
                "question": question,
                "query": query.model_dump(mode="json", exclude_defaults=True),
            }
            cost = approx_tokens(item) + 1
            if used + cost <= cap and budget.take(item):
                used += cost
                out.examples.append(item)

    def _select_tables(
        self, q: list[str], layer_tables: list[str], out: ContextSlice, budget: _Budget
    ) -> None:
        scores = self._table_bm25.scores(q)
        seeds = [j for j in (self.find_table(t) for t in layer_tables) if j is not None]
        seeds = list(dict.fromkeys([*ranked(scores, limit=SEED_TABLES), *seeds]))
        neighbours: list[int] = []
        for i in seeds:
            near = sorted({*self._fk_out[i], *self._fk_in[i]}, key=lambda j: -scores.get(j, 0.0))
            neighbours += near[:NEIGHBOURS_PER_TABLE]
        lookups = [j for i in neighbours for j in self._fk_out[i][:NEIGHBOURS_PER_TABLE]]
        order = list(dict.fromkeys([*seeds, *neighbours, *lookups, *ranked(scores)]))
        focus = set(q)
        taken: set[int] = set()
        for i in order:
            if budget.left < 30:
                break
            if budget.take(table := render_table(self.tables[i], focus)):
                taken.add(i)
                out.tables.append(table)
        if len(self.tables) <= 200:  # small schemas: fill up with the rest
            for i in range(len(self.tables)):
                if i not in taken and budget.take(table := render_table(self.tables[i], focus)):
                    taken.add(i)
                    out.tables.append(table)
        if len(taken) < len(self.tables):
            out.omitted["tables"] = len(self.tables) - len(taken)
