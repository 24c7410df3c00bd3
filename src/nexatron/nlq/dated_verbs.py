"""Pass: a verb that dates the counted rows in a period ('claims reported last month',
'inspections carried out in 2025', 'concerts that have taken place so far this year').

The verb says which of the rows' dates the period applies to. It is read so only when a period
is given, every metric counts or aggregates rows of one table, and the verb stands after the
rows' noun: a verb sharing its root with exactly one date of that table names that date
('reported' and 'Report timestamp'); a verb that only says the event happened
(`HAPPENING_VERBS`) is the event of the table's only date ('restored' is not: it is refused).
Either reading is announced. Anything else is left for `leftover_words` to refuse by name.
"""

from __future__ import annotations

from nexatron.nlq.state import ParseState
from nexatron.nlq.word_roots import IRREGULAR_VERBS, shares_root
from nexatron.semantic.model import Dimension


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words after which an unknown word is a verb of the rows ('claims that were reported').
_VERB_LEAD = frozenset({"was", "were", "is", "are", "been", "be", "who", "that", "which"})
_VERB_ENDINGS = ("ed", "ing", "en")
# Verbs that only say the rows' event happened: they name no date of their own, so they stand
# for the rows' only date ('carried out', 'taken place', 'held', 'scheduled').
HAPPENING_VERBS = _words(
    """carried taken held happened occurred scheduled conducted performed done made placed
    logged recorded planned arranged staged run played"""
)


def dated_verbs(state: ParseState) -> None:
    """Unknown verbs after the counted rows' noun, in a question with a period: the date of
    the rows they name (or the rows' one date) takes the period, announced."""
    draft = state.draft
    if draft.range is None or not draft.metrics or draft.columns is not None:
        return
    tables = {str(state.lex.metrics[m].table) for m in draft.metrics}
    if len(tables) != 1 or not state.metric_at:
        return
    dates = _own_dates(state, tables.pop())
    first_metric = min(state.metric_at)
    for k, it in enumerate(state.items):
        if it.kind != "unknown" or k in state.used or k <= first_metric:
            continue
        if not _verb_like(state, k):
            continue
        date = _dated_by(state.low(k), dates)
        if date is None or draft.time_dim not in {None, date.name}:
            continue
        draft.time_dim = date.name
        state.used.add(k)
        state.context_words.add(k)
        draft.assumptions.append(
            f"read '{it.text}' as what dates the rows: the period applies to '{date.name}'"
        )


def _own_dates(state: ParseState, table: str) -> list[Dimension]:
    return [
        d
        for d in state.lex.dimensions.values()
        if d.table == table and d.type == "time" and d.via is None
    ]


def _verb_like(state: ParseState, position: int) -> bool:
    low = state.low(position)
    if not low.isalpha():
        return False
    return (
        low.endswith(_VERB_ENDINGS)
        or low in IRREGULAR_VERBS
        or state.low(position - 1) in _VERB_LEAD
    )


def _dated_by(verb: str, dates: list[Dimension]) -> Dimension | None:
    """The one date whose name shares the verb's root, else the table's only date."""
    named = [d for d in dates if shares_root(verb, [d.name, d.label or ""])]
    if len(named) == 1:
        return named[0]
    only = not named and len(dates) == 1 and verb in HAPPENING_VERBS
    return dates[0] if only else None
