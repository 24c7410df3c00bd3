"""Pass: 'average track duration in seconds', 'total stay in nights': after 'in', a unit the
aggregated column is already kept in (its name carries the unit or its short form: duration_sec,
nightCnt) only says how the answer is expressed. A unit the column does not carry (a duration
in seconds asked in hours) would need a conversion: it is left for `leftover_words` to refuse.
"""

from __future__ import annotations

from nexatron.nlq.state import ParseState
from nexatron.nlq.text import stem, words_of

# A unit word and the short forms a column name may carry it by.
UNIT_FORMS: dict[str, frozenset[str]] = {
    "seconds": frozenset({"sec", "secs", "second", "seconds"}),
    "minutes": frozenset({"min", "mins", "minute", "minutes"}),
    "hours": frozenset({"hr", "hrs", "hour", "hours"}),
    "days": frozenset({"day", "days"}),
    "nights": frozenset({"night", "nights"}),
    "hectares": frozenset({"ha", "hectare", "hectares"}),
    "kilometres": frozenset({"km", "kilometre", "kilometres", "kilometer", "kilometers"}),
    "kilograms": frozenset({"kg", "kilogram", "kilograms", "kgs"}),
    "litres": frozenset({"l", "litre", "litres", "liter", "liters", "ltr"}),
    "metres": frozenset({"m", "metre", "metres", "meter", "meters"}),
}
_ALIASES = {form: unit for unit, forms in UNIT_FORMS.items() for form in forms}


def stated_units(state: ParseState) -> None:
    """An unknown unit after 'in' that the aggregated column carries is context."""
    columns = _aggregated_columns(state)
    if not columns:
        return
    for k, it in enumerate(state.items):
        if it.kind != "unknown" or k in state.used or state.low(k - 1) != "in":
            continue
        unit = _ALIASES.get(state.low(k))
        if unit is None or not any(UNIT_FORMS[unit] & words for words in columns):
            continue
        state.used.add(k)
        state.context_words.add(k)


def _aggregated_columns(state: ParseState) -> list[set[str]]:
    """The words of each column the question aggregates (metrics and ad-hoc aggregates)."""
    lex, draft = state.lex, state.draft
    texts = [f"{lex.metrics[m].name} {lex.metrics[m].expr or ''}" for m in draft.metrics]
    for a in draft.aggregates:
        if a.metric is not None:
            texts.append(f"{lex.metrics[a.metric].name} {lex.metrics[a.metric].expr or ''}")
        elif a.dimension is not None:
            texts.append(f"{a.dimension} {lex.dimensions[a.dimension].expr or ''}")
    return [{w for w in words_of(t)} | {stem(w) for w in words_of(t)} for t in texts]
