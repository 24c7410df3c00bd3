"""Pass: dimensions and entities named in the question become groupings, the date to use,
or context nouns."""

from __future__ import annotations

from nexatron.nlq.boolean_qualifiers import after_group, group_marker
from nexatron.nlq.errors import refusal
from nexatron.nlq.join_roles import names_join_role
from nexatron.nlq.plan import Explained
from nexatron.nlq.readings import (
    SUBJECT_NEXT,
    Reading,
    choose_dimension,
    entity_dimensions,
    group_entity,
    key_needed,
    name_dimension,
    tables_of,
)
from nexatron.nlq.state import ParseState
from nexatron.nlq.text import stem
from nexatron.nlq.word_lists import (
    GROUP,
)

_GROUP_LEADS = frozenset({"which", "what", "top", "bottom", "each", "every"})
_RANKED = frozenset({"ranked", "ranking", "rank", "sorted", "ordered"})


def groupings(state: ParseState) -> None:
    """Dimensions and entities named in the question: groupings, dates, or context nouns."""
    metric_tables = tables_of(state.lex, state.draft.metrics)
    for k, r in enumerate(state.readings):
        if r is None or k in state.used or r.kind not in {"dimension", "entity"}:
            continue
        if r.kind == "entity":
            _entity(state, k, r)
            continue
        name = choose_dimension(r, metric_tables, state.lex)
        state.used.add(k)
        dim = state.lex.dimensions[name]
        if dim.type == "time":
            state.draft.time_dim = name
            state.draft.time_grouped = state.draft.time_grouped or state.low(k - 1) in GROUP
            nxt = state.items[k + 1] if k + 1 < len(state.items) else None
            state.draft.date_before_noun = nxt is not None and any(
                e.kind == "entity" and e.target == dim.table for e in nxt.entries
            )  # 'closed accounts': the date qualifies the rows
            state.draft.explanation.append(
                Explained(text=r.item.text, kind="time_dimension", target=name)
            )
            continue
        if _is_threshold_subject(state, k) and dim.type == "number":
            continue
        if _plural_context(state, k, r):
            state.draft.entities.append((r.item.text, dim.table))
            continue
        if name not in state.draft.dimensions:
            state.draft.dimensions.append(name)
        state.draft.explanation.append(
            Explained(text=r.item.text, kind="dimension", target=name, detail=dim.label)
        )


def _plural_context(state: ParseState, position: int, r: Reading) -> bool:
    """'revenue for restaurants with a terrace': a plural noun after the metric says which
    rows are meant; only by/per/each/which/top N/ranked ask for a grouping."""
    last = r.item.text.lower().split()[-1]
    if not last.endswith("s") or stem(last) == last:
        return False
    if not any(x is not None and x.kind == "metric" for x in state.readings[:position]):
        return False
    if after_group(state, position) or state.low(position - 1) in _GROUP_LEADS:
        return False
    if (
        position >= 2
        and state.items[position - 1].kind == "number"
        and state.low(position - 2) in _GROUP_LEADS
    ):
        return False
    nxt = state.items[position + 1] if position + 1 < len(state.items) else None
    ranked = nxt is not None and (nxt.cue == "sortby" or state.low(position + 1) in _RANKED)
    return not ranked and state.low(position - 1) not in _RANKED


def _is_threshold_subject(state: ParseState, position: int) -> bool:
    nxt = state.items[position + 1] if position + 1 < len(state.items) else None
    return nxt is not None and nxt.kind == "cue" and nxt.cue.startswith("cmp:")


def _entity(state: ParseState, position: int, r: Reading) -> None:
    table = r.targets[0]
    lead = {"which", "what", "top", "bottom", "each", "every", "busiest", "quietest"}
    before = position - 1
    if _role_word(state, before, table):
        before -= 1  # 'students per major department': the key students.major_dept_id
    grouped = (
        group_marker(state, before)  # 'by', 'per', 'in each'
        or state.low(before) in lead
        or _frequency_cue(state, before)
    )
    grouped = grouped or (
        position >= 2
        and state.items[position - 1].kind == "number"
        and state.low(position - 2) in lead
    )
    subject = not any(r and r.kind == "metric" for r in state.readings[:position])
    grouped = grouped or (state.low(position + 1) in SUBJECT_NEXT and subject)
    nxt = state.readings[position + 1] if position + 1 < len(state.readings) else None
    if (
        nxt is not None
        and nxt.kind == "dimension"
        and nxt.item.start == r.item.end
        and all(state.lex.dimensions[t].table == table for t in nxt.targets)
    ):
        grouped = False  # 'member join date': the entity qualifies its own dimension
    state.used.add(position)
    if grouped:
        picked = name_dimension(table, state.lex)
        if picked is None:
            dims = [d.name for d in state.lex.dimensions.values() if d.table == table]
            raise refusal(
                f"'{r.item.text}' names a table; which of its dimensions?",
                unmatched=[r.item.text],
                suggestions={"metrics": [], "dimensions": dims[:8]},
            )
        names = entity_dimensions(table, state.lex)
        group_entity(state.draft.dimensions, state.draft.keys, names)
        shown = "' and '".join(names)
        state.draft.assumptions.append(f"grouped '{r.item.text}' by dimension '{shown}'")
        if len(names) == 1 and key_needed(table, state.lex):
            state.draft.assumptions.append(
                f"rows of '{r.item.text}' that share a '{names[0]}' are counted together"
                " (the layer has no key dimension to keep them apart)"
            )
        state.draft.explanation.append(
            Explained(text=r.item.text, kind="dimension", target=names[-1])
        )
        return
    if (
        state.items[position - 1].kind == "cue" and state.items[position - 1].cue == "count"
        if position
        else False
    ):
        state.draft.counted_entity = r.item.text
    state.draft.entities.append((r.item.text, table))


def _role_word(state: ParseState, position: int, table: str) -> bool:
    """The unknown word at `position` names the only key from a metric's table to `table`
    ('major' in 'per major department': students.major_dept_id)."""
    if position < 0 or state.items[position].kind != "unknown":
        return False
    own = tables_of(state.lex, state.draft.metrics)
    return names_join_role(state.low(position), table, own, state.lex)


def _frequency_cue(state: ParseState, position: int) -> bool:
    """The item at `position` is 'most popular', 'most common', 'least frequent'."""
    return (
        0 <= position < len(state.items)
        and state.items[position].kind == "cue"
        and state.items[position].cue
        in {
            "common",
            "rare",
        }
    )
