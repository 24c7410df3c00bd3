"""'Sales by shelf': when the metric a word names first cannot reach what the question
groups or filters by without repeating rows, a weaker reading of the same word that can (the
per-line sales of 'Line item sales') is used instead; only when exactly one fits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexatron.nlq.readings import reachable, tables_of

if TYPE_CHECKING:
    from nexatron.nlq.state import ParseState


def _needed(state: ParseState) -> set[str]:
    draft, dims = state.draft, state.lex.dimensions
    names = [
        *draft.dimensions,
        *(f for f, _ in draft.filters),
        *(f.field for f in draft.dim_filters),
    ]
    if draft.time_dim:
        names.append(draft.time_dim)
    return {dims[n].table for n in names if n in dims}


def _reaches(state: ParseState, name: str, goals: set[str]) -> bool:
    tables = tables_of(state.lex, [name])
    return bool(tables) and all(reachable(state.lex, tables, g) for g in goals)


def reachable_metrics(state: ParseState) -> None:
    """Swap a metric that fans out for the one other reading of its word that does not."""
    goals = _needed(state)
    if not goals:
        return
    for k, name in list(state.metric_at.items()):
        if _reaches(state, name, goals):
            continue
        m = state.lex.metrics[name]
        others = {
            e.target
            for e in state.items[k].entries
            if e.kind == "metric" and e.target != name and e.target not in state.draft.metrics
        }
        fits = [
            o
            for o in sorted(others)
            if state.lex.metrics[o].agg == m.agg
            and state.lex.metrics[o].format.kind == m.format.kind
            and not state.lex.metrics[o].filter
            and _reaches(state, o, goals)
        ]
        if len(fits) != 1 or state.metric_count(name) != 1:
            continue
        new = fits[0]
        state.metric_at[k] = new
        state.draft.metrics = [new if x == name else x for x in state.draft.metrics]
        if state.draft.order_metric == name:
            state.draft.order_metric = new
        state.draft.assumptions.append(
            f"read '{state.items[k].text}' as '{new}': '{name}' cannot be split by what was asked"
        )
