"""'average route distance', 'total track duration': an aggregation word, the table's noun,
then a measure of that table. The noun only says whose measure it is; the aggregation word
belongs to the measure, not to the table's count ('average route' is no metric)."""

from __future__ import annotations

from nexatron.nlq.readings import agg_ok
from nexatron.nlq.state import ParseState

_MEASURE_CUES = frozenset({"avg", "sum", "max", "min", "median"})


def table_noun_before_measure(state: ParseState, position: int, cue: str | None) -> str | None:
    """The table the item at `position` names when it stands between an aggregation word
    and a measure of that same table the word fits; else None."""
    if cue not in _MEASURE_CUES:
        return None
    here, nxt = state.reading(position), state.reading(position + 1)
    if here is None or nxt is None or nxt.kind != "metric" or position + 1 in state.used:
        return None
    tables = {e.target for e in here.item.entries if e.kind == "entity"}
    if len(tables) != 1:
        return None
    table = next(iter(tables))
    own_counts = all(
        state.lex.metrics[m].table == table and state.lex.metrics[m].agg == "count"
        for m in here.targets
    )
    fits = [
        m
        for m in nxt.targets
        if state.lex.metrics[m].table == table and agg_ok(state.lex.metrics[m], cue)
    ]
    return table if own_counts and fits else None
