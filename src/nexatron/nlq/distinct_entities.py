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

A value may stand where the rows' noun does ('how many distinct customers rented a Tesla',
'different guests stayed at the Grand Vista'): the entity is then counted over the one table of
rows pointing to it whose shortest many-to-one path reaches the value's table (one such path),
and the value is left for the value filters. When the entity reaches that table itself (a
patient's home store beside the fills' store), only 'distinct'/'different' said outright with
a verb naming none of the entity's own columns counts over the rows (announced); else asked.

With no rows' noun the verb alone says which rows ('How many different customers bought from us
in 2025?'): the one table pointing to the entity. 'us', 'something' are glue; a period after the
verb ends it and is left for the times pass.
"""

from __future__ import annotations

from nexatron.nlq.errors import clarification
from nexatron.nlq.light_verbs import PARTICIPLES
from nexatron.nlq.plan import Explained
from nexatron.nlq.readings import Reading
from nexatron.nlq.state import ParseState
from nexatron.nlq.word_lists import FUNCTION
from nexatron.nlq.word_roots import shares_root
from nexatron.semantic.model import ColumnAggregate, Dimension, Relationship

_DISTINCT = frozenset({"different", "distinct", "unique"})
_GLUE = frozenset(
    {
        "have", "has", "had", "been", "ever", "who", "that", "which", "did", "do", "does",
        "were", "was", "are", "is", "a", "an", "any", "the", "at", "least", "one", "some",
        "in", "on", "for", "to", "from", "with", "by", "our", "their", "once", "of", "us",
        "something", "anything",
    }
)  # fmt: skip
_AFTER = frozenset(
    {"?", ".", "!", "in", "on", "at", "the", "a", "an", "for", "from", "by", "of", "during"}
    | {"something", "anything"}
)
_END = frozenset({"?", ".", "!", "so", "far", "ever", "yet"})
_MAX_VERBS = 2
_COUNT_LABELS = ("number of ", "count of ", "how many ")
_MAX_HOPS = 3


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
        elif it.kind == "lexicon" and state.low(k).startswith(_COUNT_LABELS):
            return k, []  # 'number of students': a count metric named by its label
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
        if item.kind == "time":
            break  # 'bought from us in 2025': the period is the times pass's
        if item.kind not in {"word", "unknown"} and not (at_least or one):
            return
        if state.low(j) not in _GLUE and not at_least:
            verbs.append(j)
        j += 1
    rows_reading = state.reading(j)
    gap = {state.low(x) for x in range(at + 1, j)}
    distinct = distinct or {"at least", "one"} <= gap or "once" in gap
    if not distinct or len(verbs) > _MAX_VERBS:
        return
    if rows_reading is None:
        _counted_by_verb(state, at, words, j, entity, verbs)
        return
    if rows_reading.kind == "value":
        _counted_through_value(state, at, words, j, entity, verbs)
        return
    rows = _tables(state, rows_reading) - {entity}
    if len(rows) != 1:
        return
    if not _rest_is_plain(state, j + 1):
        return
    dim = linking_column(state, entity, rows.pop())
    if dim is None:
        return
    _count_distinct(state, dim, words, at, j, verbs)
    state.used.add(j)
    state.draft.entities.append((rows_reading.item.text, dim.table))
    state.draft.assumptions.append(
        f"counted different '{counted.item.text}' with '{rows_reading.item.text}': the distinct"
        f" {(dim.label or dim.name).lower()} values of table {dim.table}"
    )


def _counted_by_verb(
    state: ParseState, at: int, words: list[int], end: int, entity: str, verbs: list[int]
) -> None:
    """'How many different crops have been planted?', 'distinct players have scored at least
    once': the question ends on a participle; the entity is counted over the one table of rows
    pointing to it (once), or, when several do, the one whose name shares the verb's root
    ('admitted': admissions). Announced."""
    if any(
        state.low(x) not in _END and state.items[x].kind != "time"
        for x in range(end, len(state.items))
    ):
        return
    if not verbs or not all(_participle(state.low(v)) for v in verbs):
        return
    children = [
        links[0]
        for child in {r.from_table for r in state.lex.layer.relationships} - {entity}
        if len(links := _links(state, child, entity)) == 1
    ]
    if len(children) > 1:
        verb_words = [state.low(v) for v in verbs]
        children = [r for r in children if _verb_names(state, verb_words, r.from_table)]
    if len(children) != 1:
        return
    dim = _key_dimension(state, children[0])
    if dim is None:
        return
    counted = state.readings[at]
    assert counted is not None
    _count_distinct(state, dim, words, at, end, verbs)
    verb = " ".join(state.items[v].text for v in verbs)
    state.draft.assumptions.append(
        f"counted different '{counted.item.text}' ('{verb}') over the {children[0].from_table}"
        f" rows pointing to them: the distinct {(dim.label or dim.name).lower()} values of"
        f" table {dim.table}"
    )


def _verb_names(state: ParseState, verbs: list[str], table: str) -> bool:
    """A verb shares its root with the table's name or its row count's label ('admitted' and
    'admission')."""
    names = [table] + [
        m.label or m.name
        for m in state.lex.metrics.values()
        if m.table == table and m.agg == "count"
    ]
    return any(shares_root(v, names) for v in verbs)


def _participle(low: str) -> bool:
    """A past participle ('planted', 'scored', 'sold'), not a function word ('there')."""
    return low.isalpha() and low not in FUNCTION and (low.endswith("ed") or low in PARTICIPLES)


def _count_distinct(
    state: ParseState, dim: Dimension, words: list[int], at: int, end: int, verbs: list[int]
) -> None:
    """Count the different values of `dim` for the entity at `at`: the aggregate, its
    explanation, and the count and linking words (up to `end`) marked used."""
    counted = state.readings[at]
    assert counted is not None
    aggregate = ColumnAggregate(agg="count_distinct", dimension=dim.name)
    if aggregate not in state.draft.aggregates:
        state.draft.aggregates.append(aggregate)
    text = " ".join([*(state.items[w].text for w in words), counted.item.text])
    state.draft.explanation.append(
        Explained(
            text=text,
            kind="metric",
            target=aggregate.name,
            detail=f"number of different {dim.label or dim.name}".lower(),
        )
    )
    for x in range(at + 1, end):
        state.used.add(x)
        if x in verbs:
            state.draft.explanation.append(
                Explained(text=state.items[x].text, kind="context", target=dim.table)
            )
    state.used.update({*words, at})


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


def many_to_one_paths(state: ParseState, start: str, goal: str) -> int:
    """How many shortest many-to-one paths (at most `_MAX_HOPS` long) lead from `start` to
    `goal` (the join the compiler takes); a table reaches itself by the empty path."""
    if start == goal:
        return 1
    ends = {start: 1}
    for _ in range(_MAX_HOPS):
        step: dict[str, int] = {}
        for r in state.lex.layer.relationships:
            if r.from_table in ends and r.cardinality == "many_to_one":
                step[r.to_table] = step.get(r.to_table, 0) + ends[r.from_table]
        if goal in step:
            return step[goal]
        ends = step
    return 0


def _value_bridges(state: ParseState, entity: str, table: str) -> list[Relationship]:
    """The relationships of rows that point to `entity` (once) and reach `table` (one way)."""
    found: list[Relationship] = []
    for child in {r.from_table for r in state.lex.layer.relationships} - {entity}:
        links = _links(state, child, entity)
        if len(links) == 1 and many_to_one_paths(state, child, table) == 1:
            found.append(links[0])
    return found


def _counted_over_rows(state: ParseState, words: list[int], entity: str, verbs: list[int]) -> bool:
    """'distinct'/'different' said outright, and no verb names a column of the entity itself:
    the count is over rows pointing to the entity (a column of its own needs no 'distinct')."""
    if not any(state.low(w) in _DISTINCT for w in words):
        return False
    names = [
        f"{d.name} {d.label or ''}" for d in state.lex.dimensions.values() if d.table == entity
    ]
    return not any(shares_root(state.low(v), names) for v in verbs)


def _counted_through_value(
    state: ParseState, at: int, words: list[int], j: int, entity: str, verbs: list[int]
) -> None:
    """'how many distinct customers rented a Tesla', 'different guests stayed at the Grand
    Vista': the entity's key counted over the one table of rows pointing to it that reaches the
    value's table; the value stays for the value filters. The entity's own link to that table
    ('patients' home store') beside such rows: asked which is meant."""
    reading = state.readings[j]
    assert reading is not None
    tables = {state.lex.dimensions[t].table for t in reading.targets if t in state.lex.dimensions}
    if len(tables) != 1 or entity in tables or not verbs:
        return
    table = tables.pop()
    rest = j + 1
    after = state.reading(rest)
    if after is not None and _tables(state, after) == {table}:
        rest += 1  # 'the Clean Water appeal': the value's own table named after it
    if not _rest_is_plain(state, rest):
        return
    bridges = _value_bridges(state, entity, table)
    if len(bridges) != 1:
        return
    dim = _key_dimension(state, bridges[0])
    if dim is None:
        return
    counted = state.readings[at]
    assert counted is not None
    verb = " ".join(state.items[v].text for v in verbs)
    own = many_to_one_paths(state, entity, table) > 0
    if own and not _counted_over_rows(state, words, entity, verbs):
        raise clarification(
            f"'{counted.item.text} {verb} {reading.item.text}': the {counted.item.text} whose"
            f" own {table} is '{reading.item.text}', or those with {bridges[0].from_table} rows"
            f" at '{reading.item.text}'?",
            ambiguous=verb,
            candidates=[
                {"kind": "entity", "entity": entity, "via": entity},
                {"kind": "entity", "entity": entity, "via": bridges[0].from_table},
            ],
        )
    _count_distinct(state, dim, words, at, j, verbs)
    if rest > j + 1:
        state.used.add(j + 1)
        state.draft.explanation.append(
            Explained(text=state.items[j + 1].text, kind="context", target=table)
        )
    state.draft.assumptions.append(
        f"counted different '{counted.item.text}' by the {bridges[0].from_table} rows that"
        f" point to them and lead to '{reading.item.text}' ({verb}): the distinct"
        f" {(dim.label or dim.name).lower()} values of table {dim.table}"
        + (f", not by their own {table}" if own else "")
    )


def verbs_before_entity(
    state: ParseState, at: int, glue: frozenset[str]
) -> tuple[list[int], set[str], str] | None:
    """'stadiums that hosted', 'which instructor teaches': the one or two unused unknown words
    right before item `at` (glue words such as 'that' or 'have' between them allowed), the
    grouped entities the item before them names and that item's text; None when there are no
    such words, more than two, or another kind of item in between."""
    verbs: list[int] = []
    j = at - 1
    while j >= 0 and state.readings[j] is None:
        if state.items[j].kind == "unknown" and j not in state.used:
            verbs.append(j)
        elif not (state.items[j].kind == "word" and state.low(j) in glue):
            return None
        j -= 1
    reading = state.reading(j)
    if j < 0 or reading is None or not verbs or len(verbs) > 2:
        return None
    grouped = {state.lex.dimensions[d].table for d in state.draft.dimensions}
    entities = {e.target for e in reading.item.entries if e.kind == "entity"} & grouped
    return verbs, entities, reading.item.text
