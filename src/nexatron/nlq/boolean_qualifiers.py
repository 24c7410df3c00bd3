"""Boolean dimensions as qualifiers ('tenured staff' -> filter) and negators attached to them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexatron.nlq.errors import clarification
from nexatron.nlq.plan import Explained
from nexatron.nlq.readings import Reading, tables_of
from nexatron.nlq.word_lists import GROUP, NEGATION

if TYPE_CHECKING:
    from nexatron.nlq.state import ParseState

NEGATORS = NEGATION | frozenset({"no", "never"})
_LIST = frozenset({"and", ",", "&"})
_BETWEEN_NEG = frozenset(
    {"a", "an", "the", "any", "are", "is", "was", "were", "be", "been", "being", "have", "has"}
)
_RELATIVE = frozenset({"that", "who", "which", "whose"})


def group_marker(state: ParseState, position: int) -> bool:
    """The item at `position` asks for a grouping: 'by', 'per', 'each', 'split by', 'for each'..."""
    if not 0 <= position < len(state.items):
        return False
    it = state.items[position]
    return (it.kind == "cue" and it.cue == "by") or (
        it.kind == "word" and state.low(position) in GROUP
    )


def after_group(state: ParseState, position: int) -> bool:
    """The item at `position` follows a grouping marker directly or inside a list ('by a, b and
    c')."""
    j = position - 1
    while j >= 0 and state.items[j].kind == "word" and state.low(j) in {"the", "its", "their"}:
        j -= 1
    if group_marker(state, j):
        return True
    if j >= 1 and state.low(j) in _LIST:
        r = state.readings[j - 1]
        if (r is not None and r.kind in {"dimension", "entity"}) or state.items[
            j - 1
        ].kind == "grain":
            return after_group(state, j - 1)
    return False


_EXCLUDE = frozenset({"excluding", "exclude", "except", "without", "besides", "minus"})


def _excludes(state: ParseState, position: int) -> bool:
    """'excluding', 'except', 'other than': takes rows out of a set named elsewhere."""
    it = state.items[position]
    return (it.kind == "cue" and it.cue == "neg") or state.low(position) in _EXCLUDE


def is_negator(state: ParseState, position: int) -> bool:
    it = state.items[position]
    if it.kind == "cue":
        return it.cue == "neg"
    return it.kind in {"word", "unknown"} and state.low(position) in NEGATORS


def _negation_before(state: ParseState, position: int) -> tuple[list[int], int, bool]:
    """Negators right before `k` (over articles and 'is/are'), where the walk stopped, and
    whether a relative pronoun ('that', 'who') was crossed."""
    negs: list[int] = []
    relative = False
    j = position - 1
    while j >= 0:
        if is_negator(state, j):
            negs.append(j)
        elif state.items[j].kind == "word" and state.low(j) in _BETWEEN_NEG:
            pass
        elif state.items[j].kind == "word" and state.low(j) in _RELATIVE:
            relative = True
        else:
            break
        j -= 1
    return negs, j, relative


def boolean_qualifier(state: ParseState, position: int) -> str | None:
    """The boolean dimension the item at `position` names when it qualifies a noun (not after
    'by')."""
    r = state.readings[position]
    if r is None or r.kind != "dimension" or len(r.targets) != 1:
        return None
    dim = state.lex.dimensions[r.targets[0]]
    if dim.type != "boolean" or after_group(state, position):
        return None
    return dim.name


def noun_of_table(state: ParseState, position: int, table: str) -> bool:
    """The item at `position` is a noun for rows of `table` (its entity, a count of it, or one
    of its dims)."""
    r = state.readings[position] if 0 <= position < len(state.readings) else None
    if r is None:
        return False
    if any(e.kind == "entity" and e.target == table for e in state.items[position].entries):
        return r.kind in {"entity", "metric", "dimension"}
    if r.kind == "dimension":
        return all(state.lex.dimensions[t].table == table for t in r.targets)
    if r.kind == "metric":
        ms = [state.lex.metrics[t] for t in r.targets]
        return all(m.table == table and m.agg == "count" and not m.filter for m in ms)
    return False


def _metric_tables(state: ParseState) -> set[str]:
    """Tables of every metric the question may name (a ratio's parts for a ratio)."""
    names = [t for r in state.readings if r is not None and r.kind == "metric" for t in r.targets]
    return tables_of(state.lex, names)


def _boolean_or_value(state: ParseState, position: int, name: str) -> bool:
    """'cancelled bookings': a word naming a boolean and a value of another dimension reads as
    the one on the metric's own table; returns False when the value wins, asks when unsure."""
    it = state.items[position]
    if not it.values:
        return True
    tables = _metric_tables(state)
    own_bool = state.lex.dimensions[name].table in tables
    own_values = [(d, v) for d, v in it.values if state.lex.dimensions[d].table in tables]
    if own_bool and not own_values:
        return True
    if len(own_values) == 1 and not own_bool:
        r = state.readings[position]
        assert r is not None
        d, v = own_values[0]
        state.readings[position] = Reading(it, "value", [d], values_by_dim={d: v})
        return False
    raise clarification(
        f"'{it.text}' could be a yes/no dimension or a value.",
        ambiguous=it.text,
        candidates=[{"kind": "dimension_value", "dimension": name, "value": True}]
        + [{"kind": "dimension_value", "dimension": d, "value": v} for d, v in it.values],
    )


def _with_and_without(state: ParseState, negs: list[int], stop: int) -> bool:
    """'with and without a terrace', 'with or without': both sides, so a grouping."""
    if len(negs) != 1 or state.low(negs[0]) != "without" or stop < 1:
        return False
    return state.low(stop) in {"and", "or", "vs", "versus"} and state.low(stop - 1) == "with"


def booleans(state: ParseState, other_metric: bool) -> None:
    """Read boolean dimensions used as qualifiers as filters (negated ones as false)."""
    for k in range(len(state.items)):
        name = boolean_qualifier(state, k)
        if name is None or k in state.used or not _boolean_or_value(state, k, name):
            continue
        table = state.lex.dimensions[name].table
        negs, stop, relative = _negation_before(state, k)
        if _with_and_without(state, negs, stop):
            state.used.update([k, *negs, stop, stop - 1])
            if name not in state.draft.dimensions:
                state.draft.dimensions.append(name)
            state.draft.assumptions.append(f"compared with and without '{name}' side by side")
            state.draft.explanation.append(
                Explained(text=state.items[k].text, kind="dimension", target=name)
            )
            continue
        if state.items[k].negated:
            negs.append(k)
        value = not negs
        state.draft.filters.setdefault((name, False), []).append(value)
        state.used.update([k, *negs])
        detail = "true" if value else "false"
        state.draft.explanation.append(
            Explained(text=state.items[k].text, kind="value", target=name, detail=detail)
        )
        excluding = any(_excludes(state, n) for n in negs)
        nouns = [k + 1] + ([stop] if relative or (negs and not excluding) else [])
        for j in nouns:
            r = state.readings[j] if 0 <= j < len(state.readings) else None
            if r is None or j in state.used or not noun_of_table(state, j, table):
                continue
            if r.kind == "metric" and not other_metric and not excluding:
                continue
            if r.kind == "dimension" and after_group(state, j):
                continue
            state.used.add(j)
            state.draft.entities.append((state.items[j].text, table))
