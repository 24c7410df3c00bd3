"""Propose a starting semantic layer from a schema snapshot (row counts, sums, dimensions, joins).

Heuristics, by column name and type:
- every table gets `<table>_count` ("Number of <rows>");
- numeric, measure-like columns (not keys, ids, codes, years, zips, phones, ...) get `total_<col>`
  and `avg_<col>`; rate- and price-like columns (rate, pct, score, price, ...) only get the average;
- currency format (USD, said so in the description) only for clearly monetary names (price,
  revenue, sales, cost, fee, tax, ...) or amount/total with two decimals; else a plain number;
- dimensions for categorical-looking text, booleans, and dates/timestamps (type time); a table's
  main date (ordered/created/placed/date-like names first) is its metrics' time dimension;
- many_to_one relationships from foreign keys.

Names are plain (`country`) when unique and prefixed with the table (`customers_country`) when two
tables share them. Idempotent: objects whose name or definition is already in `existing` are not
proposed again, and existing objects are returned unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from nexatron.semantic.model import Agg, Dimension, Format, Metric, Relationship, SemanticLayer
from nexatron.semantic.naming import label, plural, safe_name, singular, words
from nexatron.warehouse.types import ColumnInfo, SchemaSnapshot, TableInfo


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NOT_MEASURE = _set(
    "id key code zip zipcode postal postcode phone fax year month day week quarter hour minute lat "
    "lon lng latitude longitude version rank sort position index seq sequence number num no uuid "
    "hash port status type flag level ordinal digit sku ean isbn ssn age"
)
_AVG_ONLY = _set("rate pct percent percentage ratio score rating share avg average price msrp")
_MONEY = _set(
    "price revenue sales cost costs spend fee fees tax taxes salary wage wages profit income "
    "payment subtotal msrp gmv arr mrr"
)
_NOT_CATEGORY = _set(
    "description comment comments note notes body text content address email url uri link "
    "password hash token secret html json path street phone fax ip sku uuid guid message summary "
    "title"
)
# A table's default date: when its row began (ordered, created, listed, ...) before plain dates,
# and dates that end something (sold, closed, cancelled, ...) last: "listings in 2025" means
# listed in 2025, not sold then.
_DATE_PREF = (
    *("ordered", "order", "created", "placed", "purchased", "signup", "signed", "registered"),
    *("booked", "listed", "opened", "started", "start", "joined", "issued", "submitted"),
    *("received", "scheduled", "date", "day", "at", "time"),
)
_DATE_LAST = _set("sold paid shipped delivered completed closed ended end cancelled expired")
_DATE_AVOID = _set("updated modified deleted changed synced loaded etl expires")
_SCALE2 = re.compile(r"\(\s*\d+\s*,\s*2\s*\)")


@dataclass(frozen=True)
class _Proposal:
    table: TableInfo
    column: ColumnInfo | None
    base: str  # name before disambiguation
    agg: Agg | None = None  # None for dimensions


def _ref(schema: SchemaSnapshot, t: TableInfo) -> str:
    own = not t.schema_name or t.schema_name == schema.default_schema
    return t.name if own else t.qualified_name


def _plain(t: TableInfo, c: ColumnInfo) -> bool:
    """Not a key of any kind."""
    fks = {x.lower() for fk in t.foreign_keys for x in fk.columns}
    return not c.primary_key and c.name not in t.primary_key and c.name.lower() not in fks


def _is_measure(t: TableInfo, c: ColumnInfo) -> bool:
    numeric = c.type in ("integer", "float", "decimal")
    idish = bool(set(words(c.name)) & _NOT_MEASURE) or c.name.lower().endswith("id")
    return numeric and _plain(t, c) and not idish


def _is_category(t: TableInfo, c: ColumnInfo) -> bool:
    if c.type == "boolean":
        return True
    w = set(words(c.name))
    return c.type == "string" and _plain(t, c) and not (w & _NOT_CATEGORY) and "id" not in w


def _money(c: ColumnInfo) -> bool:
    w = set(words(c.name))
    two_decimals = c.type == "decimal" and bool(_SCALE2.search(c.native_type))
    return bool(w & _MONEY) or (bool(w & {"amount", "total"}) and two_decimals)


def _main_date(t: TableInfo) -> ColumnInfo | None:
    dates = [
        c
        for c in t.columns
        if c.type in ("date", "timestamp") and not set(words(c.name)) & _DATE_AVOID
    ]

    def rank(c: ColumnInfo) -> int:
        w = words(c.name)
        if set(w) & _DATE_LAST:
            return len(_DATE_PREF) + 1
        return min((i for i, p in enumerate(_DATE_PREF) if p in w), default=len(_DATE_PREF))

    return min(dates, key=rank) if dates else None


def _proposals(schema: SchemaSnapshot) -> tuple[list[_Proposal], list[_Proposal]]:
    dims: list[_Proposal] = []
    metrics: list[_Proposal] = []
    for t in schema.tables:
        metrics.append(_Proposal(t, None, safe_name(f"{t.name}_count"), "count"))
        for c in t.columns:
            if c.type in ("date", "timestamp") or _is_category(t, c):
                dims.append(_Proposal(t, c, _dimension_base(t, c)))
            if _is_measure(t, c):
                if not set(words(c.name)) & _AVG_ONLY:
                    metrics.append(_Proposal(t, c, safe_name(f"total_{c.name}"), "sum"))
                metrics.append(_Proposal(t, c, safe_name(f"avg_{c.name}"), "avg"))
    return dims, metrics


_ENTITY_COLUMNS = {"name", "title", "label", "full_name", "display_name"}


def _dimension_base(t: TableInfo, c: ColumnInfo) -> str:
    """A table's naming column is named after the entity: products.name -> `product_name`."""
    if c.name.lower() in _ENTITY_COLUMNS and words(t.name):
        return safe_name(f"{singular(words(t.name)[-1])}_{c.name.lower()}")
    return safe_name(c.name)


def bootstrap_layer(schema: SchemaSnapshot, existing: SemanticLayer) -> SemanticLayer:
    """`existing` plus proposed objects (origin="bootstrap") that it does not already have."""
    dims, metrics = _proposals(schema)
    counts: dict[str, int] = {}
    for p in (*dims, *metrics):
        counts[p.base.lower()] = counts.get(p.base.lower(), 0) + 1

    def name_of(p: _Proposal) -> str:
        return p.base if counts[p.base.lower()] == 1 else safe_name(f"{p.table.name}_{p.base}")

    taken = {m.name for m in existing.metrics} | {d.name for d in existing.dimensions}
    dim_by_def = {(d.table.lower(), d.expr.strip().lower()): d for d in existing.dimensions}
    new_dims: list[Dimension] = []
    for p in dims:
        assert p.column is not None
        ref, c, name = _ref(schema, p.table), p.column, name_of(p)
        if name in taken or (ref.lower(), c.name.lower()) in dim_by_def:
            continue
        text = label(p.base) if name == p.base else label(name)
        kind = {"date": "time", "timestamp": "time", "boolean": "boolean"}.get(c.type, "string")
        d = Dimension.model_validate(
            {
                "name": name,
                "label": text,
                "table": ref,
                "expr": c.name,
                "type": kind,
                "origin": "bootstrap",
            }
        )
        new_dims.append(d)
        dim_by_def[(ref.lower(), c.name.lower())] = d
        taken.add(name)
    new_metrics = _metrics(schema, existing, metrics, name_of, taken, dim_by_def)
    return existing.model_copy(
        update={
            "metrics": [*existing.metrics, *new_metrics],
            "dimensions": [*existing.dimensions, *new_dims],
            "relationships": [*existing.relationships, *_relationships(schema, existing)],
        }
    )


def _metrics(
    schema: SchemaSnapshot,
    existing: SemanticLayer,
    proposals: list[_Proposal],
    name_of: Callable[[_Proposal], str],
    taken: set[str],
    dim_by_def: dict[tuple[str, str], Dimension],
) -> list[Metric]:
    defs = {
        ((m.table or "").lower(), m.agg, (m.expr or "*").strip().lower()) for m in existing.metrics
    }
    out: list[Metric] = []
    for p in proposals:
        ref, c, name = _ref(schema, p.table), p.column, name_of(p)
        sig = (ref.lower(), p.agg, c.name.lower() if c else "*")
        if name in taken or sig in defs:
            continue
        td = _time_dimension(schema, p.table, dim_by_def)
        readable = " ".join(words(c.name)) if c else ""
        texts = {"sum": f"Total {readable}", "avg": f"Average {readable}"}
        text = texts.get(p.agg or "", f"Number of {plural(' '.join(words(p.table.name)))}")
        money = c is not None and _money(c)
        out.append(
            Metric(
                name=name,
                label=text,
                description="Currency assumed to be USD; change if needed." if money else None,
                table=ref,
                agg=p.agg,
                expr=c.name if c else None,
                time_dimension=td.name if td else None,
                format=Format(kind="currency", currency="USD") if money else Format(),
                origin="bootstrap",
            )
        )
        defs.add(sig)
        taken.add(name)
    return out


def _time_dimension(
    schema: SchemaSnapshot, t: TableInfo, dim_by_def: dict[tuple[str, str], Dimension]
) -> Dimension | None:
    """The table's main date dimension, else that of the first table a foreign key points to."""
    candidates = [t] + [x for fk in t.foreign_keys if (x := schema.table(fk.ref_table))]
    for table in candidates:
        main = _main_date(table)
        d = dim_by_def.get((_ref(schema, table).lower(), main.name.lower())) if main else None
        if d is not None and d.type == "time":
            return d
    return None


def _relationships(schema: SchemaSnapshot, existing: SemanticLayer) -> list[Relationship]:
    def key(ft: str, fc: list[str], tt: str, tc: list[str]) -> tuple[str, ...]:
        return (ft.lower(), *(c.lower() for c in fc), "->", tt.lower(), *(c.lower() for c in tc))

    seen = {
        key(r.from_table, r.from_columns, r.to_table, r.to_columns) for r in existing.relationships
    }
    out: list[Relationship] = []
    for t in schema.tables:
        for fk in t.foreign_keys:
            target = schema.table(
                f"{fk.ref_schema}.{fk.ref_table}" if fk.ref_schema else fk.ref_table
            )
            to_ref = _ref(schema, target) if target else fk.ref_table
            k = key(_ref(schema, t), fk.columns, to_ref, fk.ref_columns)
            if k in seen:
                continue
            seen.add(k)
            out.append(
                Relationship(
                    from_table=_ref(schema, t),
                    from_columns=list(fk.columns),
                    to_table=to_ref,
                    to_columns=list(fk.ref_columns),
                    origin="bootstrap",
                )
            )
    return out
