"""Pass: 'how many teams were founded before 1930', 'vessels built in 2005': a period of whole
years on rows that have no date of their own, only a number column holding a calendar year
(founded_year, buildYr). The period becomes a filter on that column, announced; the verb
('founded', 'built') says which year column when there are several (it shares its root with
one), else the table's only year column is used. Rows that have a date keep the date.
A phrase naming the year column that starts with the rows' plural noun ('teams founded', a
synonym 'team founded year') names the rows too: they are counted, or listed when the question
is bare ('teams founded before 1930', `row_shape`)."""

from __future__ import annotations

import datetime as dt

from nexatron.nlq.plan import Explained
from nexatron.nlq.state import ParseState
from nexatron.nlq.text import words_of
from nexatron.nlq.word_roots import shares_root
from nexatron.semantic.model import QueryFilter, TimeRange

_YEAR_WORDS = frozenset({"year", "yr", "yyyy"})


def year_periods(state: ParseState) -> None:
    """A whole-year period on dateless rows filters their one (or verb-named) year column."""
    draft = state.draft
    rng = draft.range
    if rng is None or draft.time_dim is not None or draft.grain:
        return
    if not draft.metrics:
        _rows_of_year_phrase(state)
    if not draft.metrics:
        return
    tables = {str(state.lex.metrics[m].table) for m in draft.metrics}
    if len(tables) != 1:
        return
    table = tables.pop()
    own = [d for d in state.lex.dimensions.values() if d.table == table and d.via is None]
    dated = any(state.lex.metrics[m].time_dimension for m in draft.metrics)
    if dated or any(d.type == "time" for d in own):
        return
    years = [d for d in own if d.type == "number" and _YEAR_WORDS & set(words_of(d.name))]
    bounds = _whole_years(rng)
    verbs = [
        k
        for k, it in enumerate(state.items)
        if it.kind == "unknown" and k not in state.used and state.low(k).endswith("ed")
    ]
    named = [d for d in years if any(shares_root(state.low(k), [d.name]) for k in verbs)]
    column = named[0] if len(named) == 1 else years[0] if len(years) == 1 else None
    if column is None or bounds is None:
        return
    low, high = bounds
    if low is not None:
        draft.dim_filters.append(QueryFilter(field=column.name, op=">=", values=[low]))
    if high is not None:
        draft.dim_filters.append(QueryFilter(field=column.name, op="<", values=[high]))
    draft.range = None
    if column.name in draft.dimensions:  # 'founded' named the column the period filters
        draft.dimensions.remove(column.name)
        draft.assumptions[:] = [a for a in draft.assumptions if not a.startswith("grouped '")]
    for k in verbs:
        if named or len(verbs) == 1:
            state.used.add(k)
            state.context_words.add(k)
    draft.explanation.append(
        Explained(text=rng.label or "the period", kind="filter", target=column.name)
    )
    draft.assumptions.append(
        f"read '{rng.label}' as years of '{column.name}' (the rows have no date of their own)"
    )


def _whole_years(rng: TimeRange) -> tuple[int | None, int | None] | None:
    """(first year, year after the last) of a range of whole years; None for any other."""
    edges = [rng.start, rng.end]
    days = [e.date() if isinstance(e, dt.datetime) else e for e in edges]
    if all(d is None for d in days) or any(
        d is not None and (d.month, d.day) != (1, 1) for d in days
    ):
        return None
    low, high = (None if d is None else d.year for d in days)
    return low, high


def rows_named_first(state: ParseState, position: int) -> str | None:
    """The plain count of a table whose plural noun starts the phrase at `position` when the
    phrase names a column of that table ('teams founded': teams.founded_year)."""
    reading = state.readings[position]
    if reading is None or reading.kind != "dimension" or len(reading.targets) != 1:
        return None
    words = state.low(position).split()
    metric = state.lex.metrics.get(words[0]) if len(words) > 1 else None
    column = state.lex.dimensions.get(reading.targets[0])
    if metric is None or column is None or column.via is not None:
        return None
    plain = metric.agg == "count" and not metric.filter and (metric.expr or "*") in {"*", "1"}
    return metric.name if plain and metric.table == column.table else None


def _rows_of_year_phrase(state: ParseState) -> None:
    """'teams founded before 1930': the phrase naming the year column starts with the rows'
    plural noun; the rows are counted (or listed, by `row_shape`), the column not grouped."""
    draft = state.draft
    if len(draft.dimensions) != 1:
        return
    name = draft.dimensions[0]
    column = state.lex.dimensions[name]
    if column.type != "number" or not _YEAR_WORDS & set(words_of(column.name)):
        return
    at = [k for k, r in enumerate(state.readings) if r is not None and r.targets == [name]]
    metric = rows_named_first(state, at[0]) if len(at) == 1 else None
    if metric is None:
        return
    draft.metrics.append(metric)
