"""Passes: values named in the question become filters; 'A vs B' keeps both values apart."""

from __future__ import annotations

from nexatron.nlq.direction import DIRECTION_VERBS, agreeing_dimensions, cue_direction
from nexatron.nlq.plan import Explained
from nexatron.nlq.readings import (
    Reading,
    choose_value_dim,
    own_column,
    tables_of,
)
from nexatron.nlq.state import ParseState
from nexatron.nlq.word_lists import (
    GROUP,
    NEGATION,
)
from nexatron.nlq.word_roots import shares_root
from nexatron.semantic.model import QueryFilter

_CONNECT = frozenset({"or", "and", ",", "&", "/", "either", "both", "the", "also"})
_COMPARE = frozenset({"vs", "versus", "compared", "compare", "comparing", "comparison"})
_NAMING = frozenset({"called", "named", "titled"})


def value_filters(state: ParseState) -> None:
    """Values named in the question become filters on their dimension (negated after 'not')."""
    metric_tables = tables_of(state.lex, state.draft.metrics)
    _not_yet(state, metric_tables)
    hinted = {t for r in state.readings if r and r.kind == "dimension" for t in r.targets}
    tables = {e.target for it in state.items for e in it.entries if e.kind == "entity"}
    hinted |= {n for n, x in state.lex.dimensions.items() if x.table in tables}
    negs: list[int] = []
    for k, it in enumerate(state.items):
        r = state.readings[k]
        low = state.low(k)
        if k in state.used:
            continue
        if (it.kind == "cue" and it.cue == "neg") or (it.kind == "word" and low in NEGATION):
            negs.append(k)
            continue
        if r is None or r.kind != "value":
            if not (it.kind == "word" and low in _CONNECT) and it.kind != "word":
                negs = []
            continue
        neg = bool(negs)
        state.used.update(negs)
        dims = agreeing_dimensions(
            state.lex, state.seg.tokens, it.start, it.text, r.targets, metric_tables
        )
        if dims != r.targets or cue_direction(state.seg.tokens, it.start):
            state.used.update(j for j in (k - 1, k - 2) if state.low(j) in DIRECTION_VERBS)
            vals = {x: r.values_by_dim[x] for x in dims}
            r = Reading(it, "value", dims, values_by_dim=vals)
        singles = {
            d
            for rr in state.readings
            if rr and rr.kind == "value"
            for d in rr.targets
            if len(rr.targets) == 1
        }
        own = own_column(r.targets, state.lex) if state.low(k - 1) in _NAMING else None
        if own is not None and metric_tables == {state.lex.dimensions[own].table}:
            dim = own  # 'employees called David Chen': their own name, not their manager's
        else:
            dim = choose_value_dim(r, hinted | (singles & set(r.targets)), metric_tables, state.lex)
        value = r.values_by_dim[dim]
        state.draft.filters.setdefault((dim, neg), []).append(value)
        state.used.add(k)
        word = "not " if neg else ""
        state.draft.explanation.append(
            Explained(text=it.text, kind="value", target=dim, detail=f"{word}{value}")
        )
        _qualifier(state, k, dim)


def _not_yet(state: ParseState, tables: set[str]) -> None:
    """'tickets not resolved yet', 'not yet discharged': the event has not happened, so the
    counted rows' own date named by the word ('Resolved at') is empty (IS NULL), whatever
    status value the word also matches."""
    for k in range(len(state.items) - 2):
        if state.low(k) != "not" or k in state.used:
            continue
        j = k + 2 if state.low(k + 1) == "yet" else k + 1
        if state.low(k + 1) != "yet" and state.low(j + 1) != "yet":
            continue
        r = state.reading(j)
        if r is None or r.kind not in {"value", "dimension"} or j in state.used:
            continue
        word = state.low(j)
        dates = [
            d
            for d in state.lex.dimensions.values()
            if d.type == "time"
            and d.table in tables
            and d.via is None
            and (d.name in r.targets or shares_root(word, [f"{d.name} {d.label or ''}"]))
        ]
        if len(dates) != 1:
            continue
        date = dates[0]
        state.draft.dim_filters.append(QueryFilter(field=date.name, op="is_null"))
        yet = k + 1 if state.low(k + 1) == "yet" else j + 1
        state.used.update({k, j, yet})
        text = " ".join(state.items[x].text for x in sorted({k, j, yet}))
        state.draft.explanation.append(
            Explained(text=text, kind="filter", target=date.name, detail="is empty")
        )
        state.draft.assumptions.append(
            f"read '{text}' as rows with no {(date.label or date.name).lower()}"
        )


def compared_values(state: ParseState) -> None:
    """'A vs B', 'A compared to B': keep both values apart (group by their dimension)."""
    if not {t.low for t in state.seg.tokens} & _COMPARE:
        return
    for (dim, neg), values in state.draft.filters.items():
        if not neg and len(set(values)) > 1 and dim not in state.draft.dimensions:
            state.draft.dimensions.append(dim)
            state.draft.assumptions.append(f"compared the values of '{dim}' side by side")


def _qualifier(state: ParseState, position: int, dim: str) -> None:
    """A dimension named right beside its own value ('the Enterprise plan') is no grouping;
    nor is a dimension of the same table right after it ('North America warehouses')."""
    nxt = state.readings[position + 1] if position + 1 < len(state.readings) else None
    table = state.lex.dimensions[dim].table
    if (
        nxt
        and nxt.kind == "dimension"
        and all(state.lex.dimensions[t].table == table for t in nxt.targets)
    ):
        state.used.add(position + 1)
        state.draft.entities.append((nxt.item.text, table))
        return
    for j in (position + 1, position - 1, position - 2):
        r = state.readings[j] if 0 <= j < len(state.readings) else None
        if r and r.kind == "dimension" and dim in r.targets and state.low(j - 1) not in GROUP:
            state.used.add(j)
            return
