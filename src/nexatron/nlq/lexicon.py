"""The lexicon: every phrase that can name a metric, dimension, value or entity, keyed by stems."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from typing import Literal, NamedTuple

from nexatron.nlq.aliases import CASE_SENSITIVE, alias_groups
from nexatron.nlq.concept_words import duration_phrases
from nexatron.nlq.fuzzy import FuzzyIndex
from nexatron.nlq.text import key_of, stem, words_of
from nexatron.nlq.word_lists import FUNCTION
from nexatron.semantic.model import Dimension, Metric, SemanticLayer
from nexatron.semantic.naming import entity_names

Kind = Literal["metric", "dimension", "value", "entity"]
Key = tuple[str, ...]
_LEAD_AGG = (
    ("number", "of"),
    ("no", "of"),
    ("num", "of"),
    ("count", "of"),
    ("sum", "of"),
    ("total", "number", "of"),
    ("#", "of"),
    ("total",),
    ("sum",),
    ("count",),
    ("num",),
    ("avg",),
    ("average",),
    ("mean",),
    ("median",),
    ("max",),
    ("maximum",),
    ("min",),
    ("minimum",),
    ("distinct",),
    ("unique",),
    ("nb",),
    ("n",),
)
_TRAIL_AGG = ("count", "total", "sum", "avg", "average", "cnt", "number")
_TIME_TAIL = ("date", "at", "time", "on", "timestamp", "ts", "dt", "day", "datetime")
_BOOL_LEAD = ("is", "has", "have", "was", "can", "does", "did", "uses", "allows")
_BOOL_TAIL = ("flag", "yn", "ind", "indicator", "bool", "boolean")
_SPLIT = partial(re.compile(r"[\W_]+").sub, " ")
_SIMPLE = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")


class Entry(NamedTuple):
    """One reading of a phrase. Strength 3: name/label/synonym/value; 2: derived; 1: weak guess."""

    kind: Kind
    target: str
    value: str | None = None
    strength: int = 3
    source: str = "label"


@dataclass
class Lexicon:
    """Pre-indexed phrases of one semantic layer (build once per layer version)."""

    layer: SemanticLayer
    phrases: dict[Key, list[Entry]] = field(default_factory=dict)
    max_len: int = 1
    schema_fuzzy: FuzzyIndex = field(default_factory=FuzzyIndex)
    _value_fuzzy: FuzzyIndex | None = None
    metrics: dict[str, Metric] = field(default_factory=dict)
    dimensions: dict[str, Dimension] = field(default_factory=dict)
    known_stems: set[str] = field(default_factory=set)
    values: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    case_aliases: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    value_max_len: int = 8
    suggest_index: list[tuple[str, str, frozenset[str], frozenset[str]]] | None = None
    surfaces: dict[str, set[str]] = field(default_factory=dict)
    _value_words: tuple[dict[str, list[tuple[str, str]]], list[str]] | None = None
    _roots: dict[str, set[tuple[str, str]]] | None = None  # word_roots.root_index fills it

    def lookup(self, key: Key) -> list[Entry]:
        return self.phrases.get(key, [])

    def truncated(self, low: str) -> bool:
        """A short `low` is a known stem only because a final e was cut (grad is not grade)."""
        seen = self.surfaces.get(low, set())
        return len(low) <= 5 and low not in seen and low + "e" in seen

    def value_words(self) -> tuple[dict[str, list[tuple[str, str]]], list[str]]:
        """Each word of a multi-word value -> the values holding it, plus the sorted words."""
        if self._value_words is None:
            index: dict[str, list[tuple[str, str]]] = {}
            for key, hits in self.values.items():
                for w in key.split():
                    if len(w) >= 3 and w.isalpha() and w not in FUNCTION:
                        index.setdefault(w, []).extend(hits)
            self._value_words = (index, sorted(index))
        return self._value_words

    def value_fuzzy(self) -> FuzzyIndex:
        """Typo index over value words, built on first use."""
        if self._value_fuzzy is None:
            self._value_fuzzy = FuzzyIndex({w for k in self.values for w in k.split()})
        return self._value_fuzzy


def strip_agg(words: list[str]) -> list[str]:
    """'number of orders' -> ['orders']; 'revenue total' -> ['revenue']."""
    out = list(words)
    changed = True
    while changed and out:
        changed = False
        for lead in _LEAD_AGG:
            if tuple(out[: len(lead)]) == lead and len(out) > len(lead):
                out, changed = out[len(lead) :], True
                break
        if len(out) > 1 and out[-1] in _TRAIL_AGG:
            out, changed = out[:-1], True
    return out


def boolean_core(words: list[str]) -> list[str]:
    """'is_active' -> ['active'], 'has garden' -> ['garden'], 'overtime_flag' -> ['overtime']."""
    out = list(words)
    if len(out) > 1 and out[0] in _BOOL_LEAD:
        out = out[1:]
    if len(out) > 1 and out[-1] in _BOOL_TAIL:
        out = out[:-1]
    if len(out) > 1 and out[0] in {"a", "an", "the"}:
        out = out[1:]
    return out if not all(w in FUNCTION for w in out) else []


def _without_table_noun(words: list[str], table: str) -> list[str]:
    """'Express parcel' on table parcels -> ['express']: the noun stays a noun."""
    nouns = {stem(w) for w in words_of(table.split(".")[-1])}
    if len(words) > 1 and stem(words[-1]) in nouns:
        return words[:-1]
    return words


def _identifier(expr: str | None) -> str | None:
    if expr and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?", expr):
        return expr.split(".")[-1]
    return None


_COUNT_WORDS = frozenset({"count", "number", "counts", "of", "total", "many"})
# a bare 'name'/'title' is read by the `name_words` pass, which knows whose rows are listed
_NAME_RESTS = (["name"], ["title"], ["label"])


class _Builder:
    def __init__(self, layer: SemanticLayer) -> None:
        self.lex = Lexicon(layer=layer)
        self.phrases: defaultdict[Key, list[Entry]] = defaultdict(list)
        self.schema_words: set[str] = set()
        self.surfaces: dict[str, set[str]] = {}
        tables = sorted(
            {m.table for m in layer.metrics if m.table} | {d.table for d in layer.dimensions}
        )
        # What each table's rows are called, read as bootstrap reads names ("tblHotel" ->
        # "hotels", "acTxn" -> "transactions"): a raw table name is rarely a word people type.
        names = entity_names(tables)
        self.entity_words = {table: words_of(plural) for table, (_one, plural) in names.items()}
        # the singular where it stems apart from the plural ('diagnosis' / 'diagnoses',
        # 'analysis' / 'analyses'): 'admissions by diagnosis' names the table's rows too
        self.singular_words = {
            table: words_of(one)
            for table, (one, plural) in names.items()
            if [stem(w) for w in words_of(one)] != [stem(w) for w in words_of(plural)]
        }
        self.one_words = {table: words_of(one) for table, (one, _plural) in names.items()}

    def table_words(self, table: str) -> list[str]:
        return self.entity_words.get(table) or words_of(table.split(".")[-1])

    def add_entity(self, table: str) -> None:
        """The table's rows named by its plural noun, and by its singular where that stems
        apart."""
        self.add(self.table_words(table), Entry("entity", table, strength=0, source="table"))
        if table in self.singular_words:
            entry = Entry("entity", table, strength=0, source="table")
            self.add(self.singular_words[table], entry)

    def add(self, words: list[str], entry: Entry, schema: bool = True) -> None:
        key = tuple(stem(w) for w in words)
        if not key or (all(w in FUNCTION for w in words) and entry.strength < 3):
            return
        bucket = self.phrases[key]
        for i, old in enumerate(bucket):
            if (old.kind, old.target, old.value) == (entry.kind, entry.target, entry.value):
                if entry.strength > old.strength:
                    bucket[i] = entry
                return
        bucket.append(entry)
        if schema:
            self.schema_words.update(words)
        for w, k in zip(words, key, strict=False):
            self.surfaces.setdefault(k, set()).add(w)

    def metric(self, m: Metric) -> None:
        texts = [(words_of(m.name), "name"), *((words_of(s), "synonym") for s in m.synonyms)]
        if m.label:
            texts.append((words_of(m.label), "label"))
        for words, source in texts:
            self.add(words, Entry("metric", m.name, strength=3, source=source))
            core = strip_agg(words)
            if core != words:
                self.add(core, Entry("metric", m.name, strength=2, source="core"))
            if source != "synonym" and len(core) >= 2:
                for part in (core[-1:], core[:1]):
                    if part[0] not in FUNCTION:
                        self.add(part, Entry("metric", m.name, strength=1, source="head"))
            table = self.table_words(m.table) if m.table else []
            if table and m.agg not in {"count", None} and core[: len(table)] != table:
                self.add(table + core, Entry("metric", m.name, strength=2, source="table"))
        if m.type in {"simple", "cumulative"} and m.table:
            col = _identifier(m.expr)
            if m.agg == "count" and (col is None or m.expr in {"*", "1"}):
                self.add(
                    self.table_words(m.table),
                    Entry("metric", m.name, strength=1, source="table"),
                )
            elif col:
                base = col[:-3] if m.agg == "count_distinct" and col.endswith("_id") else col
                self.add(words_of(base), Entry("metric", m.name, strength=1, source="column"))
        if m.table:
            self.add_entity(m.table)
            if m.agg == "count" and m.expr in {None, "*", "1"}:
                # other names of the table's rows ("students" for HighSchooler, "clients")
                for synonym in m.synonyms:
                    words = words_of(synonym)
                    if len(words) <= 2 and not set(words) & _COUNT_WORDS:
                        self.add(words, Entry("entity", m.table, strength=0, source="synonym"))

    def dimension(self, dim: Dimension) -> None:
        parts = dim.name.split(".")
        self.add(words_of(dim.name), Entry("dimension", dim.name, strength=3, source="name"))
        if len(parts) > 1:
            self.add(words_of(parts[-1]), Entry("dimension", dim.name, strength=2, source="name"))
        texts = [words_of(s) for s in dim.synonyms]
        if dim.label:
            texts.append(words_of(dim.label))
        if dim.type == "boolean":
            texts = [_without_table_noun(w, dim.table) for w in texts]
        for words in texts:
            self.add(words, Entry("dimension", dim.name, strength=3, source="label"))
        col = _identifier(dim.expr)
        table_words = self.table_words(dim.table)
        base_texts = [words_of(col)] if col else []
        for words in [*texts, *base_texts, words_of(parts[-1])]:
            self.add(words, Entry("dimension", dim.name, strength=2, source="column"))
            if words[: len(table_words)] != table_words:
                self.add(
                    table_words + words, Entry("dimension", dim.name, strength=2, source="table")
                )
            if dim.type == "time" and len(words) > 1 and words[-1] in _TIME_TAIL:
                self.add(words[:-1], Entry("dimension", dim.name, strength=1, source="time"))
        # 'Guest country' is named by 'country' too: the table's own noun before a label
        # only says whose column it is ('how many different countries do guests come from')
        one = self.one_words.get(dim.table, [])
        for words in texts:
            if one and len(words) > len(one) and words[: len(one)] == one:
                rest = words[len(one) :]
                if not all(w in FUNCTION for w in rest) and rest not in _NAME_RESTS:
                    self.add(rest, Entry("dimension", dim.name, strength=2, source="column"))
        if dim.type == "boolean":
            for words in [*texts, *base_texts, words_of(parts[-1])]:
                core = boolean_core(words)
                if core and core != words:
                    self.add(core, Entry("dimension", dim.name, strength=2, source="column"))
        self.add_entity(dim.table)

    def values(self, dim: str, values: list[str]) -> None:
        """Index values by their lowercase words; the fast path skips the tokenizer."""
        index = self.lex.values
        simple, split = _SIMPLE.fullmatch, _SPLIT
        for raw in values:
            text = raw if type(raw) is str else str(raw)
            low = text.lower()
            if not simple(low):
                low = split(low).strip()
            bucket = index.get(low)
            if bucket is None:
                index[low] = [(dim, text)]
            else:
                bucket.append((dim, text))

    def taught_values(self, dimensions: list[Dimension]) -> None:
        """A dimension's `value_synonyms`: each word reads as its value, whether or not the value
        index (capped per dimension) holds that value."""
        index = self.lex.values
        for dim in dimensions:
            for value, words in dim.value_synonyms.items():
                for word in words:
                    key = " ".join(words_of(word))
                    bucket = index.setdefault(key, [])
                    if (dim.name, value) not in bucket:
                        bucket.append((dim.name, value))

    def aliases(self, groups: dict[str, list[str]]) -> None:
        """Country codes, demonyms and other common names of values present in the index."""
        index = self.lex.values
        for name, others in groups.items():
            for dim, text in list(index.get(name, ())):
                for alias in others:
                    if alias in CASE_SENSITIVE:
                        self.lex.case_aliases.setdefault(alias.upper(), []).append((dim, text))
                    else:
                        index.setdefault(" ".join(words_of(alias)), []).append((dim, text))


def build_lexicon(layer: SemanticLayer, value_index: dict[str, list[str]] | None = None) -> Lexicon:
    """Index names, labels, synonyms, simple morphology and dimension values of `layer`."""
    b = _Builder(layer)
    for m in layer.metrics:
        b.lex.metrics[m.name] = m
        b.metric(m)
    for d in layer.dimensions:
        b.lex.dimensions[d.name] = d
        b.dimension(d)
    for words, name in duration_phrases(layer.dimensions, b.phrases):
        entry = Entry("dimension", name, strength=2, source="concept")
        b.add(words, entry, schema=False)
        b.add(b.table_words(b.lex.dimensions[name].table) + words, entry, schema=False)
    groups: dict[str, list[str]] = {}
    for group in alias_groups():
        for name in group:
            groups[" ".join(words_of(name))] = [a for a in group if a != name]
    for dim, values in (value_index or {}).items():
        if dim in b.lex.dimensions:
            b.values(dim, values)
    b.taught_values(layer.dimensions)
    index = b.lex.values
    index.pop("", None)
    b.aliases(groups)
    lex = b.lex
    lex.phrases = dict(b.phrases)
    lex.max_len = max((len(k) for k in lex.phrases), default=1)
    lex.schema_fuzzy = FuzzyIndex(b.schema_words)
    lex.known_stems = {s for k in lex.phrases for s in k}
    lex.surfaces = b.surfaces
    return lex


__all__ = ["Entry", "Key", "Lexicon", "build_lexicon", "key_of", "strip_agg"]
