"""Turn resolved items into a draft query: metrics, groupings, filters, ranking and thresholds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nexatron.nlq.direction import DIRECTION_VERBS, agreeing_dimensions, cue_direction
from nexatron.nlq.dropped import compound_noun, compound_text, loose_aggregation
from nexatron.nlq.errors import Refusal
from nexatron.nlq.frequency import dated_count, implicit_count
from nexatron.nlq.lexicon import Lexicon
from nexatron.nlq.light import ignorable_verb
from nexatron.nlq.metric_sets import (
    aggregated_columns,
    defined_subsets,
    kept_filters,
    negated_metrics,
)
from nexatron.nlq.ordering import comparisons, ranking, times
from nexatron.nlq.pairs import metric_pairs
from nexatron.nlq.plan import Explained
from nexatron.nlq.qualifiers import after_group, booleans, is_negator
from nexatron.nlq.reach import reachable_metrics
from nexatron.nlq.resolve import (
    SUBJECT_NEXT,
    Reading,
    agg_cue_before,
    choose_dimension,
    choose_metric,
    choose_value_dim,
    name_dimension,
    read_items,
    tables_of,
)
from nexatron.nlq.roles import names_join_role
from nexatron.nlq.roots import shares_root
from nexatron.nlq.segment import Segmented
from nexatron.nlq.text import stem, words_of
from nexatron.nlq.words import (
    GROUP,
    NEGATION,
    UNITS,
)
from nexatron.semantic.model import Grain, QueryFilter, TimeRange

_CONNECT = frozenset({"or", "and", ",", "&", "/", "either", "both", "the", "also"})
_NAME_HINTS = ("name", "title", "label")
_CONTEXT_PREPS = frozenset({"for", "of", "from", "to", "among", "on", "with"})
_GROUP_LEADS = frozenset({"which", "what", "top", "bottom", "each", "every"})
_RANKED = frozenset({"ranked", "ranking", "rank", "sorted", "ordered"})
_VERB_PREPS = frozenset({"by", "with", "via", "in", "on", "through", "using"})
_COMPARE = frozenset({"vs", "versus", "compared", "compare", "comparing", "comparison"})


@dataclass
class Draft:
    """Everything a question said, before follow-up merging and final checks."""

    metrics: list[str] = field(default_factory=list)
    dimensions: list[str] = field(default_factory=list)
    time_dim: str | None = None
    time_grouped: bool = False
    grain: Grain | None = None
    trend: bool = False
    range: TimeRange | None = None
    range_grain: Grain | None = None
    filters: dict[tuple[str, bool], list[Any]] = field(default_factory=dict)
    metric_filters: list[QueryFilter] = field(default_factory=list)
    dim_filters: list[QueryFilter] = field(default_factory=list)
    order_metric: str | None = None
    order_desc: bool | None = None
    limit: int | None = None
    rank_single: bool = False
    explanation: list[Explained] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    cues: set[str] = field(default_factory=set)
    entities: list[tuple[str, str]] = field(default_factory=list)  # (text, table)
    counted_entity: str | None = None
    described: set[str] = field(default_factory=set)  # entity tables right after a used value


def _frequency_cue(ip: Interpreter, j: int) -> bool:
    """Item `j` is 'most popular', 'most common', 'least frequent'."""
    return (
        0 <= j < len(ip.items)
        and ip.items[j].kind == "cue"
        and ip.items[j].cue
        in {
            "common",
            "rare",
        }
    )


class Interpreter:
    """Reads a segmented question left to right, keeping small pieces of state."""

    def __init__(self, seg: Segmented, lex: Lexicon) -> None:
        self.seg, self.lex, self.items = seg, lex, seg.items
        self.readings = read_items(seg.items, seg.tokens, lex)
        self.d = Draft()
        self.used: set[int] = set()
        self.metric_at: dict[int, str] = {}
        self._metric_uses: dict[str, int] = {}
        self.carried: set[int] = set()  # filtered metrics read as their filter

    def metric_count(self, name: str) -> int:
        return self._metric_uses.get(name, 0)

    def low(self, k: int) -> str:
        return self.items[k].text.lower() if 0 <= k < len(self.items) else ""

    def run(self) -> Draft:
        d = self.d
        booleans(self, sum(1 for r in self.readings if r and r.kind == "metric") > 1)
        negated_metrics(self)
        aggregated_columns(self)
        self._metrics()
        metric_tables = tables_of(self.lex, d.metrics)
        self._values(metric_tables)
        self._compared_values()
        self._dimensions(metric_tables)
        times(self)
        reachable_metrics(self)
        ranking(self)
        implicit_count(self)
        dated_count(self)
        comparisons(self)
        kept_filters(self)
        defined_subsets(self)
        self._leftovers()
        self._described()
        return d

    def _described(self) -> None:
        """Entities written right after a value that filters ('express parcels', 'gold tier
        customers'): the value says which rows; the noun only names them."""
        for k, it in enumerate(self.items):
            tables = {e.target for e in it.entries if e.kind == "entity"}
            j = k - 1
            prev = self.readings[j] if j >= 0 else None
            if prev is not None and prev.kind == "dimension" and j in self.used:
                j -= 1
            prev = self.readings[j] if j >= 0 else None
            if tables and prev is not None and prev.kind == "value" and j in self.used:
                self.d.described |= tables

    # -- metrics ----------------------------------------------------------------------------
    def _metrics(self) -> None:
        for k, r in enumerate(self.readings):
            if r is None or r.kind != "metric" or k in self.used:
                continue
            if k > 0 and self.items[k - 1].kind == "number" and self.low(k) in UNITS:
                continue
            cue = agg_cue_before(self.items, k, self.seg.tokens)
            if cue is None and len(r.targets) > 1 and self._context_noun(k):
                self.used.add(k)
                tables = [e.target for e in r.item.entries if e.kind == "entity"]
                self.d.entities.append((r.item.text, tables[0]))
                continue
            name = self._table_count_before_by(k) or choose_metric(r, cue, self.lex)
            if cue == "count_distinct" and self.lex.metrics[name].agg != "count_distinct":
                self.d.cues.add("distinct_as_count")
            if cue is not None:
                self.used.add(k - 1)
                if self.items[k - 1].kind == "word" and self.low(k - 1) in {"the", "a", "an", "of"}:
                    self.used.add(k - 2)
            self._add_metric(name, r.item.text, k)
            self.metric_at[k] = name
            self._metric_uses[name] = self._metric_uses.get(name, 0) + 1
        self._nouns_after_values()
        metric_pairs(self)

    def _table_count_before_by(self, k: int) -> str | None:
        """'members by late fees': the noun before 'by <metric>' counts its own table's rows
        (the pair check then reads it as the grouping)."""
        r = self.readings[k]
        nxt = self.readings[k + 2] if k + 2 < len(self.readings) else None
        if r is None or len(r.targets) < 2 or self.low(k + 1) != "by" or nxt is None:
            return None
        if nxt.kind != "metric":
            return None
        tables = {e.target for e in r.item.entries if e.kind == "entity"}
        own = [
            m
            for m in r.targets
            if self.lex.metrics[m].table in tables and self.lex.metrics[m].agg == "count"
        ]
        return own[0] if len(own) == 1 else None

    def _context_noun(self, k: int) -> bool:
        """'appointments for insured patients': a noun naming a table, after a value or a
        preposition, while another metric is named, is context, not a second metric."""
        if not any(e.kind == "entity" for e in self.items[k].entries):
            return False
        after = self._after_value(k) or self.low(k - 1) in _CONTEXT_PREPS
        others = any(
            r is not None and r.kind == "metric" and j != k for j, r in enumerate(self.readings)
        )
        return after and others

    def _after_value(self, k: int) -> bool:
        """Item `k` follows a value, or a value and its own dimension ('gold tier customers')."""
        prev = self.readings[k - 1] if k > 0 else None
        if prev is not None and prev.kind == "dimension" and k >= 2:
            value = self.readings[k - 2]
            if (
                value is not None
                and value.kind == "value"
                and set(value.targets) & set(prev.targets)
            ):
                prev = value
        return prev is not None and prev.kind == "value"

    def _nouns_after_values(self) -> None:
        """'salary of senior employees', 'cost for shipments over 30 kg': a count (or weakly
        matched) metric naming the things another metric is about is context, not a metric."""
        for k, name in list(self.metric_at.items()):
            it = self.items[k]
            m = self.lex.metrics[name]
            is_entity = any(e.kind == "entity" for e in it.entries)
            weak = max(e.strength for e in it.entries if e.kind == "metric") <= 1
            after_value = self._after_value(k)
            after_prep = self.low(k - 1) in {"for", "of", "from", "to", "among", "on", "with"}
            counted = m.agg in {"count", "count_distinct"} or weak
            if self.low(k - 1) == "per" and counted and is_entity and len(self.d.metrics) > 1:
                if self._average_per_row(name):
                    continue
                raise Refusal(
                    {
                        "message": f"'per {it.text}' asks for a ratio; no metric defines it.",
                        "unmatched": [f"per {it.text}"],
                        "suggestions": {"metrics": list(self.d.metrics), "dimensions": []},
                    }
                )
            if (
                counted
                and (after_value or (after_prep and (is_entity or weak or self._rows_of(name))))
                and len(self.d.metrics) > 1
                and self.metric_count(name) == 1
                and agg_cue_before(self.items, k, self.seg.tokens) is None
            ):
                self.d.metrics.remove(name)
                del self.metric_at[k]
                self.d.explanation = [
                    e for e in self.d.explanation if not (e.kind == "metric" and e.target == name)
                ]
                self.d.entities.append((it.text, m.table or ""))

    def _rows_of(self, name: str) -> bool:
        """Another named metric measures the rows `name` counts ('average fee for visits')."""
        table = self.lex.metrics[name].table
        return any(
            m != name and self.lex.metrics[m].table == table and self.lex.metrics[m].agg != "count"
            for m in self.d.metrics
        )

    def _average_per_row(self, name: str) -> bool:
        """'average fee per visit': the other metrics already average over the rows counted by
        `name`, so 'per <row>' restates the average; drop the count."""
        table = self.lex.metrics[name].table
        others = [self.lex.metrics[m] for m in self.d.metrics if m != name]
        if not others or any(m.agg != "avg" or m.table != table for m in others):
            return False
        if self.metric_count(name) != 1:
            return False
        k = next(j for j, n in self.metric_at.items() if n == name)
        self.d.metrics.remove(name)
        del self.metric_at[k]
        self.d.explanation = [
            e for e in self.d.explanation if not (e.kind == "metric" and e.target == name)
        ]
        self.d.assumptions.append(f"read 'per {self.items[k].text}' as the average's own rows")
        return True

    def _add_metric(self, name: str, text: str, k: int) -> None:
        if name not in self.d.metrics:
            self.d.metrics.append(name)
        self.used.add(k)
        label = self.lex.metrics[name].label or name
        self.d.explanation.append(Explained(text=text, kind="metric", target=name, detail=label))

    # -- values -------------------------------------------------------------------------------
    def _values(self, metric_tables: set[str]) -> None:
        hinted = {t for r in self.readings if r and r.kind == "dimension" for t in r.targets}
        tables = {e.target for it in self.items for e in it.entries if e.kind == "entity"}
        hinted |= {n for n, x in self.lex.dimensions.items() if x.table in tables}
        negs: list[int] = []
        for k, it in enumerate(self.items):
            r = self.readings[k]
            low = self.low(k)
            if k in self.used:
                continue
            if (it.kind == "cue" and it.cue == "neg") or (it.kind == "word" and low in NEGATION):
                negs.append(k)
                continue
            if r is None or r.kind != "value":
                if not (it.kind == "word" and low in _CONNECT) and it.kind != "word":
                    negs = []
                continue
            neg = bool(negs)
            self.used.update(negs)
            dims = agreeing_dimensions(
                self.lex, self.seg.tokens, it.start, it.text, r.targets, metric_tables
            )
            if dims != r.targets or cue_direction(self.seg.tokens, it.start):
                self.used.update(j for j in (k - 1, k - 2) if self.low(j) in DIRECTION_VERBS)
                vals = {x: r.values_by_dim[x] for x in dims}
                r = Reading(it, "value", dims, values_by_dim=vals)
            singles = {
                d
                for rr in self.readings
                if rr and rr.kind == "value"
                for d in rr.targets
                if len(rr.targets) == 1
            }
            dim = choose_value_dim(r, hinted | (singles & set(r.targets)), metric_tables, self.lex)
            value = r.values_by_dim[dim]
            self.d.filters.setdefault((dim, neg), []).append(value)
            self.used.add(k)
            word = "not " if neg else ""
            self.d.explanation.append(
                Explained(text=it.text, kind="value", target=dim, detail=f"{word}{value}")
            )
            self._qualifier(k, dim)

    def _compared_values(self) -> None:
        """'A vs B', 'A compared to B': keep both values apart (group by their dimension)."""
        if not {t.low for t in self.seg.tokens} & _COMPARE:
            return
        for (dim, neg), values in self.d.filters.items():
            if not neg and len(set(values)) > 1 and dim not in self.d.dimensions:
                self.d.dimensions.append(dim)
                self.d.assumptions.append(f"compared the values of '{dim}' side by side")

    def _qualifier(self, k: int, dim: str) -> None:
        """A dimension named right beside its own value ('the Enterprise plan') is no grouping;
        nor is a dimension of the same table right after it ('North America warehouses')."""
        nxt = self.readings[k + 1] if k + 1 < len(self.readings) else None
        table = self.lex.dimensions[dim].table
        if (
            nxt
            and nxt.kind == "dimension"
            and all(self.lex.dimensions[t].table == table for t in nxt.targets)
        ):
            self.used.add(k + 1)
            self.d.entities.append((nxt.item.text, table))
            return
        for j in (k + 1, k - 1, k - 2):
            r = self.readings[j] if 0 <= j < len(self.readings) else None
            if r and r.kind == "dimension" and dim in r.targets and self.low(j - 1) not in GROUP:
                self.used.add(j)
                return

    # -- dimensions and entities ------------------------------------------------------------
    def _dimensions(self, metric_tables: set[str]) -> None:
        for k, r in enumerate(self.readings):
            if r is None or k in self.used or r.kind not in {"dimension", "entity"}:
                continue
            if r.kind == "entity":
                self._entity(k, r)
                continue
            name = choose_dimension(r, metric_tables, self.lex)
            self.used.add(k)
            dim = self.lex.dimensions[name]
            if dim.type == "time":
                self.d.time_dim = name
                self.d.time_grouped = self.d.time_grouped or self.low(k - 1) in GROUP
                self.d.explanation.append(
                    Explained(text=r.item.text, kind="time_dimension", target=name)
                )
                continue
            if self._is_threshold_subject(k) and dim.type == "number":
                continue
            if self._plural_context(k, r):
                self.d.entities.append((r.item.text, dim.table))
                continue
            if name not in self.d.dimensions:
                self.d.dimensions.append(name)
            self.d.explanation.append(
                Explained(text=r.item.text, kind="dimension", target=name, detail=dim.label)
            )

    def _plural_context(self, k: int, r: Reading) -> bool:
        """'revenue for restaurants with a terrace': a plural noun after the metric says which
        rows are meant; only by/per/each/which/top N/ranked ask for a grouping."""
        last = r.item.text.lower().split()[-1]
        if not last.endswith("s") or stem(last) == last:
            return False
        if not any(x is not None and x.kind == "metric" for x in self.readings[:k]):
            return False
        if after_group(self, k) or self.low(k - 1) in _GROUP_LEADS:
            return False
        if k >= 2 and self.items[k - 1].kind == "number" and self.low(k - 2) in _GROUP_LEADS:
            return False
        nxt = self.items[k + 1] if k + 1 < len(self.items) else None
        ranked = nxt is not None and (nxt.cue == "sortby" or self.low(k + 1) in _RANKED)
        return not ranked and self.low(k - 1) not in _RANKED

    def _is_threshold_subject(self, k: int) -> bool:
        nxt = self.items[k + 1] if k + 1 < len(self.items) else None
        return nxt is not None and nxt.kind == "cue" and nxt.cue.startswith("cmp:")

    def _entity(self, k: int, r: Reading) -> None:
        table = r.targets[0]
        lead = {"which", "what", "top", "bottom", "each", "every", "busiest", "quietest"}
        grouped = self.low(k - 1) in GROUP or self.low(k - 1) in lead or _frequency_cue(self, k - 1)
        grouped = grouped or (
            k >= 2 and self.items[k - 1].kind == "number" and self.low(k - 2) in lead
        )
        subject = not any(r and r.kind == "metric" for r in self.readings[:k])
        grouped = grouped or (self.low(k + 1) in SUBJECT_NEXT and subject)
        nxt = self.readings[k + 1] if k + 1 < len(self.readings) else None
        if (
            nxt is not None
            and nxt.kind == "dimension"
            and nxt.item.start == r.item.end
            and all(self.lex.dimensions[t].table == table for t in nxt.targets)
        ):
            grouped = False  # 'member join date': the entity qualifies its own dimension
        self.used.add(k)
        if grouped:
            picked = name_dimension(table, self.lex)
            if picked is None:
                dims = [d.name for d in self.lex.dimensions.values() if d.table == table]
                raise Refusal(
                    {
                        "message": f"'{r.item.text}' names a table; which of its dimensions?",
                        "unmatched": [r.item.text],
                        "suggestions": {"metrics": [], "dimensions": dims[:8]},
                    }
                )
            name = picked
            if name not in self.d.dimensions:
                self.d.dimensions.append(name)
            self.d.assumptions.append(f"grouped '{r.item.text}' by dimension '{name}'")
            self.d.explanation.append(Explained(text=r.item.text, kind="dimension", target=name))
            return
        if self.items[k - 1].kind == "cue" and self.items[k - 1].cue == "count" if k else False:
            self.d.counted_entity = r.item.text
        self.d.entities.append((r.item.text, table))

    def _leftovers(self) -> None:
        for k, it in enumerate(self.items):
            if it.kind == "word" and k not in self.used and loose_aggregation(self, k):
                self.d.unmatched.append(f"{it.text} {self.items[k + 1].text}")
                continue
            if it.kind == "word" and k not in self.used and compound_noun(self, k):
                if compound_text(self, k) not in self.d.unmatched:
                    self.d.unmatched.append(compound_text(self, k))
                continue
            if k in self.used or (it.kind == "word" and not is_negator(self, k)):
                continue
            if it.kind == "cue":
                self.d.cues.add(it.cue)
                continue
            if it.kind == "unknown" and (self._absorbed(k) or ignorable_verb(self, k)):
                continue
            if it.kind == "word" and is_negator(self, k) and self.low(k) != "no":
                self.d.cues.add("neg")
                continue
            if it.kind in {"unknown", "number"}:
                self.d.unmatched.append(it.text)

    def _absorbed(self, k: int) -> bool:
        """A leftover word that belongs to the name of the thing matched right beside it
        ('customers served' read as 'unique customers' + 'served')."""
        word = stem(self.low(k))
        near = [k - 1, k + 1]
        if self.low(k + 1) in _VERB_PREPS:
            near.append(k + 2)  # 'paid by cash', 'paid with a gift card'
        for j in near:
            r = self.readings[j] if 0 <= j < len(self.readings) else None
            if r is None:
                continue
            for t in r.targets:
                obj = self.lex.metrics.get(t) or self.lex.dimensions.get(t)
                if obj is None:
                    continue
                texts = [obj.name, obj.label or "", *obj.synonyms]
                if any(word == stem(w) for x in texts for w in words_of(x)):
                    return True
                if r.kind == "value" and shares_root(self.low(k), texts):
                    return True
            if j == k + 1 and r.kind in {"dimension", "entity"}:
                tables = {self.lex.dimensions[t].table for t in r.targets if r.kind == "dimension"}
                tables |= set(r.targets) if r.kind == "entity" else set()
                own = tables_of(self.lex, self.d.metrics)
                if len(tables) == 1 and names_join_role(word, tables.pop(), own, self.lex):
                    return True
        return False
