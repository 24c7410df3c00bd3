"""'patients admitted more than 6 times', 'donors who gave more than 20 times': a threshold
counted in 'times' after a table's rows bounds how many events point at each of those rows.

The events are the nearest dated table pointing at the rows (`implicit_counts.frequency_metric`,
as for 'the most common diagnosis'); the rows are grouped by their key and name and the count
of events becomes a HAVING condition, announced. No such events, or several equally near: asked
or refused, never guessed. The verb between names how the events point at the rows (context).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexatron.nlq.errors import Clarification, clarification, refusal
from nexatron.nlq.implicit_counts import frequency_metric
from nexatron.nlq.plan import Explained
from nexatron.nlq.readings import entity_dimensions, group_entity
from nexatron.semantic.model import QueryFilter

if TYPE_CHECKING:
    from nexatron.nlq.state import ParseState
    from nexatron.nlq.thresholds import Comparison

_GLUE = frozenset({"that", "who", "which", "have", "has", "had", "been", "were", "was"})


def _dated_verb(state: ParseState, position: int) -> bool:
    """'inspected' read as the date 'inspected_on': a verb naming the events' own date."""
    reading = state.reading(position)
    return (
        reading is not None
        and reading.kind == "dimension"
        and all(state.lex.dimensions[t].type == "time" for t in reading.targets)
    )


def _rows_before(state: ParseState, at: int) -> tuple[int, str] | None:
    """The count metric naming the bounded rows, right before the comparator (verbs and glue
    words between), with its table."""
    j = at - 1
    while j >= 0 and (state.readings[j] is None or _dated_verb(state, j)):
        if state.items[j].kind not in {"unknown", "word", "lexicon"}:
            return None
        if state.items[j].kind == "word" and state.low(j) not in _GLUE:
            return None
        j -= 1
    reading = state.reading(j) if j >= 0 else None
    if reading is None or reading.kind not in {"metric", "entity"}:
        return None
    tables = {e.target for e in reading.item.entries if e.kind == "entity"}
    if len(tables) != 1:
        return None
    return j, next(iter(tables))


def times_threshold(state: ParseState, c: Comparison) -> None:
    """Read 'more than N times' after a table's rows as HAVING count(events) > N per row."""
    draft, lex = state.draft, state.lex
    values: list[float | int] = [int(v) if float(v).is_integer() else v for v in c.values]
    text = f"{state.items[c.at].text} {' '.join(str(v) for v in values)} times"
    found = _rows_before(state, c.at)
    names = entity_dimensions(found[1], lex) if found else []
    try:
        events = frequency_metric(lex, lex.dimensions[names[-1]]) if names else None
    except Clarification as asked:  # several event tables equally near: which one?
        detail = asked.detail if isinstance(asked.detail, dict) else {}
        raise clarification(
            f"'{text}': which rows count?",
            ambiguous=text,
            candidates=list(detail.get("candidates", [])),
        ) from None
    if found is None or events is None or draft.dimensions or draft.grain is not None:
        raise refusal(f"Could not tell what '{text}' counts.", unmatched=[text])
    position, table = found
    event_table = lex.metrics[events].table
    for j in range(position + 1, c.at):
        reading = state.reading(j)
        elsewhere = reading is not None and any(
            lex.dimensions[t].table != event_table for t in reading.targets
        )
        if _dated_verb(state, j) and elsewhere:
            raise refusal(f"Could not tell what '{text}' counts.", unmatched=[text])
    subject = state.readings[position]
    own = set(subject.targets) if subject is not None else set()
    draft.metrics = [m for m in draft.metrics if m not in own]
    if events not in draft.metrics:
        draft.metrics.append(events)
    group_entity(draft.dimensions, draft.keys, names)
    draft.metric_filters.append(QueryFilter(field=events, op=c.op, values=values))
    state.used.add(position)
    draft.explanation[:] = [
        e for e in draft.explanation if not (e.kind == "metric" and e.target in own)
    ]
    draft.explanation.append(
        Explained(text=state.items[position].text, kind="dimension", target=names[-1])
    )
    draft.explanation.append(
        Explained(text=text, kind="metric_filter", target=events, detail=f"{c.op} {values}")
    )
    for j in range(position + 1, c.at):
        if j not in state.used:
            state.used.add(j)
            draft.explanation.append(
                Explained(text=state.items[j].text, kind="context", target=events)
            )
    label = lex.metrics[events].label or events
    draft.assumptions.append(
        f"read '{text}' as {label} (the rows pointing at each of '{table}') {c.op} {values}"
    )
