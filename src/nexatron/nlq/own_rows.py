"""'the average list price of our bouquets', 'the average monthly fee across all the members':
a count metric named after a metric of the same table, joined by 'of'/'across', only says whose
column it is. It is context, not a second metric."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nexatron.nlq.state import ParseState

_LINKS = frozenset({"of", "across", "among", "amongst", "over"})
_DETERMINERS = frozenset({"all", "the", "our", "your", "their", "its", "these", "those"})


def own_rows(state: ParseState, a: int, b: int) -> bool:
    """b counts every row of the table a's metric aggregates, after 'of/across (all) (our)':
    b names those rows (kept as context, announced) rather than a second metric."""
    between = [state.low(j) for j in range(a + 1, b)]
    if not between or between[0] not in _LINKS or not set(between[1:]) <= _DETERMINERS:
        return False
    ma, mb = state.lex.metrics[state.metric_at[a]], state.lex.metrics[state.metric_at[b]]
    if mb.agg != "count" or mb.filter or ma.agg == "count" or ma.table != mb.table:
        return False
    if state.metric_count(mb.name) != 1 or not mb.table:
        return False
    del state.metric_at[b]
    state.draft.metrics.remove(mb.name)
    state.draft.explanation = [
        e for e in state.draft.explanation if not (e.kind == "metric" and e.target == mb.name)
    ]
    state.draft.entities.append((state.items[b].text, mb.table))
    state.draft.assumptions.append(
        f"read '{state.items[b].text}' as the rows of '{ma.name}', not a count of its own"
    )
    return True
