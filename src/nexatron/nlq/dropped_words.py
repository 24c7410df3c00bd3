"""Words never silently dropped: a loose aggregation word ('average party size' with no metric
taking it) and a generic noun written against a matched name ('table turnover time')."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexatron.nlq.text import words_of
from nexatron.nlq.word_lists import AGG_CUES, COMPOUND_NOUNS, DURATION_WORDS

if TYPE_CHECKING:
    from nexatron.nlq.readings import Reading
    from nexatron.nlq.state import ParseState


def loose_aggregation(state: ParseState, position: int) -> bool:
    """'average party size' where no metric took the 'average': never dropped."""
    if (
        AGG_CUES.get(state.low(position)) not in {"avg", "sum", "median"}
        or state.low(position) == "overall"
    ):
        return False
    r = state.readings[position + 1] if position + 1 < len(state.readings) else None
    return r is not None and r.kind in {"dimension", "entity", "value"}


def compound_noun(state: ParseState, position: int) -> bool:
    """'table turnover time': a generic noun written against a matched name makes a longer
    name the layer does not know; it is never dropped."""
    if state.low(position) not in COMPOUND_NOUNS:
        return False
    near = [state.readings[j] for j in (position - 1, position + 1) if 0 <= j < len(state.readings)]
    named = [r for r in near if r is not None and r.kind in {"metric", "dimension", "entity"}]
    if (
        state.low(position) in {"time", "times"}
        and named
        and all(_duration(state, r) for r in named)
    ):
        return False  # 'wait time' for a metric over wait_minutes
    return bool(named)


def _duration(state: ParseState, r: Reading) -> bool:
    for t in r.targets:
        obj = state.lex.metrics.get(t) or state.lex.dimensions.get(t)
        if obj is None or not set(words_of(f"{obj.name} {obj.expr or ''}")) & DURATION_WORDS:
            return False
    return bool(r.targets) and r.kind != "entity"


def compound_text(state: ParseState, position: int) -> str:
    """The whole run of names and generic nouns around the item at `position`."""
    lo, hi = position, position
    while lo > 0 and (state.readings[lo - 1] is not None or compound_noun(state, lo - 1)):
        lo -= 1
    while hi + 1 < len(state.items) and (
        state.readings[hi + 1] is not None or compound_noun(state, hi + 1)
    ):
        hi += 1
    return " ".join(state.items[j].text for j in range(lo, hi + 1))
