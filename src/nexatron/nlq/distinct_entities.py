"""Pass: 'how many distinct stadiums have hosted a concert': entities counted by the rows of
another table that point to them, one number (COUNT(DISTINCT concert.stadium_id)).

The shape is a count word, a distinct word ('different', 'distinct', 'unique') or 'at least one'
after the verb, the counted entity, at most two words the layer does not know (the verb that
links the two: 'hosted', 'reported', 'made'; none in 'backers have pledged'), and the noun of the
rows that point to the entity ('a concert', 'readings', 'a booking'). Those rows must point to the
entity through exactly one declared relationship, directly ('concert.stadium_id') or through one
table that points to both ('members who borrowed at least one book': loans.member_id). Anything
else named after the rows ('for a visit') leaves the question to the other passes (which refuse
what they cannot read), so a count is never taken over the wrong rows. The reading is announced
in the answer's warnings.
"""

from __future__ import annotations

from nexatron.nlq.plan import Explained
from nexatron.nlq.readings import Reading
from nexatron.nlq.state import ParseState
from nexatron.semantic.model import ColumnAggregate, Dimension, Relationship

_DISTINCT = frozenset({"different", "distinct", "unique"})
_GLUE = frozenset(
    {
        "have", "has", "had", "been", "ever", "who", "that", "which", "did", "do", "does",
        "were", "was", "are", "is", "a", "an", "any", "the", "at", "least", "one", "some",
        "in", "on", "for", "to", "from", "with", "by", "our", "their", "once", "of",
    }
)  # fmt: skip
_AFTER = frozenset({"?", ".", "!", "in", "on", "at", "the", "for", "from", "by", "of", "during"})
_MAX_VERBS = 2


def _tables(state: ParseState, reading: Reading) -> set[str]:
    """The entity tables an item names: as an entity, else as the count metric it was read as
    (the item's weaker entries are left out: 'concert' is the concerts, not the ticket sales)."""
    found = {e.target for e in reading.item.entries if e.kind == "entity"}
    if found:
        return found
    if reading.kind != "metric":
        return set()
    metrics = [state.lex.metrics[t] for t in reading.targets]
    return {m.table for m in metrics if m.agg == "count" and not m.filter and m.table}


def _links(state: ParseState, child: str, parent: str) -> list[Relationship]:
    return [
        r
        for r in state.lex.layer.relationships
        if r.from_table == child and r.to_table == parent and r.cardinality == "many_to_one"
    ]


def _key_dimension(state: ParseState, rel: Relationship) -> Dimension | None:
    """The dimension holding the relationship's column on its child table."""
    if len(rel.from_columns) != 1:
        return None
    column = rel.from_columns[0].strip().strip('"`[]').lower()
    found = [
        d
        for d in state.lex.dimensions.values()
        if d.table == rel.from_table and d.expr.strip().strip('"`[]').lower() == column
    ]
    return found[0] if len(found) == 1 else None


def linking_column(state: ParseState, entity: str, rows: str) -> Dimension | None:
    """The column of `rows` (or of the one table linking `rows` to `entity`) naming `entity`;
    None when there is none, or more than one way the two are linked."""
    direct = _links(state, rows, entity)
    bridges = {
        r.from_table
        for r in state.lex.layer.relationships
        if r.to_table == entity and r.from_table != rows and _links(state, r.from_table, rows)
    }
    if direct:
        # 'museums that lent an artwork': artworks point to their museum, but loans link the
        # two as well, and the verb may mean either: left to the passes that refuse
        return _key_dimension(state, direct[0]) if len(direct) == 1 and not bridges else None
    if len(bridges) != 1:
        return None
    bridge = bridges.pop()
    to_entity, to_rows = _links(state, bridge, entity), _links(state, bridge, rows)
    if len(to_entity) != 1 or len(to_rows) != 1:
        return None
    return _key_dimension(state, to_entity[0])


def _counted_at(state: ParseState) -> tuple[int, list[int]] | None:
    """The item counted by 'how many (different)' / 'number of (distinct)', with the words."""
    for k, it in enumerate(state.items):
        words: list[int] = []
        if it.kind == "cue" and it.cue == "count":
            words = [k]
        elif state.low(k) == "number" and state.low(k + 1) == "of":
            words = [k, k + 1]
        else:
            continue
        j = words[-1] + 1
        while state.low(j) in _DISTINCT | {"the"}:
            words.append(j)
            j += 1
        if j < len(state.items):
            return j, words
    return None


def distinct_entities(state: ParseState) -> None:
    """'How many distinct stadiums have hosted a concert?': COUNT(DISTINCT the concerts'
    stadium), one number."""
    found = _counted_at(state)
    if found is None:
        return
    at, words = found
    counted = state.readings[at]
    if counted is None or at in state.used:
        return
    entities = _tables(state, counted)
    if len(entities) != 1:
        return
    entity = entities.pop()
    distinct = any(state.low(w) in _DISTINCT for w in words)
    verbs: list[int] = []
    j = at + 1
    while j < len(state.items) and state.readings[j] is None:
        item = state.items[j]
        at_least = item.kind == "cue" and state.low(j) == "at least"
        one = item.kind == "number" and item.number == 1 and state.low(j) == "one"
        if item.kind not in {"word", "unknown"} and not (at_least or one):
            return
        if state.low(j) not in _GLUE and not at_least:
            verbs.append(j)
        j += 1
    rows_reading = state.reading(j)
    if rows_reading is None or len(verbs) > _MAX_VERBS:
        return
    gap = {state.low(x) for x in range(at + 1, j)}
    distinct = distinct or {"at least", "one"} <= gap or "once" in gap
    rows = _tables(state, rows_reading) - {entity}
    if not distinct or len(rows) != 1:
        return
    if not _rest_is_plain(state, j + 1):
        return
    dim = linking_column(state, entity, rows.pop())
    if dim is None:
        return
    aggregate = ColumnAggregate(agg="count_distinct", dimension=dim.name)
    if aggregate not in state.draft.aggregates:
        state.draft.aggregates.append(aggregate)
    text = " ".join(state.items[w].text for w in words) + f" {counted.item.text}"
    state.draft.explanation.append(
        Explained(
            text=text,
            kind="metric",
            target=aggregate.name,
            detail=f"number of different {dim.label or dim.name}".lower(),
        )
    )
    for x in range(at + 1, j):
        state.used.add(x)
        if x in verbs:
            state.draft.explanation.append(
                Explained(text=state.items[x].text, kind="context", target=dim.table)
            )
    state.used.update({*words, at, j})
    state.draft.entities.append((rows_reading.item.text, dim.table))
    state.draft.assumptions.append(
        f"counted different '{counted.item.text}' with '{rows_reading.item.text}': the distinct"
        f" {(dim.label or dim.name).lower()} values of table {dim.table}"
    )


def _rest_is_plain(state: ParseState, start: int) -> bool:
    """After the rows' noun only values, dates and function words: no other thing named."""
    for j in range(start, len(state.items)):
        it, reading = state.items[j], state.readings[j]
        if it.kind in {"time", "number"} or (reading is not None and reading.kind == "value"):
            continue
        if reading is None and it.kind in {"word", "cue"} and state.low(j) in _AFTER | {"and"}:
            continue
        if it.kind == "word" and state.low(j) in _AFTER:
            continue
        return False
    return True
