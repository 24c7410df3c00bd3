"""What bootstrap proposes per table and column, before names are made unique: a count per
table, dimensions for keys, text, booleans, dates and numbers, measures (total, average, highest,
lowest) on numeric columns that are not ids, with labels and synonyms; then plain names where
unique, else led by the entity, else by the table; and income words for the schema's one
income-like money column."""

from __future__ import annotations

from dataclasses import dataclass, field

from nexatron.semantic.abbreviations import AREA_UNITS
from nexatron.semantic.column_kinds import (
    AGG_WORDS,
    BARE,
    ENTITY_COLUMNS,
    GENERIC_TAIL,
    NO_SUM,
    NOT_DIMENSION,
    NUMERIC,
    RATIO,
    TEXT_TAIL,
    UNIT_QUANTITY,
    UNITS,
    idlike,
    is_money,
    unit_led,
)
from nexatron.semantic.model import Agg
from nexatron.semantic.naming import (
    Vocabulary,
    plural,
    readable_words,
    safe_name,
    sentence,
    split_words,
)
from nexatron.semantic.report import BootstrapReport, Skipped
from nexatron.semantic.synonyms import COUNT_NAMES, INCOME_WORDS, income_like
from nexatron.warehouse.types import ColumnInfo, SchemaSnapshot, TableInfo


@dataclass
class BootTable:
    info: TableInfo
    ref: str  # how the layer names it: bare in the default schema, else schema.table
    entity: list[str]  # singular words of what a row is
    keys: set[str] = field(default_factory=set)  # lowercase key columns (PK, FK, linked)
    aliases: list[str] = field(default_factory=list)  # what other tables' keys call it

    @property
    def entity_text(self) -> str:
        return " ".join(self.entity)


@dataclass
class Proposal:
    """A dimension or metric before names are made unique across the layer."""

    table: BootTable
    column: ColumnInfo | None
    base: list[str]  # words of the name before disambiguation
    label: str
    synonyms: list[str]
    kind: str  # dimension type, or "metric"
    agg: Agg | None = None
    why: str = ""


def column_words(t: BootTable, c: ColumnInfo, vocabulary: Vocabulary | None = None) -> list[str]:
    """A column's words; a table's naming column is named after the entity (`product name`)."""
    text = c.type == "string"
    w = readable_words(c.name, vocabulary, text=text) or [c.name.lower()]
    if c.name.lower() in ENTITY_COLUMNS or w == ["id"]:  # products.id -> product id
        return [*t.entity, *w]
    return w


def with_entity(t: BootTable, words: list[str]) -> list[str]:
    """Words led by the entity: "status code" in transaction statuses -> "transaction status
    code" (an entity ending with the word the column starts with is not repeated)."""
    n = len(t.entity)
    if words[:n] == t.entity:
        return words
    if words and t.entity[-1] == words[0]:
        return [*t.entity, *words[1:]]
    return [*t.entity, *words]


NAMING = (["name"], ["title"], ["full", "name"])
# The verb of a year column (`founded_year`, `year_built`, `openYr`), as people say it.
_PAST = {
    "build": "built",
    "open": "opened",
    "found": "founded",
    "hire": "hired",
    "publish": "published",
    "establish": "established",
    "launch": "launched",
    "release": "released",
}


def area_words(words: list[str]) -> list[str]:
    """ "floor square metres" -> floor area, "area hectares" -> area: a measure in a unit of
    area, named as one; [] otherwise."""
    for unit in AREA_UNITS:
        n = len(unit)
        if len(words) > n and tuple(words[-n:]) == unit:
            head = words[:-n]
            return head if head[-1] == "area" else [*head, "area"]
    return []


def percentage_words(words: list[str]) -> list[str]:
    """ "moisture percent" (`moistPct`) -> moisture percentage, as people also say it."""
    if "percent" not in words:
        return []
    return ["percentage" if w == "percent" else w for w in words]


def year_event(words: list[str]) -> list[str]:
    """ "founded" for a founded year, "built" for a build year: the event a year column dates,
    so "teams founded before 1930" filters on it."""
    if len(words) != 2 or "year" not in words:
        return []
    verb = words[0] if words[1] == "year" else words[1]
    if verb in _PAST:
        return [_PAST[verb], verb]
    return [verb] if verb.endswith("ed") or verb in _PAST.values() else []


class Proposer:
    def __init__(
        self, schema: SchemaSnapshot, tables: list[BootTable], vocabulary: Vocabulary
    ) -> None:
        self.schema, self.tables, self.vocabulary = schema, tables, vocabulary
        self.skipped: list[Skipped] = []
        # entity words: a column's short form never takes them ("room count" is not "rooms")
        self.entities = {" ".join(t.entity) for t in tables} | {
            plural(" ".join(t.entity)) for t in tables
        }

    def short_dimension_forms(self, t: BootTable, words: list[str]) -> list[str]:
        """What people call a text column without its entity or generic tail: "voyage status"
        in voyages -> status, "region name" -> region, "cause description" -> cause. Never a bare
        key word, nor an entity's name (that reads as the entity)."""
        n = len(t.entity)
        forms = []
        if len(words) > n and words[:n] == t.entity:
            forms.append(words[n:])
        for w in [words, *forms]:
            if len(w) > 1 and w[-1] in TEXT_TAIL:
                forms.append(w[:-1])
        out = []
        for f in forms:
            text = " ".join(f)
            if f and text not in self.entities and not (len(f) == 1 and f[0] in BARE):
                out.append(text)
        return out

    def short_form(self, words: list[str]) -> str | None:
        """What people call a measure without its generic last word: "balance amount" ->
        balance, "night count" -> nights; None when there is none or it names an entity."""
        if len(words) < 2:
            return None
        if len(words) == 2 and words[0] in UNITS and words[1] in UNIT_QUANTITY:
            return words[0]  # "hours quantity" (`hrsQty`) -> hours
        if words[-1] in GENERIC_TAIL:
            short = " ".join(words[:-1])
        elif words[-1] == "count":
            short = plural(" ".join(words[:-1]))
        else:
            return None
        return None if short in self.entities else short

    def proposals(self) -> list[Proposal]:
        out: list[Proposal] = []
        for t in self.tables:
            out.append(self._count(t))
            for c in t.info.columns:
                out.extend(self._column(t, c))
        return out

    def _count(self, t: BootTable) -> Proposal:
        many = plural(t.entity_text)
        synonyms = [f"{t.entity_text} count", f"count of {many}", f"{many} count"]
        for alias in t.aliases:
            others = plural(alias)
            synonyms += [others, f"number of {others}", f"{alias} count"]
        counted = [x for x in self.tables if x.entity_text in COUNT_NAMES]
        if counted == [t]:  # 'headcount' for the one table of employees
            synonyms += [w for w in COUNT_NAMES[t.entity_text] if w not in synonyms]
        return Proposal(
            t,
            None,
            many.split(),
            f"Number of {many}",
            synonyms,
            "metric",
            "count",
            why=f"count of rows of {t.info.qualified_name}",
        )

    def _column(self, t: BootTable, c: ColumnInfo) -> list[Proposal]:
        words = column_words(t, c, self.vocabulary)
        text = " ".join(words)
        key = c.name.lower() in t.keys or c.primary_key
        synonyms = [] if words[: len(t.entity)] == t.entity else [" ".join(with_entity(t, words))]
        raw = " ".join(split_words(c.name))
        if raw != " ".join(readable_words(c.name, self.vocabulary)):  # abbreviated: "cust no"
            synonyms.append(raw)

        if c.type == "string" and not key:
            synonyms.extend(x for x in self.short_dimension_forms(t, words) if x not in synonyms)
        if c.type in NUMERIC and unit_led(words):
            synonyms.append(f"{words[0]} of {words[1]}")  # years of experience
        if c.type in NUMERIC and not key:
            synonyms.extend(x for x in year_event(words) if x not in synonyms)
            spoken = percentage_words(words)
            if spoken:
                synonyms.append(" ".join(spoken))
            area = area_words(words)
            if area:
                synonyms.extend(
                    x for x in (" ".join(area), " ".join(words[-2:])) if x not in synonyms
                )
        n = len(t.entity)
        if c.type == "string" and not key and words[:n] == t.entity and words[n:] in NAMING:
            synonyms.append(words[-1])  # the entity's own name: "names of customers"

        def dim(kind: str, why: str) -> Proposal:
            return Proposal(t, c, words, sentence(text), synonyms, kind, why=why)

        if c.type in ("date", "timestamp"):
            return [dim("time", "date or timestamp column")]
        if c.type == "boolean":
            return [dim("boolean", "boolean column")]
        if c.type in NUMERIC:
            if key or idlike(c, words):
                return [dim("number", "key or id column (a key, never a measure)")]
            if words[0] in ("total", "sum"):  # the sum is `total_amount`; the column's value
                own = with_entity(t, words)  # per row is `order_total_amount`
                row = Proposal(
                    t, c, own, sentence(" ".join(own)), [], "number", why="numeric column"
                )
                return [row, *self._measures(t, c, words)]
            return [dim("number", "numeric column"), *self._measures(t, c, words)]
        if c.type in ("string", "uuid"):
            if key or idlike(c, words):
                return [dim("string", "key or id column")]
            if set(words) & NOT_DIMENSION:
                self._skip(t, c, "secret or markup text: no dimension")
                return []
            return [dim("string", "text column")]
        self._skip(t, c, f"{c.type} column: no dimension or measure")
        return []

    def _skip(self, t: BootTable, c: ColumnInfo, reason: str) -> None:
        self.skipped.append(Skipped("column", f"{t.info.qualified_name}.{c.name}", reason))

    def _measures(self, t: BootTable, c: ColumnInfo, words: list[str]) -> list[Proposal]:
        aggs: list[Agg] = ["avg", "max", "min"]
        if words[-1] not in NO_SUM and not set(words) & RATIO:  # "day count" adds up
            aggs.insert(0, "sum")
        text = " ".join(words)
        short = self.short_form(words)
        out = []
        for agg in aggs:
            prefix, head, alternatives = AGG_WORDS[agg]
            synonyms = [f"{a} {text}" for a in alternatives]
            if unit_led(words):  # years of experience
                heads = dict.fromkeys((*alternatives, head.lower()))
                synonyms += [f"{a} {words[0]} of {words[1]}" for a in heads]
            if words[: len(t.entity)] != t.entity:
                synonyms.append(f"{head.lower()} {t.entity_text} {text}")
            area = area_words(words)
            if area:
                synonyms += [f"{a} {' '.join(area)}" for a in (*alternatives, head.lower())]
            spoken = percentage_words(words)
            if spoken:
                synonyms += [f"{a} {' '.join(spoken)}" for a in (*alternatives, head.lower())]
            if short is not None:
                synonyms.append(f"{head.lower()} {short}")
                if not short.startswith(t.entity_text):
                    synonyms.append(f"{head.lower()} {t.entity_text} {short}")
            base = [prefix, *words]
            if agg == "sum" and words[0] in ("total", "sum"):  # total_amount, not total_total_
                base = ["total", *words[1:]]
            out.append(
                Proposal(
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


def unique_names(proposals: list[Proposal]) -> list[str]:
    """Plain names where unique; else prefixed with the entity; else with schema and entity."""

    def count(names: list[str]) -> dict[str, int]:
        seen: dict[str, int] = {}
        for n in names:
            seen[n.lower()] = seen.get(n.lower(), 0) + 1
        return seen

    plain = [safe_name("_".join(p.base)) for p in proposals]
    counts = count(plain)

    def qualified(p: Proposal) -> list[str]:
        if p.agg == "count":
            return p.base
        if p.agg is not None:  # total_price -> total_order_price
            return [p.base[0], *with_entity(p.table, p.base[1:])]
        return with_entity(p.table, p.base)

    second = [
        n if counts[n.lower()] == 1 else safe_name("_".join(qualified(p)))
        for n, p in zip(plain, proposals, strict=True)
    ]
    counts = count(second)
    return [
        n if counts[n.lower()] == 1 else safe_name(f"{p.table.ref.replace('.', '_')}_{n}")
        for n, p in zip(second, proposals, strict=True)
    ]


def income_words(proposals: list[Proposal], report: BootstrapReport) -> None:
    """'Revenue', 'sales', 'money' for the total of the schema's one income-like money column
    (an invoice amount, a rental's total charge); none when several could be meant."""
    sums = [
        p
        for p in proposals
        if p.agg == "sum"
        and p.column is not None
        and is_money(p.column, readable_words(p.column.name))
        and income_like(readable_words(p.column.name))
    ]
    if len(sums) == 1:
        sums[0].synonyms.extend(w for w in INCOME_WORDS if w not in sums[0].synonyms)
    elif sums:
        listed = ", ".join(f"{p.table.info.name}.{p.column.name}" for p in sums if p.column)
        report.refused.append(
            Skipped("metric", "revenue", f"several money columns could be income ({listed})")
        )
