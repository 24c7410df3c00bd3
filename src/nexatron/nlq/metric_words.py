"""Pass: items read as metrics become the draft's metrics; nouns that only name the rows
another metric is about are context, not metrics."""

from __future__ import annotations

from nexatron.nlq.errors import refusal
from nexatron.nlq.plan import Explained
from nexatron.nlq.readings import (
    agg_cue_before,
    choose_metric,
)
from nexatron.nlq.state import ParseState
from nexatron.nlq.table_nouns import table_noun_before_measure
from nexatron.nlq.text import stem, words_of
from nexatron.nlq.word_lists import (
    UNITS,
)

_CONTEXT_PREPS = frozenset({"for", "of", "from", "to", "among", "on", "with"})
_AUX = frozenset({"did", "do", "does"})  # 'how many loans did members ... make': the subject
_ALL_PREPS = _CONTEXT_PREPS | {"in", "across", "over", "throughout"}


def read_metrics(state: ParseState) -> None:
    """Items read as metrics (with the aggregation word before them) become the metrics."""
    carried: dict[int, str] = {}  # 'average route distance': the cue passed to 'distance'
    for k, r in enumerate(state.readings):
        if r is None or r.kind != "metric" or k in state.used:
            continue
        if k > 0 and state.items[k - 1].kind == "number" and state.low(k) in UNITS:
            continue
        cue = carried.get(k) or agg_cue_before(state.items, k, state.seg.tokens)
        owner = None if k in carried else table_noun_before_measure(state, k, cue)
        if cue is not None and owner is not None:
            state.used.add(k)
            state.draft.entities.append((r.item.text, owner))
            carried[k + 1] = cue
            continue
        if cue is None and _unit_of_a_named_column(state, k):
            state.used.add(k)
            state.context_words.add(k)
            continue
        if cue is None and len(r.targets) > 1 and _context_noun(state, k):
            state.used.add(k)
            tables = [e.target for e in r.item.entries if e.kind == "entity"]
            state.draft.entities.append((r.item.text, tables[0]))
            continue
        name = _table_count_before_by(state, k) or choose_metric(r, cue, state.lex)
        if cue == "count_distinct" and state.lex.metrics[name].agg != "count_distinct":
            state.draft.cues.add("distinct_as_count")
        if cue is not None and k in carried:
            state.used.add(k - 2)  # the aggregation word before the table's noun
            if state.low(k - 3) in {"the", "a", "an", "of"}:
                state.used.add(k - 3)
        elif cue is not None:
            state.used.add(k - 1)
            if state.items[k - 1].kind == "word" and state.low(k - 1) in {"the", "a", "an", "of"}:
                state.used.add(k - 2)
        _add_metric(state, name, r.item.text, k)
        state.metric_at[k] = name
        state.metric_uses[name] = state.metric_uses.get(name, 0) + 1


def _column(state: ParseState, name: str) -> tuple[str | None, str]:
    metric = state.lex.metrics[name]
    return metric.table, (metric.expr or "").strip()


def _unit_of_a_named_column(state: ParseState, position: int) -> bool:
    """'average vessel capacity in TEU', 'average delay in minutes per airline': after 'in', a
    word naming the very column an aggregate or metric already read aggregates is its unit, not
    another metric (when no other name follows it)."""
    r = state.readings[position]
    nxt = state.items[position + 1] if position + 1 < len(state.items) else None
    if r is None or state.low(position - 1) != "in" or (nxt is not None and nxt.entries):
        return False
    named = {_column(state, a.metric) for a in state.draft.aggregates if a.metric}
    named |= {_column(state, m) for m in state.draft.metrics}
    named -= {(None, ""), *((t, "") for t, _ in named)}
    if state.low(position) in UNITS:  # 'in litres': a unit word, though other columns carry it
        return bool(named) and any(_column(state, t) in named for t in r.targets)
    return bool(named) and all(_column(state, t) in named for t in r.targets)


def _table_count_before_by(state: ParseState, position: int) -> str | None:
    """'members by late fees': the noun before 'by <metric>' counts its own table's rows
    (the pair check then reads it as the grouping)."""
    r = state.readings[position]
    nxt = state.readings[position + 2] if position + 2 < len(state.readings) else None
    if r is None or len(r.targets) < 2 or state.low(position + 1) != "by" or nxt is None:
        return None
    if nxt.kind != "metric":
        return None
    tables = {e.target for e in r.item.entries if e.kind == "entity"}
    own = [
        m
        for m in r.targets
        if state.lex.metrics[m].table in tables and state.lex.metrics[m].agg == "count"
    ]
    return own[0] if len(own) == 1 else None


def _context_noun(state: ParseState, position: int) -> bool:
    """'appointments for insured patients': a noun naming a table, after a value or a
    preposition, while another metric is named, is context, not a second metric."""
    if not any(e.kind == "entity" for e in state.items[position].entries):
        return False
    after = _after_value(state, position) or state.low(position - 1) in _CONTEXT_PREPS
    others = any(
        r is not None and r.kind == "metric" and j != position for j, r in enumerate(state.readings)
    )
    return after and others


def _after_value(state: ParseState, position: int) -> bool:
    """The item at `position` follows a value, or a value and its own dimension ('gold tier
    customers')."""
    prev = state.readings[position - 1] if position > 0 else None
    if prev is not None and prev.kind == "dimension" and position >= 2:
        value = state.readings[position - 2]
        if value is not None and value.kind == "value" and set(value.targets) & set(prev.targets):
            prev = value
    if prev is None and position >= 2 and state.items[position - 1].kind in {"word", "unknown"}:
        value = state.readings[position - 2]  # 'Gold tier customers': a word of the value's
        if value is not None and value.kind == "value":  # dimension ('loyalty tier')
            dims = [state.lex.dimensions[t] for t in value.targets]
            named = {stem(w) for d in dims for w in words_of(f"{d.name} {d.label or ''}")}
            if stem(state.low(position - 1)) in named:
                prev = value
    if prev is not None and prev.kind == "dimension" and position - 1 in state.used:
        kinds = [state.lex.dimensions[t].type for t in prev.targets if t in state.lex.dimensions]
        if kinds and all(kind == "boolean" for kind in kinds):
            return True  # 'IMAX screenings': a boolean qualifier already read as a filter
    return prev is not None and prev.kind == "value"


def nouns_after_values(state: ParseState) -> None:
    """'salary of senior employees', 'cost for shipments over 30 kg': a count (or weakly
    matched) metric naming the things another metric is about is context, not a metric."""
    for k, name in list(state.metric_at.items()):
        it = state.items[k]
        m = state.lex.metrics[name]
        is_entity = any(e.kind == "entity" for e in it.entries)
        weak = max(e.strength for e in it.entries if e.kind == "metric") <= 1
        after_value = _after_value(state, k)
        after_prep = state.low(k - 1) in {"for", "of", "from", "to", "among", "on", "with"}
        after_prep = after_prep or _after_all(state, k) or state.low(k - 1) in _AUX
        counted = m.agg in {"count", "count_distinct"} or weak
        if state.low(k - 1) == "per" and counted and is_entity and len(state.draft.metrics) > 1:
            if _average_per_row(state, name):
                continue
            raise refusal(
                f"'per {it.text}' asks for a ratio; no metric defines it.",
                unmatched=[f"per {it.text}"],
                suggestions={"metrics": list(state.draft.metrics), "dimensions": []},
            )
        if (
            counted
            and (after_value or (after_prep and (is_entity or weak or _rows_of(state, name))))
            and len(state.draft.metrics) > 1
            and state.metric_count(name) == 1
            and agg_cue_before(state.items, k, state.seg.tokens) is None
        ):
            state.draft.metrics.remove(name)
            del state.metric_at[k]
            state.draft.explanation = [
                e for e in state.draft.explanation if not (e.kind == "metric" and e.target == name)
            ]
            state.draft.entities.append((it.text, m.table or ""))


def _after_all(state: ParseState, position: int) -> bool:
    """'total balance across all accounts', 'goals in all matches': 'all' after a preposition
    says no rows are left out; the noun only names them."""
    return state.low(position - 1) == "all" and state.low(position - 2) in _ALL_PREPS


def _rows_of(state: ParseState, name: str) -> bool:
    """Another named metric measures the rows `name` counts ('average fee for visits')."""
    table = state.lex.metrics[name].table
    return any(
        m != name and state.lex.metrics[m].table == table and state.lex.metrics[m].agg != "count"
        for m in state.draft.metrics
    )


def _average_per_row(state: ParseState, name: str) -> bool:
    """'average fee per visit': the other metrics already average over the rows counted by
    `name`, so 'per <row>' restates the average; drop the count."""
    table = state.lex.metrics[name].table
    others = [state.lex.metrics[m] for m in state.draft.metrics if m != name]
    if not others or any(m.agg != "avg" or m.table != table for m in others):
        return False
    if state.metric_count(name) != 1:
        return False
    k = next(j for j, n in state.metric_at.items() if n == name)
    state.draft.metrics.remove(name)
    del state.metric_at[k]
    state.draft.explanation = [
        e for e in state.draft.explanation if not (e.kind == "metric" and e.target == name)
    ]
    state.draft.assumptions.append(f"read 'per {state.items[k].text}' as the average's own rows")
    return True


def _add_metric(state: ParseState, name: str, text: str, position: int) -> None:
    if name not in state.draft.metrics:
        state.draft.metrics.append(name)
    state.used.add(position)
    label = state.lex.metrics[name].label or name
    state.draft.explanation.append(Explained(text=text, kind="metric", target=name, detail=label))
