"""'Which colour is most popular', 'the busiest depot': no metric is named, so the
ranking counts rows. Which rows: the grouped dimension's own table when it describes its rows
(not its key or name), else the one nearest table of events (rows with a date) that points to it.
Anything less clear is asked, never guessed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexatron.nlq.errors import Clarification, clarification
from nexatron.nlq.plan import Explained
from nexatron.nlq.readings import (
    SUBJECT_NEXT,
    entity_dimensions,
    group_entity,
    name_dimension,
)
from nexatron.nlq.text import stem, words_of
from nexatron.semantic.exprs import CompileError
from nexatron.semantic.joins import JoinGraph, join_graph
from nexatron.semantic.model import Dimension, Metric

if TYPE_CHECKING:
    from nexatron.nlq.lexicon import Lexicon
    from nexatron.nlq.state import ParseState

FREQUENCY_WORDS = frozenset({"most", "least", "busiest", "quietest"})


def _counts(lex: Lexicon) -> list[Metric]:
    return [
        m
        for m in lex.metrics.values()
        if m.type == "simple" and m.agg == "count" and not m.filter and m.table
    ]


def _is_key(lex: Lexicon, dim: Dimension) -> bool:
    """The dimension identifies its table's rows: a key others join on, or its name."""
    for r in lex.layer.relationships:
        if r.to_table == dim.table and dim.expr in r.to_columns:
            return True
    return name_dimension(dim.table, lex) == dim.name


def _hops(graph: JoinGraph, start: str, goal: str) -> int | None:
    try:
        return len(graph.path(start, goal, what="count"))
    except CompileError:
        return None


def frequency_metric(lex: Lexicon, dim: Dimension) -> str | None:
    """The count metric a frequency ranking of `dim` means; None when there is none; asks when
    several are equally near."""
    counts = _counts(lex)
    if not _is_key(lex, dim):
        own = [m.name for m in counts if m.table == dim.table]
        if len(own) == 1:
            return own[0]
        if own:
            raise _ask(own)
    graph = join_graph(lex.layer)
    dated = {d.table for d in lex.dimensions.values() if d.type == "time"}
    near: dict[int, list[str]] = {}
    for m in counts:
        if m.table == dim.table or m.table not in dated or m.table is None:
            continue
        hops = _hops(graph, m.table, dim.table)
        if hops is not None:
            near.setdefault(hops, []).append(m.name)
    if not near:
        return None
    best = near[min(near)]
    if len(best) == 1:
        return best[0]
    raise _ask(best)


def _ask(names: list[str]) -> Clarification:
    return clarification(
        "Most by which count?",
        ambiguous="most",
        candidates=[{"kind": "metric", "metric": n} for n in names],
    )


def implicit_count(state: ParseState) -> None:
    """Rank a frequency question naming no metric by the count of the rows it is about."""
    draft = state.draft
    if draft.order_desc is None or "frequency" not in draft.cues:
        return
    if draft.metrics:
        _ranked_lookup(state)
        return
    labels = [d for d in draft.dimensions if d not in draft.keys]  # an entity's key is shown too
    if len(labels) != 1 or draft.grain is not None:
        return
    dim = state.lex.dimensions[labels[0]]
    name = frequency_metric(state.lex, dim)
    if name is None:
        return
    draft.metrics.append(name)
    draft.assumptions.append(f"ranked '{dim.name}' by the count '{name}'")


def _ranked_lookup(state: ParseState) -> None:
    """'the most common diagnosis', 'the busiest port': the frequency word ranks the rows of
    the table named right after it (read as that table's count) by the count of the nearest
    events pointing at it, grouped by its key and name; the table's own rows counted would be
    one each. No such events, or several equally near: left alone (refused or asked)."""
    draft, lex = state.draft, state.lex
    if len(draft.metrics) != 1 or draft.dimensions or draft.grain is not None:
        return
    position = next((k for k, m in state.metric_at.items() if m == draft.metrics[0]), None)
    if position is None or position == 0:
        return
    before = state.items[position - 1]
    cue = before.kind == "cue" and before.cue in {"common", "rare"}
    if not cue and state.low(position - 1) not in FREQUENCY_WORDS:
        return
    counted = lex.metrics[draft.metrics[0]]
    if counted.type != "simple" or counted.agg != "count" or counted.filter or not counted.table:
        return
    names = entity_dimensions(counted.table, lex)
    if not names:
        return
    events = frequency_metric(lex, lex.dimensions[names[-1]])
    if events is None or events == counted.name:
        return
    text = state.items[position].text
    draft.metrics = [events]
    draft.order_metric = None
    group_entity(draft.dimensions, draft.keys, names)
    draft.explanation[:] = [
        e for e in draft.explanation if not (e.kind == "metric" and e.target == counted.name)
    ]
    draft.explanation.append(Explained(text=text, kind="dimension", target=names[-1]))
    draft.assumptions.append(f"ranked '{text}' by the count '{events}' of the rows pointing at it")


def dated_count(state: ParseState) -> None:
    """'how many members joined in 2025': no metric, but a date of one table is named after
    'how many'; count that table's rows (its one unfiltered count metric) by that date. With
    no count word ('accounts opened this year') only when a period is given and the rows are
    named, announced as a count where a list may be meant."""
    draft = state.draft
    counted = any(it.kind == "cue" and it.cue == "count" for it in state.items)
    if not draft.metrics and draft.time_dim is None:
        _counted_value(state)
    if draft.metrics or draft.time_dim is None:
        return
    table = state.lex.dimensions[draft.time_dim].table
    subject = _subject_rows(state, table)
    if draft.dimensions and not subject:
        return
    counts = [
        m.name
        for m in state.lex.metrics.values()
        if m.table == table and m.agg == "count" and not m.filter
    ]
    if len(counts) != 1:
        return
    if not counted and (draft.range is None or not _rows_named(state, table, counts[0])):
        return
    if subject:  # 'members who joined in 2025': the members are counted, not grouped
        draft.dimensions, draft.keys = [], []
        draft.assumptions[:] = [a for a in draft.assumptions if not a.startswith("grouped '")]
    draft.metrics.append(counts[0])
    draft.assumptions.append(f"counted '{counts[0]}' by '{draft.time_dim}'")
    if not counted:
        label = state.lex.metrics[counts[0]].label or counts[0]
        draft.assumptions.append(
            f"answered with the number of rows that match ({label}): the question names no"
            " count or aggregate, and a list of the rows themselves may be meant"
        )


def _counted_value(state: ParseState) -> None:
    """'number of cats', 'how many cats': the counted noun is a value (species = 'Cat'); count
    the rows that value describes, as a frequency ranking of its dimension would (a lookup
    table's name: the nearest table of events pointing to it; several: asked)."""
    draft = state.draft
    if draft.dimensions or len(draft.filters) != 1:
        return
    (dim, negated), values = next(iter(draft.filters.items()))
    cue = next((k for k, it in enumerate(state.items) if it.cue == "count"), None)
    value = state.reading(cue + 1) if cue is not None else None
    if negated or value is None or value.kind != "value" or dim not in value.targets:
        return
    name = frequency_metric(state.lex, state.lex.dimensions[dim]) or _own_rows(
        state.lex, state.lex.dimensions[dim]
    )
    if name is None:
        return
    draft.metrics.append(name)
    draft.assumptions.append(f"counted '{name}' with {dim} = {', '.join(map(str, values))}")


def _own_rows(lex: Lexicon, dim: Dimension) -> str | None:
    """'how many F grades': no events point at the value's table, and its column is neither
    a key others join on nor named as a name ('grade', the table's only text column): the
    value describes that table's own rows, counted by its one plain count."""
    joined = any(
        r.to_table == dim.table and dim.expr in r.to_columns for r in lex.layer.relationships
    )
    named = {"name", "title", "label"} & set(words_of(dim.name))
    own = [m.name for m in _counts(lex) if m.table == dim.table]
    return own[0] if not joined and not named and dim.via is None and len(own) == 1 else None


def _subject_rows(state: ParseState, table: str) -> bool:
    """The only grouping is `table`'s rows named as the subject of a clause ('members who
    joined ...', 'accounts that opened ...'): the rows the date belongs to, not a breakdown."""
    if state.draft.dimensions != entity_dimensions(table, state.lex):
        return False
    return any(
        any(e.kind == "entity" and e.target == table for e in it.entries)
        and state.low(k + 1) in SUBJECT_NEXT
        for k, it in enumerate(state.items)
    )


def _rows_named(state: ParseState, table: str, count: str) -> bool:
    """'accounts opened this year': some item names the rows of `table` (an entity reading, or
    the noun its count metric is named by), or names the date's events as a plural noun ('hires
    this year'), so counting them answers a question naming no number."""
    noun = {stem(w) for w in words_of(count)[-1:]}
    date = state.lex.dimensions[state.draft.time_dim or ""]
    events = {stem(w) for w in words_of(f"{date.name} {date.label or ''}")}
    for it in state.items:
        if any(e.kind == "entity" and e.target == table for e in it.entries):
            return True
        if noun & {stem(w) for w in words_of(it.text)}:
            return True
        last = it.text.lower().split()[-1] if it.text.split() else ""
        if it.entries and all(e.source == "root" for e in it.entries):
            last = "".join(it.text.lower().split())  # 'sign ups' read by root as 'signup'
        plural = last.endswith("s") and stem(last) != last and stem(last) in events
        if plural and any(e.target == date.name for e in it.entries):
            return True  # 'hires this year': the date's events, named as a plural noun
    return False
