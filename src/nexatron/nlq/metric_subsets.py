"""Filtered metrics named as sets of rows: 'excluding cancelled flights' is the opposite of that
metric's filter; 'average value of delivery orders' keeps the filter of 'delivery orders'.

A count metric defined by one filter ('cancelled flights' = flights where cancelled) names a set of
rows; excluding it is the negated filter on the other metrics' rows. A negated metric whose filter
cannot be negated (none, several conditions, a column no dimension exposes) is refused.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from nexatron.nlq.boolean_qualifiers import is_negator
from nexatron.nlq.errors import refusal
from nexatron.nlq.lexicon import Entry
from nexatron.nlq.plan import Explained
from nexatron.nlq.readings import Reading, agg_cue_before
from nexatron.semantic.model import Dimension, Metric, QueryFilter

if TYPE_CHECKING:
    from nexatron.nlq.state import ParseState

_SKIP = frozenset({"the", "a", "an", "any", "all"})
_OPPOSITE = {"=": "!=", "!=": "=", "in": "not_in", "not_in": "in"}


def _negators_before(state: ParseState, position: int) -> list[int]:
    negs: list[int] = []
    j = position - 1
    while j >= 0 and (
        is_negator(state, j) or (state.items[j].kind == "word" and state.low(j) in _SKIP)
    ):
        if is_negator(state, j):
            negs.append(j)
        j -= 1
    return negs


def _filter_dimension(state: ParseState, m: Metric, field: str) -> Dimension | None:
    dim = state.lex.dimensions.get(field)
    if dim is not None and dim.table == m.table:
        return dim
    same = [d for d in state.lex.dimensions.values() if d.table == m.table and d.expr == field]
    return same[0] if len(same) == 1 else None


def negated_metrics(state: ParseState) -> None:
    """Turn 'excluding <filtered count metric>' into the negated filter; refuse what cannot be."""
    for k, r in enumerate(state.readings):
        if r is None or r.kind != "metric" or k in state.used:
            continue
        negs = _negators_before(state, k)
        if not negs:
            continue
        m = state.lex.metrics[r.targets[0]] if len(r.targets) == 1 else None
        f = m.filter[0] if m is not None and len(m.filter) == 1 else None
        dim = _filter_dimension(state, m, f.field) if m is not None and f is not None else None
        if m is None or f is None or dim is None or f.op not in _OPPOSITE:
            raise refusal(
                f"Cannot tell what excluding '{r.item.text}' removes.",
                unmatched=[" ".join(state.items[j].text for j in [*negs[::-1], k])],
                suggestions={"metrics": list(r.targets), "dimensions": []},
            )
        if dim.type == "boolean" and f.op == "=" and len(f.values) == 1:
            state.draft.filters.setdefault((dim.name, False), []).append(not f.values[0])
            detail = str(not f.values[0]).lower()
        else:
            neg = f.op in {"=", "in"}
            state.draft.filters.setdefault((dim.name, neg), []).extend(f.values)
            detail = f"{_OPPOSITE[f.op]} {f.values}"
        state.used.update([k, *negs])
        state.draft.entities.append((r.item.text, m.table or ""))
        state.draft.explanation.append(
            Explained(text=r.item.text, kind="value", target=dim.name, detail=detail)
        )
        state.carried.add(k)


def kept_filters(state: ParseState) -> None:
    """A filtered metric read as context ('for delivery orders') keeps its filter; refuse when
    it cannot be kept."""
    for k, r in enumerate(state.readings):
        if r is None or r.kind != "metric" or k not in state.used or k in state.carried:
            continue
        if set(r.targets) & set(state.draft.metrics):
            continue
        if not any(state.lex.metrics[t].filter for t in r.targets):
            continue
        m = state.lex.metrics[r.targets[0]]
        dims = [_filter_dimension(state, m, f.field) for f in m.filter]
        if len(r.targets) != 1 or any(d is None for d in dims):
            raise refusal(
                f"'{r.item.text}' names a filtered metric used as context;"
                " its filter cannot be applied here.",
                unmatched=[r.item.text],
                suggestions={"metrics": list(r.targets), "dimensions": []},
            )
        for f, dim in zip(m.filter, dims, strict=True):
            assert dim is not None
            if f.op in {"=", "in"}:
                state.draft.filters.setdefault((dim.name, False), []).extend(f.values)
            elif f.op in {"!=", "not_in"}:
                state.draft.filters.setdefault((dim.name, True), []).extend(f.values)
            else:
                state.draft.dim_filters.append(
                    QueryFilter(field=dim.name, op=f.op, values=f.values)
                )
            state.draft.explanation.append(
                Explained(text=r.item.text, kind="value", target=dim.name, detail=str(f.values))
            )
        state.carried.add(k)


_COLUMN_AGGS = frozenset({"avg", "sum", "median"})


def aggregated_columns(state: ParseState) -> None:
    """'average party size': an aggregation word before a numeric dimension names the metric
    with that aggregation over the same column (asks when several do; with none, the
    aggregate_words pass reads it as an ad-hoc aggregate)."""
    for k, r in enumerate(state.readings):
        if r is None or r.kind != "dimension" or k in state.used:
            continue
        dims = [state.lex.dimensions[t] for t in r.targets]
        cue = agg_cue_before(state.items, k, state.seg.tokens)
        if cue not in _COLUMN_AGGS or any(d.type != "number" for d in dims):
            continue
        nxt = state.items[k + 1] if k + 1 < len(state.items) else None
        if nxt is not None and nxt.kind == "cue" and nxt.cue.startswith("cmp:"):
            continue  # 'total amount over 50' bounds each row
        found = [
            m.name
            for m in state.lex.metrics.values()
            for d in dims
            if m.table == d.table and m.agg == cue and m.expr == d.expr and not m.filter
        ]
        if not found:
            continue  # no metric: an ad-hoc aggregate (aggregate_words)
        if len(found) != 1:
            word = {"sum": "total", "avg": "average"}.get(cue, cue)
            raise refusal(
                f"No metric gives the {word} of '{r.item.text}'.",
                unmatched=[f"{word} {r.item.text}"],
                suggestions={"metrics": found, "dimensions": list(r.targets)},
            )
        item = replace(r.item, entries=[Entry("metric", found[0], strength=3, source="column")])
        state.items[k] = item
        state.readings[k] = Reading(item, "metric", found)


def _covered(state: ParseState, f: Metric) -> list[tuple[str, bool]] | None:
    """The question's filters that are exactly `f`'s own filter, else None."""
    keys: list[tuple[str, bool]] = []
    for flt in f.filter:
        dim = _filter_dimension(state, f, flt.field)
        if dim is None or flt.op not in {"=", "in"}:
            return None
        got = state.draft.filters.get((dim.name, False))
        if got is None or set(map(str, got)) != set(map(str, flt.values)):
            return None
        keys.append((dim.name, False))
    return keys


def defined_subsets(state: ParseState) -> None:
    """'loans that were closed last quarter': a count filtered exactly like a filtered
    count metric of the same rows is that metric, dated by its own date (the end, not the start)."""
    draft = state.draft
    if (draft.range is None and draft.grain is None) or draft.time_dim is not None:
        return
    for name in list(draft.metrics):
        m = state.lex.metrics[name]
        if m.type != "simple" or m.agg != "count" or m.filter:
            continue
        found = [
            (f, keys)
            for f in state.lex.metrics.values()
            if f.table == m.table and f.agg == m.agg and f.expr == m.expr and f.filter
            if (keys := _covered(state, f)) is not None
        ]
        if len(found) != 1 or found[0][0].time_dimension == m.time_dimension:
            continue
        f, keys = found[0]
        for key in keys:
            del draft.filters[key]
        draft.metrics = [f.name if x == name else x for x in draft.metrics]
        if draft.order_metric == name:
            draft.order_metric = f.name
        draft.assumptions.append(f"counted '{f.name}', dated by its own date")
