"""Light verbs that cannot change what a named metric means: 'how much rent did we collect',
'how many tickets did each team write', 'total quantity of widgets sold'.

Only verbs from a closed list are ignored, only once a metric is matched, and only in the
shapes where they merely restate the metric: after 'do/did/does <subject>' (or 'have we' once
the counted thing is named: 'how many orders have we taken'), as a participle right after the
counted thing ('lessons booked'), after a pronoun right after it ('the visits they handled'), or
in a relative clause before it ('guests who have bought three or more passes').
Verbs that change meaning (lose, cancel, return, see) are not in it.
A verb sharing its root with a column of the counted rows is never light: 'claims reported last
month' means their report date.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexatron.nlq.text import stem
from nexatron.nlq.word_roots import shares_root

if TYPE_CHECKING:
    from nexatron.nlq.state import ParseState

_BASES = [
    "bring",
    "buy",
    "purchase",
    "collect",
    "earn",
    "employ",
    "generate",
    "get",
    "have",
    "make",
    "receive",
    "sell",
    "serve",
    "spend",
    "take",
    "write",
    "bill",
    "charge",
    "book",
    "log",
    "hold",
    "score",
    "raise",
    "file",
    "place",
    "handle",
    "report",
    "post",
    "record",
    "register",
    "issue",
    "submit",
    "create",
]
_FORMS = [
    "brought",
    "bought",
    "purchased",
    "collected",
    "earned",
    "employed",
    "generated",
    "got",
    "gotten",
    "had",
    "made",
    "received",
    "sold",
    "served",
    "spent",
    "took",
    "taken",
    "wrote",
    "written",
    "billed",
    "charged",
    "booked",
    "logged",
    "held",
    "scored",
    "raised",
    "filed",
    "placed",
    "handled",
    "reported",
    "posted",
    "recorded",
    "registered",
    "issued",
    "submitted",
    "created",
]
LIGHT_VERBS = frozenset(_BASES) | frozenset(stem(w) for w in _BASES)
PARTICIPLES = frozenset(_FORMS) - {"got", "gotten", "had", "billed", "charged", "logged"}
_PERFECT = frozenset({"have", "has", "had"})
_AUX = frozenset({"do", "does", "did"}) | _PERFECT
_RELATIVE = frozenset({"who", "that", "which"})
_PRONOUNS = frozenset({"they", "we", "you", "i", "he", "she", "it"})
_PASSIVE = frozenset({"was", "were", "is", "are", "been"})
_SUBJECT = frozenset(
    {"we", "you", "they", "i", "our", "the", "a", "an", "each", "every", "all", "your", "their"}
)


def _verb(low: str) -> bool:
    return low in LIGHT_VERBS or stem(low) in LIGHT_VERBS or low in PARTICIPLES


def _after_aux(state: ParseState, position: int) -> bool:
    """'did we <verb>', 'did each department <verb>', 'does the Deansgate branch <verb>',
    'have we <verb>'."""
    j = position - 1
    while j >= 0 and (state.low(j) in _SUBJECT or state.readings[j] is not None):
        j -= 1
    if not (j >= 0 and j < position - 1 and state.low(j) in _AUX):
        return False
    if state.low(j) in _PERFECT:  # 'how many orders have we taken', not 'what have we taken'
        return any(r is not None and r.kind == "metric" for r in state.readings[:j])
    return True


def _after_pronoun(state: ParseState, position: int) -> bool:
    """'the number of visits they handled', 'the revenue we earned': a pronoun subject right
    after the thing counted."""
    before = state.reading(position - 2) if position >= 2 else None
    return state.low(position - 1) in _PRONOUNS and before is not None and before.kind == "metric"


def _participle(state: ParseState, position: int) -> bool:
    """'widgets sold', 'tickets written': right after a value or a counted noun, or after
    'were'/'was' following one ('how many events were held')."""
    before = position - 1
    if state.low(before) in _PASSIVE:
        before -= 1
    if state.low(before + 1) == "been" and state.low(before) in {"have", "has", "had"}:
        before -= 1  # 'how many tickets have been raised'
    prev = state.readings[before] if before >= 0 else None
    return state.low(position) in PARTICIPLES and prev is not None


def _relative(state: ParseState, position: int) -> bool:
    """'guests who have bought three or more passes': a relative clause whose object, within
    a few words after the verb, is the counted thing."""
    j = position - 1
    if j >= 0 and state.low(j) in _AUX:
        j -= 1
    if j < 0 or state.low(j) not in _RELATIVE:
        return False
    after = state.readings[position + 1 : position + 5]
    return any(r is not None and r.kind == "metric" for r in after)


def _sure_metrics(state: ParseState) -> bool:
    """Every metric was named by its name, label, synonym or core, not guessed from one word;
    or, with no metric, the question counts the distinct values of a column ('how many
    different brands do we sell')."""
    if not state.draft.metrics:
        aggs = state.draft.aggregates
        return bool(aggs) and all(a.agg == "count_distinct" and a.dimension for a in aggs)
    for j, name in state.metric_at.items():
        found = [e.strength for e in state.items[j].entries if e.target == name]
        if found and max(found) < 2:
            return False
    return True


def _names_a_column(state: ParseState, position: int) -> bool:
    """The verb shares its root with a column of the counted rows ('reported' and 'Report
    timestamp'): it says which date or column is meant, so it is not light."""
    tables = {state.lex.metrics[m].table for m in state.draft.metrics}
    names = [
        f"{d.name} {d.label or ''}" for d in state.lex.dimensions.values() if d.table in tables
    ]
    return shares_root(state.low(position), names)


def ignorable_verb(state: ParseState, position: int) -> bool:
    """The item at `position` is a light verb restating the matched metric."""
    if not _verb(state.low(position)) or not _sure_metrics(state):
        return False
    if _names_a_column(state, position):
        return False
    return (
        _after_aux(state, position)
        or _participle(state, position)
        or _after_pronoun(state, position)
        or _relative(state, position)
    )
