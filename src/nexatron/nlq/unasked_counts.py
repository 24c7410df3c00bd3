"""Announce a count nobody asked for: rows narrowed by values or flags but read as a number.

'clay fields without irrigation' names the rows (their count metric's plural) and values of
them, but no count word, no aggregate and no listing verb: the answer is their number, and a
list of the rows may be meant. Run after `row_shape`, so a question read as a listing is left
alone; numeric thresholds announce the same in `comparisons`.
"""

from __future__ import annotations

from nexatron.nlq.state import ParseState

_NUMBER_WORDS = frozenset({"how", "number", "count", "total", "sum", "average", "avg", "mean"})
_ANNOUNCED = "answered with the number of rows that match"


def unasked_counts(state: ParseState) -> None:
    """Announce a plain count of filtered rows when the question asked for no number."""
    draft = state.draft
    if draft.columns is not None or not draft.filters or not draft.metrics:
        return
    if draft.dimensions or draft.time_grouped or draft.grain or draft.aggregates:
        return
    if any(_ANNOUNCED in a for a in draft.assumptions):
        return
    if any(it.kind == "cue" and it.cue == "count" for it in state.items):
        return
    if {t.low for t in state.seg.tokens} & _NUMBER_WORDS:
        return
    metrics = [state.lex.metrics.get(m) for m in draft.metrics]
    if not all(m is not None and m.agg == "count" and not m.filter for m in metrics):
        return
    labels = [state.lex.metrics[m].label or m for m in draft.metrics]
    draft.assumptions.append(
        f"{_ANNOUNCED} ({', '.join(labels)}): the question names no count or aggregate, and a"
        " list of the rows themselves may be meant"
    )
