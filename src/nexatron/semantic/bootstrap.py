"""Propose a starting semantic layer from a schema snapshot, verified on the data where it can be.

What it proposes, by table and column (names read by `naming.py`: camelCase and snake_case split,
abbreviations expanded, a prefix every table shares dropped):
- per table, a count metric named after its rows (`acTransaction` -> `transactions`, "Number of
  transactions", synonyms "transaction count", ...);
- per numeric column that is not a key or id: a number dimension (filters, listings) and measures:
  total (not for rates, prices, ages, years, ranks, levels, ...), average, highest and lowest;
  currency format (USD, said so in the description) only for clearly monetary names;
- key and id columns (primary keys, foreign keys, `*_id`, `custNo`) as key dimensions, never
  measures; categorical text, booleans and dates as dimensions; a table's main date
  (ordered/created/placed/date-like names first) is its metrics' time dimension;
- relationships from foreign keys and from names, verified on the data (`links.py`), and
  role-named dimensions where two links reach one table (`roles.py`).

Names are plain (`country`) when unique and prefixed with the entity (`customer_country`) when two
tables share them. Idempotent: objects whose name or definition is already in `existing` are not
proposed again, and existing objects are returned unchanged. `bootstrap` also returns a report of
what it declared, what it refused and why.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from nexatron.semantic.exprs import ident
from nexatron.semantic.links import KEY_WORDS, Link, LinkFinder
from nexatron.semantic.model import Agg, Dimension, Format, Metric, Relationship, SemanticLayer
from nexatron.semantic.naming import (
    Vocabulary,
    entity_words,
    plural,
    readable_words,
    safe_name,
    sentence,
    shared_prefix,
    split_words,
)
from nexatron.semantic.probe import Probe
from nexatron.semantic.report import BootstrapReport, Declared, Skipped
from nexatron.semantic.roles import role_dimensions
from nexatron.semantic.synonyms import INCOME_WORDS, entity_synonyms, income_like
from nexatron.warehouse.types import ColumnInfo, SchemaSnapshot, TableInfo


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words of columns that identify rather than measure (never summed or averaged).
_ID_WORDS = KEY_WORDS | _set(
    "zip zipcode postal postcode phone telephone fax uuid guid hash sku ean isbn ssn iban port "
    "lat lon lng latitude longitude"
)
# Measures that make no sense added up: averaged, highest and lowest only.
_NO_SUM = _set(
    "rate pct percent percentage ratio score rating share average price msrp age year rank level "
    "position ordinal month day week quarter hour minute version seq sequence sort index "
    "temperature temp grade experience tenure seniority"
)
_UNITS = _set("years days hours minutes months weeks")
_RATIO = _set("rate pct percent percentage ratio share")
_MONEY = _set(
    "price revenue sales cost costs spend fee fees tax taxes salary wage wages profit income "
    "payment subtotal msrp gmv arr mrr"
)
# Text that is never a dimension (secrets and markup); other text is, for filters and listings
# (the value index only keeps columns with few distinct values).
_NOT_DIMENSION = _set("password passwd hash token secret salt html json")
# A table's default date: when its row began (ordered, created, listed, ...) before plain dates,
# and dates that end something (sold, closed, cancelled, ...) last: "listings in 2025" means
# listed in 2025, not sold then.
_DATE_PREF = (
    *("ordered", "order", "created", "placed", "purchased", "signup", "signed", "registered"),
    *("booked", "listed", "opened", "started", "start", "joined", "issued", "submitted"),
    *("received", "scheduled", "transaction", "date", "day", "at", "time", "timestamp"),
)
_DATE_LAST = _set("sold paid shipped delivered completed closed ended end cancelled expired")
_DATE_AVOID = _set("updated modified deleted changed synced loaded etl expires")
_SCALE2 = re.compile(r"\(\s*\d+\s*,\s*2\s*\)")
_NUMERIC = ("integer", "float", "decimal")
_GENERIC_TAIL = _set("amount value")
_TEXT_TAIL = _set("name description text label")
_BARE = KEY_WORDS | _set("name title label description text date")
_ENTITY_COLUMNS = _set("name title label full_name display_name")
_AGG_WORDS: dict[Agg, tuple[str, str, tuple[str, ...]]] = {
    # agg: (name prefix, label word, synonym words)
    "sum": ("total", "Total", ("sum of", "total")),
    "avg": ("avg", "Average", ("mean", "average")),
    "max": ("max", "Highest", ("maximum", "largest")),
    "min": ("min", "Lowest", ("minimum", "smallest")),
}


@dataclass
class _Table:
    info: TableInfo
    ref: str  # how the layer names it: bare in the default schema, else schema.table
    entity: list[str]  # singular words of what a row is
    keys: set[str] = field(default_factory=set)  # lowercase key columns (PK, FK, linked)
    aliases: list[str] = field(default_factory=list)  # what other tables' keys call it

    @property
    def entity_text(self) -> str:
        return " ".join(self.entity)


@dataclass
class BootstrapResult:
    layer: SemanticLayer
    report: BootstrapReport


@dataclass
class _Proposal:
    """A dimension or metric before names are made unique across the layer."""

    table: _Table
    column: ColumnInfo | None
    base: list[str]  # words of the name before disambiguation
    label: str
    synonyms: list[str]
    kind: str  # dimension type, or "metric"
    agg: Agg | None = None
    why: str = ""


def _ref(schema: SchemaSnapshot, t: TableInfo) -> str:
    own = not t.schema_name or t.schema_name == schema.default_schema
    return t.name if own else t.qualified_name


@functools.lru_cache(maxsize=8192)
def column_expr(name: str) -> str:
    """A column as a layer expression: quoted when its case or characters need it."""
    return ident(name).sql()


def _idlike(c: ColumnInfo, words: list[str]) -> bool:
    return (
        bool(words)
        and (words[-1] in _ID_WORDS or bool(set(words) & (_ID_WORDS - KEY_WORDS - {"number"})))
    ) or c.name.lower().endswith("id")


def _unit_led(words: list[str]) -> bool:
    """ "years experience": a unit and a noun, also read "years of experience" (not "hours
    worked")."""
    return len(words) == 2 and words[0] in _UNITS and not words[1].endswith(("ed", "ing"))


def _money(c: ColumnInfo, words: list[str]) -> bool:
    two_decimals = c.type == "decimal" and bool(_SCALE2.search(c.native_type))
    if set(words) & _RATIO:
        return False
    return bool(set(words) & _MONEY) or (bool(set(words) & {"amount", "total"}) and two_decimals)


def _main_date(
    t: TableInfo, entity: list[str] | None = None, vocabulary: Vocabulary | None = None
) -> ColumnInfo | None:
    """When a row happened: a date named after the entity (`bkgTs` in bookings) first, then
    dates when a row began (ordered, created, ...), plain dates, and dates that end something."""
    dates = [
        c
        for c in t.columns
        if c.type in ("date", "timestamp") and not set(readable_words(c.name)) & _DATE_AVOID
    ]
    own = entity[-1] if entity else None

    def rank(c: ColumnInfo) -> int:
        w = readable_words(c.name, vocabulary)
        if set(w) & _DATE_LAST:
            return len(_DATE_PREF) + 1
        if own is not None and own in w:
            return -1
        return min((i for i, p in enumerate(_DATE_PREF) if p in w), default=len(_DATE_PREF))

    return min(dates, key=rank) if dates else None


def _column_words(t: _Table, c: ColumnInfo, vocabulary: Vocabulary | None = None) -> list[str]:
    """A column's words; a table's naming column is named after the entity (`product name`)."""
    text = c.type == "string"
    w = readable_words(c.name, vocabulary, text=text) or [c.name.lower()]
    if c.name.lower() in _ENTITY_COLUMNS or w == ["id"]:  # products.id -> product id
        return [*t.entity, *w]
    return w


def _with_entity(t: _Table, words: list[str]) -> list[str]:
    """Words led by the entity: "status code" in transaction statuses -> "transaction status
    code" (an entity ending with the word the column starts with is not repeated)."""
    n = len(t.entity)
    if words[:n] == t.entity:
        return words
    if words and t.entity[-1] == words[0]:
        return [*t.entity, *words[1:]]
    return [*t.entity, *words]


class _Proposer:
    def __init__(
        self, schema: SchemaSnapshot, tables: list[_Table], vocabulary: Vocabulary
    ) -> None:
        self.schema, self.tables, self.vocabulary = schema, tables, vocabulary
        self.skipped: list[Skipped] = []
        # entity words: a column's short form never takes them ("room count" is not "rooms")
        self.entities = {" ".join(t.entity) for t in tables} | {
            plural(" ".join(t.entity)) for t in tables
        }

    def short_dimension_forms(self, t: _Table, words: list[str]) -> list[str]:
        """What people call a text column without its entity or generic tail: "voyage status"
        in voyages -> status, "region name" -> region, "cause description" -> cause. Never a bare
        key word, nor an entity's name (that reads as the entity)."""
        n = len(t.entity)
        forms = []
        if len(words) > n and words[:n] == t.entity:
            forms.append(words[n:])
        for w in [words, *forms]:
            if len(w) > 1 and w[-1] in _TEXT_TAIL:
                forms.append(w[:-1])
        out = []
        for f in forms:
            text = " ".join(f)
            if f and text not in self.entities and not (len(f) == 1 and f[0] in _BARE):
                out.append(text)
        return out

    def short_form(self, words: list[str]) -> str | None:
        """What people call a measure without its generic last word: "balance amount" ->
        balance, "night count" -> nights; None when there is none or it names an entity."""
        if len(words) < 2:
            return None
        if words[-1] in _GENERIC_TAIL:
            short = " ".join(words[:-1])
        elif words[-1] == "count":
            short = plural(" ".join(words[:-1]))
        else:
            return None
        return None if short in self.entities else short

    def proposals(self) -> list[_Proposal]:
        out: list[_Proposal] = []
        for t in self.tables:
            out.append(self._count(t))
            for c in t.info.columns:
                out.extend(self._column(t, c))
        return out

    def _count(self, t: _Table) -> _Proposal:
        many = plural(t.entity_text)
        synonyms = [f"{t.entity_text} count", f"count of {many}", f"{many} count"]
        for alias in t.aliases:
            others = plural(alias)
            synonyms += [others, f"number of {others}", f"{alias} count"]
        return _Proposal(
            t,
            None,
            many.split(),
            f"Number of {many}",
            synonyms,
            "metric",
            "count",
            why=f"count of rows of {t.info.qualified_name}",
        )

    def _column(self, t: _Table, c: ColumnInfo) -> list[_Proposal]:
        words = _column_words(t, c, self.vocabulary)
        text = " ".join(words)
        key = c.name.lower() in t.keys or c.primary_key
        synonyms = [] if words[: len(t.entity)] == t.entity else [" ".join(_with_entity(t, words))]
        raw = " ".join(split_words(c.name))
        if raw != " ".join(readable_words(c.name, self.vocabulary)):  # abbreviated: "cust no"
            synonyms.append(raw)

        if c.type == "string" and not key:
            synonyms.extend(x for x in self.short_dimension_forms(t, words) if x not in synonyms)
        if c.type in _NUMERIC and _unit_led(words):
            synonyms.append(f"{words[0]} of {words[1]}")  # years of experience

        def dim(kind: str, why: str) -> _Proposal:
            return _Proposal(t, c, words, sentence(text), synonyms, kind, why=why)

        if c.type in ("date", "timestamp"):
            return [dim("time", "date or timestamp column")]
        if c.type == "boolean":
            return [dim("boolean", "boolean column")]
        if c.type in _NUMERIC:
            if key or _idlike(c, words):
                return [dim("number", "key or id column (a key, never a measure)")]
            if words[0] in ("total", "sum"):  # the sum is `total_amount`; the column's value
                own = _with_entity(t, words)  # per row is `order_total_amount`
                row = _Proposal(
                    t, c, own, sentence(" ".join(own)), [], "number", why="numeric column"
                )
                return [row, *self._measures(t, c, words)]
            return [dim("number", "numeric column"), *self._measures(t, c, words)]
        if c.type in ("string", "uuid"):
            if key or _idlike(c, words):
                return [dim("string", "key or id column")]
            if set(words) & _NOT_DIMENSION:
                self._skip(t, c, "secret or markup text: no dimension")
                return []
            return [dim("string", "text column")]
        self._skip(t, c, f"{c.type} column: no dimension or measure")
        return []

    def _skip(self, t: _Table, c: ColumnInfo, reason: str) -> None:
        self.skipped.append(Skipped("column", f"{t.info.qualified_name}.{c.name}", reason))

    def _measures(self, t: _Table, c: ColumnInfo, words: list[str]) -> list[_Proposal]:
        aggs: list[Agg] = ["avg", "max", "min"]
        if words[-1] not in _NO_SUM and not set(words) & _RATIO:  # "day count" adds up
            aggs.insert(0, "sum")
        text = " ".join(words)
        short = self.short_form(words)
        out = []
        for agg in aggs:
            prefix, head, alternatives = _AGG_WORDS[agg]
            synonyms = [f"{a} {text}" for a in alternatives]
            if _unit_led(words):  # years of experience
                heads = dict.fromkeys((*alternatives, head.lower()))
                synonyms += [f"{a} {words[0]} of {words[1]}" for a in heads]
            if words[: len(t.entity)] != t.entity:
                synonyms.append(f"{head.lower()} {t.entity_text} {text}")
            if short is not None:
                synonyms.append(f"{head.lower()} {short}")
                if not short.startswith(t.entity_text):
                    synonyms.append(f"{head.lower()} {t.entity_text} {short}")
            base = [prefix, *words]
            if agg == "sum" and words[0] in ("total", "sum"):  # total_amount, not total_total_
                base = ["total", *words[1:]]
            out.append(
                _Proposal(
                    t,
                    c,
                    base,
                    sentence(" ".join(base)) if agg == "sum" else f"{head} {text}",
                    synonyms,
                    "metric",
                    agg,
                    why=f"{agg} of numeric column {c.name}",
                )
            )
        return out


def _unique_names(proposals: list[_Proposal]) -> list[str]:
    """Plain names where unique; else prefixed with the entity; else with schema and entity."""

    def count(names: list[str]) -> dict[str, int]:
        seen: dict[str, int] = {}
        for n in names:
            seen[n.lower()] = seen.get(n.lower(), 0) + 1
        return seen

    plain = [safe_name("_".join(p.base)) for p in proposals]
    counts = count(plain)

    def qualified(p: _Proposal) -> list[str]:
        if p.agg == "count":
            return p.base
        if p.agg is not None:  # total_price -> total_order_price
            return [p.base[0], *_with_entity(p.table, p.base[1:])]
        return _with_entity(p.table, p.base)

    second = [
        n if counts[n.lower()] == 1 else safe_name("_".join(qualified(p)))
        for n, p in zip(plain, proposals, strict=True)
    ]
    counts = count(second)
    return [
        n if counts[n.lower()] == 1 else safe_name(f"{p.table.ref.replace('.', '_')}_{n}")
        for n, p in zip(second, proposals, strict=True)
    ]


def _tables(schema: SchemaSnapshot, links: list[Link] | None = None) -> list[_Table]:
    prefix = shared_prefix([t.name for t in schema.tables])
    out = []
    for t in schema.tables:
        keys = {c.lower() for c in t.primary_key} | {
            c.name.lower() for c in t.columns if c.primary_key
        }
        keys |= {c.lower() for fk in t.foreign_keys for c in fk.columns}
        out.append(_Table(t, _ref(schema, t), entity_words(t.name, prefix), keys))
    return out


def bootstrap_layer(schema: SchemaSnapshot, existing: SemanticLayer) -> SemanticLayer:
    """`existing` plus proposed objects (origin="bootstrap"), without checks on the data (only
    foreign keys toward primary keys become relationships)."""
    return bootstrap(schema, existing, None).layer


def bootstrap(
    schema: SchemaSnapshot, existing: SemanticLayer, probe: Probe | None
) -> BootstrapResult:
    """`existing` plus proposed objects that it does not already have, and a report."""
    tables = _tables(schema)
    prefix = shared_prefix([t.name for t in schema.tables])
    columns = [c.name for t in schema.tables for c in t.columns]
    vocabulary = Vocabulary([t.name for t in schema.tables], prefix, columns)
    by_key = {t.info.qualified_name.lower(): t for t in tables}
    finder = LinkFinder(
        schema,
        {k: t.entity for k, t in by_key.items()},
        {k: t.ref for k, t in by_key.items()},
        probe,
        vocabulary,
    )
    links, refused_links = finder.find()
    for key, words in finder.aliases(links).items():
        by_key[key].aliases.extend(words)
    for link in links:
        by_key[link.child.qualified_name.lower()].keys.update(c.lower() for c in link.child_columns)
        by_key[link.parent.qualified_name.lower()].keys.update(
            c.lower() for c in link.parent_columns
        )
    report = BootstrapReport(prefix=prefix)
    for r in refused_links:
        report.refused.append(Skipped("relationship", r.describe(), f"{r.source}: {r.reason}"))
    names_taken = {t.entity_text for t in tables}
    for t in tables:
        t.aliases.extend(entity_synonyms(t.entity_text, names_taken | set(t.aliases)))
    proposer = _Proposer(schema, tables, vocabulary)
    proposals = proposer.proposals()
    report.refused.extend(proposer.skipped)
    _income_words(proposals, report)

    relationships, rel_names = _relationships(links, by_key, existing, report)
    taken = {m.name for m in existing.metrics} | {d.name for d in existing.dimensions}
    dim_by_def = {
        (d.table.lower(), d.expr.strip().strip('"').lower(), d.via): d for d in existing.dimensions
    }
    metric_defs = {
        ((m.table or "").lower(), m.agg, (m.expr or "*").strip().strip('"').lower())
        for m in existing.metrics
    }
    new_dims: list[Dimension] = []
    new_metrics: list[Metric] = []
    names = _unique_names(proposals)
    time_dims: dict[str, Dimension | None] = {}
    for p, name in zip(proposals, names, strict=True):
        if p.kind == "metric":
            continue
        assert p.column is not None
        sig = (p.table.ref.lower(), p.column.name.lower(), None)
        if name in taken or sig in dim_by_def:
            report.refused.append(
                Skipped("dimension", name, "already in the layer (name or definition)")
            )
            continue
        label = p.label if name == safe_name("_".join(p.base)) else sentence(name.replace("_", " "))
        d = Dimension(
            name=name,
            label=label,
            synonyms=[s for s in p.synonyms if s.lower() != label.lower()],
            table=p.table.ref,
            expr=column_expr(p.column.name),
            type=p.kind,
            origin="bootstrap",
        )
        new_dims.append(d)
        dim_by_def[sig] = d
        taken.add(name)
        report.declared.append(Declared("dimension", name, p.table.ref, p.why))
    for d in role_dimensions(links, rel_names, new_dims, by_key, taken):
        new_dims.append(d)
        taken.add(d.name)
        report.declared.append(Declared("dimension", d.name, d.table, f"role, via {d.via}"))
    for p, name in zip(proposals, names, strict=True):
        if p.kind != "metric":
            continue
        col = p.column.name.lower() if p.column else "*"
        sig2 = (p.table.ref.lower(), p.agg, col)
        if name in taken or sig2 in metric_defs:
            report.refused.append(
                Skipped("metric", name, "already in the layer (name or definition)")
            )
            continue
        table_key = p.table.info.qualified_name.lower()
        if table_key not in time_dims:
            time_dims[table_key] = _time_dimension(p.table, links, by_key, dim_by_def, vocabulary)
        td = time_dims[table_key]
        money = p.column is not None and p.agg != "count" and _money(p.column, p.base)
        label = p.label if name == safe_name("_".join(p.base)) else sentence(name.replace("_", " "))
        if p.agg == "count":
            label = p.label
        new_metrics.append(
            Metric(
                name=name,
                label=label,
                synonyms=[s for s in dict.fromkeys(p.synonyms) if s.lower() != label.lower()],
                description="Currency assumed to be USD; change if needed." if money else None,
                table=p.table.ref,
                agg=p.agg,
                expr=column_expr(p.column.name) if p.column else None,
                time_dimension=td.name if td else None,
                format=Format(kind="currency", currency="USD") if money else Format(),
                origin="bootstrap",
            )
        )
        metric_defs.add(sig2)
        taken.add(name)
        report.declared.append(Declared("metric", name, p.table.ref, p.why))
    layer = existing.model_copy(
        update={
            "metrics": [*existing.metrics, *new_metrics],
            "dimensions": [*existing.dimensions, *new_dims],
            "relationships": [*existing.relationships, *relationships],
        }
    )
    return BootstrapResult(layer, report)


def _income_words(proposals: list[_Proposal], report: BootstrapReport) -> None:
    """'Revenue', 'sales', 'money' for the total of the schema's one income-like money column
    (an invoice amount, a rental's total charge); none when several could be meant."""
    sums = [
        p
        for p in proposals
        if p.agg == "sum"
        and p.column is not None
        and _money(p.column, readable_words(p.column.name))
        and income_like(readable_words(p.column.name))
    ]
    if len(sums) == 1:
        sums[0].synonyms.extend(w for w in INCOME_WORDS if w not in sums[0].synonyms)
    elif sums:
        listed = ", ".join(f"{p.table.info.name}.{p.column.name}" for p in sums if p.column)
        report.refused.append(
            Skipped("metric", "revenue", f"several money columns could be income ({listed})")
        )


def _time_dimension(
    t: _Table,
    links: list[Link],
    by_key: dict[str, _Table],
    dim_by_def: dict[tuple[str, str, str | None], Dimension],
    vocabulary: Vocabulary,
) -> Dimension | None:
    """The table's main date dimension, else that of the first table it links to."""
    parents = [
        by_key[link.parent.qualified_name.lower()]
        for link in links
        if link.child is t.info and not link.role
    ]
    for table in [t, *parents]:
        main = _main_date(table.info, table.entity, vocabulary)
        d = dim_by_def.get((table.ref.lower(), main.name.lower(), None)) if main else None
        if d is not None and d.type == "time":
            return d
    return None


def _relationships(
    links: list[Link],
    by_key: dict[str, _Table],
    existing: SemanticLayer,
    report: BootstrapReport,
) -> tuple[list[Relationship], dict[int, str]]:
    """Relationships for the verified links (named, so role dimensions can refer to them)."""

    def key(ft: str, fc: list[str], tt: str, tc: list[str]) -> tuple[str, ...]:
        return (ft.lower(), *(c.lower() for c in fc), "->", tt.lower(), *(c.lower() for c in tc))

    seen = {
        key(r.from_table, r.from_columns, r.to_table, r.to_columns): r
        for r in existing.relationships
    }
    used = {r.name for r in existing.relationships if r.name}
    out: list[Relationship] = []
    names: dict[int, str] = {}
    for i, link in enumerate(links):
        child = by_key[link.child.qualified_name.lower()]
        parent = by_key[link.parent.qualified_name.lower()]
        k = key(child.ref, list(link.child_columns), parent.ref, list(link.parent_columns))
        if k in seen:
            if seen[k].name:
                names[i] = seen[k].name  # type: ignore[assignment]
            continue
        base = safe_name("_".join([*child.entity, *(link.role or parent.entity)]))
        name, n = base, 2
        while name in used:
            name, n = f"{base}_{n}", n + 1
        used.add(name)
        names[i] = name
        rel = Relationship(
            name=name,
            from_table=child.ref,
            from_columns=list(link.child_columns),
            to_table=parent.ref,
            to_columns=list(link.parent_columns),
            origin="bootstrap",
        )
        seen[k] = rel
        out.append(rel)
        source = "foreign key" if link.source == "foreign_key" else "inferred from names"
        role = f"; role {' '.join(link.role)!r}" if link.role else ""
        report.declared.append(
            Declared("relationship", name, child.ref, f"{source}, verified: {link.how}{role}")
        )
    return out, names
