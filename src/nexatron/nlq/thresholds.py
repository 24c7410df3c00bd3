"""Numeric thresholds: on a metric (HAVING, metric_filters) or on a numeric dimension (WHERE)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nexatron.nlq.distinct_entities import linking_column, verbs_before_entity
from nexatron.nlq.errors import refusal
from nexatron.nlq.plan import Explained
from nexatron.nlq.reachable_metrics import reachable_metrics
from nexatron.nlq.readings import (
    SUBJECT_NEXT,
    agg_cue_before,
    entity_dimensions,
    group_entity,
    key_needed,
    name_dimension,
)
from nexatron.nlq.text import stem, words_of
from nexatron.nlq.word_lists import MEASURE_VERBS
from nexatron.semantic.model import Dimension, Metric, QueryFilter

if TYPE_CHECKING:
    from nexatron.nlq.state import ParseState


@dataclass
class Comparison:
    """A comparator with its numbers, unit and the noun hinted by a comparative."""

    op: str
    values: list[float]
    at: int  # item index of the comparator
    currency: str = ""
    percent: bool = False
    unit: str = ""
    hint: str = ""


def _subject(state: ParseState, c: Comparison) -> int | None:
    """The item the threshold is about: right after the number(s), else the nearest before."""
    trailing = state.items[c.at].text.lower().startswith("or")  # '4 or more bedrooms'
    last = c.at if trailing else c.at + len(c.values) + (1 if c.op == "between" else 0)
    nxt = state.readings[last + 1] if last + 1 < len(state.readings) else None
    if nxt is not None and c.unit and nxt.kind == "metric":
        nxt = None  # 'visits over 60 minutes': the unit names no metric to bound
    if nxt is not None and nxt.kind in {"metric", "dimension"}:
        return last + 1
    for j in range(c.at - (2 if trailing else 1), -1, -1):
        r = state.readings[j]
        if r is not None and r.kind == "metric" and _rows_of_an_average(state, j):
            continue  # 'average freight per booking above 43000': the average is bounded
        if r is not None and r.kind in {"metric", "dimension"}:
            return j
        if state.items[j].kind != "word" and state.low(j) not in MEASURE_VERBS:
            return None
    return None


def _rows_of_an_average(state: ParseState, position: int) -> bool:
    """'per booking' read as the rows an average is over (no longer a metric of its own)."""
    return state.low(position - 1) == "per" and position not in state.metric_at


_PRICE_VERBS = {("priced",), ("costing",), ("listed", "at"), ("sold", "for"), ("selling", "for")}


def price_verb(state: ParseState, position: int) -> str:
    """'priced above 40', 'listed at over 500000': the number bounds each row's price."""
    words = [t.low for t in state.seg.tokens[: state.items[position].start]]
    return "price" if any(tuple(words[-len(v) :]) == v for v in _PRICE_VERBS) else ""


def _count_of_subject(state: ParseState, position: int) -> str | None:
    """The plain count metric named by the first word of the subject ('memberships priced')."""
    first = state.seg.tokens[state.items[position].start].stem
    found = [
        e.target
        for e in state.lex.lookup((first,))
        if e.kind == "metric"
        and e.strength >= 2
        and state.lex.metrics[e.target].agg == "count"
        and not state.lex.metrics[e.target].filter
    ]
    return found[0] if len(set(found)) == 1 else None


def _group_by_subject_noun(state: ParseState, position: int) -> None:
    """'clubs with more than 1200 check-ins': a count noun followed by 'with' and another
    metric's threshold names the rows to group by (its name dimension), not a second metric."""
    for j, r in enumerate(state.readings):
        if r is None or j == position or r.kind != "metric":
            continue
        if state.low(j + 1) not in SUBJECT_NEXT and not _verb_before_bound(state, j + 1):
            continue
        if agg_cue_before(state.items, j, state.seg.tokens) is not None:
            continue
        dims = {e.target for e in r.item.entries if e.kind == "dimension" and e.strength >= 2}
        tables = [e.target for e in r.item.entries if e.kind == "entity"]
        names = {n for t in tables if (n := name_dimension(t, state.lex)) is not None}
        pick = dims if len(dims) == 1 else names if len(names) == 1 else set()
        if len(pick) != 1 or not all(state.lex.metrics[m].agg == "count" for m in r.targets):
            continue
        dim = next(iter(pick))
        state.draft.metrics = [
            m for m in state.draft.metrics if m not in r.targets or state.metric_count(m) > 1
        ]
        table = state.lex.dimensions[dim].table
        group = (entity_dimensions(table, state.lex) if dim in names else [dim]) or [dim]
        group_entity(state.draft.dimensions, state.draft.keys, group)
        shown = "' and '".join(group or [dim])
        state.draft.assumptions.append(f"grouped '{r.item.text}' by dimension '{shown}'")
        if len(group) == 1 and key_needed(table, state.lex):
            state.draft.assumptions.append(
                f"rows of '{r.item.text}' that share a '{group[0]}' are counted together"
                " (the layer has no key dimension to keep them apart)"
            )
        return


def _verb_before_bound(state: ParseState, position: int) -> bool:
    """'exhibitions showing more than 10 artworks': a verb form right after the subject noun
    and right before the comparator names the subject as 'that'/'with' would."""
    it = state.items[position] if position + 1 < len(state.items) else None
    after = state.items[position + 1] if it is not None else None
    return (
        it is not None
        and after is not None
        and it.kind in {"word", "unknown"}
        and state.low(position).endswith(("ing", "ed"))
        and after.kind == "cue"
        and after.cue.startswith("cmp")
    )


def _numeric_dims(state: ParseState, table: str | None) -> list[Dimension]:
    return [d for d in state.lex.dimensions.values() if d.table == table and d.type == "number"]


_MONEY_UNITS = frozenset({"usd", "dollars", "dollar", "eur", "euros", "euro", "gbp", "pounds"})
_MONEY_WORDS = frozenset({"amount", "amt", "price", "cost", "value", "fee", "charge", "salary"})
_KEY_WORD = re.compile(r"(?:^|_)(?:id|number|no|key|code)$")


def _bare(column: str) -> str:
    return column.strip().strip('"`[]').lower()


def _measures(state: ParseState, table: str | None) -> list[Dimension]:
    """The numeric dimensions of `table` that measure its rows: not a key or id (a column a
    relationship joins on, or named '..._id', '..._number', '..._code')."""
    joined = {
        _bare(c)
        for r in state.lex.layer.relationships
        for t, cols in ((r.from_table, r.from_columns), (r.to_table, r.to_columns))
        if t == table
        for c in cols
    }
    return [
        d
        for d in _numeric_dims(state, table)
        if _bare(d.expr) not in joined and not _KEY_WORD.search(d.name)
    ]


def _money_dims(state: ParseState, table: str | None) -> list[Dimension]:
    """Measures of `table` holding money ('amount', 'price', 'cost', ...): what '$200' bounds."""
    return [
        d
        for d in _measures(state, table)
        if _MONEY_WORDS & {stem(w) for w in words_of(f"{d.name} {d.label or ''} {d.expr}")}
    ]


def _dims_named(state: ParseState, table: str | None, unit: str, hint: str) -> list[Dimension]:
    """Numeric dimensions of `table` named by the unit or the comparative's noun."""
    dims = _numeric_dims(state, table)
    wanted = {stem(w) for w in (unit, *hint.split()) if w}
    prefixes = {w.lower().rstrip("s") for w in (unit, *hint.split()) if len(w) >= 5}

    def named_by(d: Dimension) -> bool:
        words = words_of(f"{d.name} {d.label or ''} {d.expr}")
        # 'miles' names 'mileage': a unit of four letters or more may start a longer word
        return bool(wanted & {stem(w) for w in words}) or any(
            w.lower().startswith(p) for p in prefixes for w in words
        )

    named = [d for d in dims if named_by(d)]
    return named or (dims if len(dims) == 1 and unit else [])


def _row_measure(state: ParseState, targets: list[str], text: str, unit: str) -> Dimension | None:
    """'visits with a wait over 60 minutes' (no breakdown): the one numeric dimension of the
    other metrics' table named by the word (and unit) bounds each row, not the total."""
    if state.draft.dimensions or state.draft.grain is not None:
        return None
    tables = {state.lex.metrics[m].table for m in state.draft.metrics if m not in targets}
    words = {stem(w) for w in words_of(text)}
    found = [
        d
        for t in tables
        for d in _numeric_dims(state, t)
        if words & {stem(w) for w in words_of(f"{d.name} {d.label or ''}")}
    ]
    if unit and len(found) > 1:
        found = [d for d in found if stem(unit) in {stem(w) for w in words_of(d.name)}]
    return found[0] if len(found) == 1 else None


def attach(state: ParseState, c: Comparison) -> None:
    """Record the threshold on its subject, or refuse when it is unclear what it bounds."""
    values: list[float | int] = [int(v) if float(v).is_integer() else v for v in c.values]
    op = c.op
    k = _subject(state, c)
    text = state.items[c.at].text + " " + " ".join(str(v) for v in values)
    if k is None:
        raise refusal(
            f"Could not tell what '{text}' applies to.",
            unmatched=[text],
            suggestions={"metrics": state.draft.metrics, "dimensions": []},
        )
    r = state.readings[k]
    assert r is not None
    if c.hint:
        own = _count_of_subject(state, k)
        if own is not None and r.kind == "metric":
            state.draft.metrics = [
                m for m in state.draft.metrics if m not in r.targets or state.metric_count(m) > 1
            ]
        if own is not None and not state.draft.metrics:
            state.draft.metrics.append(own)
        tables = {state.lex.metrics[x].table for x in state.draft.metrics}
        found = [d for t in tables for d in _dims_named(state, t, c.unit, c.hint)]
        if not found and (c.currency or c.unit in _MONEY_UNITS):
            found = [d for t in tables for d in _money_dims(state, t)]  # '$100': an amount
        if len(found) != 1:
            raise refusal(f"No numeric dimension for '{state.items[c.at].text}'.", unmatched=[text])
        _dim_filter(state, found[0], op, values, text)
        return
    num_dims = [
        state.lex.dimensions[e.target]
        for e in r.item.entries
        if e.kind == "dimension" and state.lex.dimensions[e.target].type == "number"
    ]
    if r.kind == "metric" and num_dims and agg_cue_before(state.items, k, state.seg.tokens) is None:
        _dim_filter(state, num_dims[0], op, values, r.item.text)
        state.draft.metrics = [
            m for m in state.draft.metrics if m not in r.targets or state.metric_count(m) > 1
        ]
        return
    row_dim = _row_measure(state, r.targets, r.item.text, c.unit)
    if (
        r.kind == "metric"
        and row_dim is not None
        and agg_cue_before(state.items, k, state.seg.tokens) is None
    ):
        _dim_filter(state, row_dim, op, values, r.item.text)
        state.draft.metrics = [
            m for m in state.draft.metrics if m not in r.targets or state.metric_count(m) > 1
        ]
        return
    if r.kind == "dimension":
        dim = state.lex.dimensions[r.targets[0]]
        if dim.type != "number":
            raise refusal(
                f"'{r.item.text}' is not numeric; cannot compare it with {values}.",
                unmatched=[text],
                suggestions={"metrics": [], "dimensions": [dim.name]},
            )
        _dim_filter(state, dim, op, values, r.item.text)
        return
    metric = state.metric_at.get(k) or r.targets[0]
    m = state.lex.metrics[metric]
    counted = m.agg in {"count", "count_distinct"}
    rows_before = counted and k < c.at and not state.draft.dimensions and not state.draft.grain
    if counted and (c.unit or c.hint or c.currency):
        found = _dims_named(state, m.table, c.unit, c.hint)
        if c.currency or c.unit in _MONEY_UNITS:
            found = found or _money_dims(state, m.table)
        if len(found) != 1 and rows_before:
            found = _measures(state, m.table)
        if len(found) != 1:
            raise refusal(
                f"Could not tell which measure '{text} {c.unit}' bounds.",
                unmatched=[f"{text} {c.unit}".strip()],
                suggestions={"metrics": [], "dimensions": [d.name for d in found]},
            )
        phrase = f"{text} {c.unit}".strip()
        state.draft.assumptions.append(f"read '{phrase}' as a filter on {found[0].name}")
        _dim_filter(state, found[0], op, values, text)
        return
    if c.currency and m.format.kind != "currency" and counted:
        money = _numeric_dims(state, m.table)
        if len(money) != 1:
            raise refusal(
                f"Could not tell which amount '{text}' bounds.",
                unmatched=[text],
                suggestions={"metrics": [], "dimensions": [d.name for d in money]},
            )
        state.draft.assumptions.append(f"read '{text}' as a filter on {money[0].name} of each row")
        _dim_filter(state, money[0], op, values, text)
        return
    if rows_before:
        # 'How many pledges were larger than 150?': the number bounds each counted row, by the
        # one measure its table has (none or several: refused below, as a threshold without a
        # breakdown)
        found = _measures(state, m.table)
        if len(found) == 1:
            state.draft.assumptions.append(
                f"read '{text}' as a filter on each row's {found[0].label or found[0].name}"
            )
            _dim_filter(state, found[0], op, values, text)
            return
    if m.format.kind == "percent" and (c.percent or any(v > 1 for v in values)):
        values = [v / 100 for v in values]
        state.draft.assumptions.append(f"read '{text}' as a percentage ({values})")
    if not state.draft.dimensions and state.draft.grain is None:
        _group_by_subject_noun(state, k)
        if state.draft.dimensions:  # a new grouping: a metric that fans out takes its other
            reachable_metrics(state)  # reading ('artworks' of exhibition_artworks)
            metric = state.metric_at.get(k, metric)
            m = state.lex.metrics[metric]
    _linking_verbs(state, c.at, m)
    state.draft.metric_filters.append(QueryFilter(field=metric, op=op, values=values))
    if metric not in state.draft.metrics:
        state.draft.metrics.append(metric)
    state.draft.explanation.append(
        Explained(text=text, kind="metric_filter", target=metric, detail=f"{op} {values}")
    )


_VERB_GLUE = frozenset({"that", "who", "which", "have", "has", "had", "out", "up", "did", "do"})


def _linking_verbs(state: ParseState, at: int, metric: Metric) -> None:
    """'stadiums that hosted more than 20 concerts', 'which airlines operate more than 4
    routes': up to two unknown words between the grouped entity and the threshold only name how
    the counted rows point to it, when they point to it in exactly one way (concert.stadium_id);
    they are context. Any other link between the two ('museums that lent out more than 10
    artworks': loans link museums and artworks too) leaves them unmatched, so it is refused."""
    if metric.agg != "count" or not metric.table:
        return
    found = verbs_before_entity(state, at, _VERB_GLUE)
    if found is None:
        return
    verbs, entities, _ = found
    for entity in entities:
        column = linking_column(state, entity, metric.table)
        if column is not None and column.table == metric.table:
            for v in verbs:
                state.used.add(v)
                state.draft.explanation.append(
                    Explained(text=state.items[v].text, kind="context", target=metric.table)
                )
            return


def _dim_filter(
    state: ParseState, dim: Dimension, op: str, values: list[float | int], text: str
) -> None:
    state.draft.dim_filters.append(QueryFilter(field=dim.name, op=op, values=values))
    state.draft.explanation.append(
        Explained(text=text, kind="filter", target=dim.name, detail=f"{op} {values}")
    )
    if dim.name in state.draft.dimensions:
        state.draft.dimensions.remove(dim.name)
