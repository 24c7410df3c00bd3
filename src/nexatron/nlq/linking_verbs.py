"""A verb that only links the counted rows to a value already filtering them: 'employees working
in Berlin' (the department's city), 'owners live in Harrogate', 'drivers driving an EV'.

The verb is a word the layer does not know, right before a preposition or an article and the
value (or the value's dimension and then the value: 'used the coupon VIP20'), and the value is
already read as a filter. It is kept as context and announced, never dropped silently. It is
not a link when it could change what is counted: a verb of direction ('departing from', which
role of the value), a verb sharing its root with a column of the rows or of the value's table
('delayed at': the delay), a verb from the closed list of verbs that select or remove rows
('cancelled in', 'left in'), a value that several dimensions hold, or one that is no attribute
of each counted row (no many-to-one path leads from the rows to it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexatron.nlq.direction import DIRECTION_VERBS
from nexatron.nlq.distinct_entities import many_to_one_paths
from nexatron.nlq.readings import tables_of
from nexatron.nlq.text import stem
from nexatron.nlq.word_lists import FUNCTION, NEGATION
from nexatron.nlq.word_roots import shares_root

if TYPE_CHECKING:
    from nexatron.nlq.state import ParseState

_PREPS = frozenset({"in", "at", "from", "to", "for", "on", "with", "by", "under", "into"})
_ARTICLES = frozenset({"the", "a", "an"})
_NOT_VERBS = NEGATION | frozenset(
    {
        "outside", "inside", "beyond", "apart", "near", "around", "across", "over", "under",
        "above", "below", "within", "only", "mostly", "mainly", "just", "also", "even", "still",
        "including", "missing", "remaining", "outstanding", "excluding", "exceeding", "lacking",
    }
)  # fmt: skip
_SELECTING = frozenset(
    stem(w)
    for w in (
        "cancel", "cancelled", "canceled", "return", "returned", "refund", "refunded", "reject",
        "rejected", "fail", "failed", "miss", "missed", "lose", "lost", "close", "closed",
        "leave", "left", "quit", "exclude", "excluded", "remove", "removed", "delete", "deleted",
        "drop", "dropped", "stop", "stopped", "end", "ended", "expire", "expired", "owe", "owed",
        "complain", "complained", "die", "died", "block", "blocked", "suspend", "suspended",
        "delay", "delayed", "late", "overdue", "pending", "open", "opened", "approve", "approved",
        "decline", "declined", "transfer", "transferred", "move", "moved", "change", "changed",
    )
)  # fmt: skip


def _verb_like(state: ParseState, position: int) -> bool:
    """A gerund or participle ('working', 'used'), or a plain verb between the rows' noun and
    a preposition ('owners live in'); never a word that excludes or places ('outside',
    'except')."""
    low = state.low(position)
    if not low.isalpha() or low in FUNCTION or len(low) < 3 or low in _NOT_VERBS:
        return False
    if low.endswith(("ing", "ed")):
        return True
    prev = state.reading(position - 1)
    named = prev is not None and prev.kind in {"metric", "entity"}
    return named and state.low(position + 1) in _PREPS


def _value_after(state: ParseState, position: int) -> int | None:
    """The position of the used value the verb at `position` leads to, if any."""
    j = position + 1
    if state.low(j) in _PREPS:
        j += 1
    if state.low(j) in _ARTICLES:
        j += 1
    reading = state.reading(j)
    if reading is not None and reading.kind == "dimension" and j in state.used:
        j += 1  # 'used the coupon VIP20'
        reading = state.reading(j)
    if reading is None or reading.kind != "value" or j not in state.used:
        return None
    return j


def linking_verb(state: ParseState, position: int) -> str | None:
    """The announcement for a verb at `position` read as linking the rows to a value already
    filtering them; None when it is no such verb."""
    low = state.low(position)
    if not (state.draft.metrics or state.draft.aggregates) or not _verb_like(state, position):
        return None
    if low in DIRECTION_VERBS or stem(low) in _SELECTING or low in _SELECTING:
        return None
    at = _value_after(state, position)
    if at is None:
        return None
    value = state.readings[at]
    assert value is not None
    dims = [state.lex.dimensions[t] for t in value.targets if t in state.lex.dimensions]
    if len(dims) != 1:
        return None
    rows = tables_of(state.lex, state.draft.metrics)
    if any(many_to_one_paths(state, table, dims[0].table) == 0 for table in rows):
        return None  # the value is no attribute of each counted row
    tables = rows | {dims[0].table}
    names = [
        f"{d.name} {d.label or ''}" for d in state.lex.dimensions.values() if d.table in tables
    ]
    names += [f"{m.name} {m.label or ''}" for m in state.lex.metrics.values() if m.table in tables]
    if shares_root(low, names):
        return None
    return (
        f"read '{state.items[position].text}' as linking the rows counted to"
        f" '{value.item.text}' ({dims[0].label or dims[0].name})"
    )
