"""Pass `measure_columns`: in a question asking for rows, a measure's bare noun is its column.

A bootstrapped layer answers a measure's short noun ('goals', 'balances', 'duration') with the
metrics aggregating its column (total, average, highest, lowest), not with the column itself. In
'list the campaigns with their goals', 'the account numbers and balances of the accounts' or
'which trips have the longest duration' nothing is aggregated: each row's own value is meant. So
when the question asks for rows (`row_queries.asks_for_rows`), the noun has no aggregation word
before it, every metric it names aggregates one column of a table the question names as rows,
and it is said as a row's attribute ('their goals'), in a list with another column ('numbers and
balances') or right after a superlative ('the longest duration'), it is read as that column.
"""

from __future__ import annotations

from nexatron.nlq.readings import Reading, agg_cue_before
from nexatron.nlq.row_queries import asks_for_rows, row_label, rows_table
from nexatron.nlq.state import ParseState
from nexatron.nlq.word_lists import ASC_WORDS, DESC_WORDS

_POSSESSIVES = frozenset({"their", "its"})
_LIST_GLUE = frozenset({"and", ","})
_AGGREGATING = frozenset({"sum", "avg", "max", "min"})


def measure_columns(state: ParseState) -> None:
    """Re-read a measure's bare noun as its column in a question asking for rows."""
    if not asks_for_rows(state):
        return
    named = {rows_table(state, r) for r in state.readings} - {None}
    for k, r in enumerate(state.readings):
        if r is None or r.kind != "metric" or k in state.used:
            continue
        if agg_cue_before(state.items, k, state.seg.tokens) is not None:
            continue
        column = _column_of(state, r)
        if column is None or state.lex.dimensions[column].table not in named:
            continue
        if _said_of_rows(state, k, state.lex.dimensions[column].table):
            state.readings[k] = Reading(r.item, "dimension", [column])


def _column_of(state: ParseState, r: Reading) -> str | None:
    """The one numeric column every metric of the reading aggregates (sum, avg, max, min)."""
    lex = state.lex
    columns = set()
    for name in r.targets:
        m = lex.metrics[name]
        if m.type != "simple" or m.agg not in _AGGREGATING or m.filter or not m.expr:
            return None
        columns.add((m.table, _bare(m.expr)))
    if len(columns) != 1:
        return None
    table, expr = columns.pop()
    dims = [
        d.name
        for d in lex.dimensions.values()
        if d.table == table and d.via is None and d.type == "number" and _bare(d.expr) == expr
    ]
    return dims[0] if len(dims) == 1 else None


def _said_of_rows(state: ParseState, position: int, table: str) -> bool:
    """'their goals', 'numbers and balances', 'the longest duration'."""
    before = position - 1
    if state.low(before) == "the":
        before -= 1
    if state.low(position - 1) in _POSSESSIVES:
        return True
    if state.low(before) in DESC_WORDS | ASC_WORDS and state.items[before].kind == "word":
        return _listable(state, table)  # the rows ranked by it must be listed
    for glue, other in ((position - 1, position - 2), (position + 1, position + 2)):
        r = state.reading(other)
        if state.low(glue) in _LIST_GLUE and r is not None and r.kind == "dimension":
            return True
    return False


def _listable(state: ParseState, table: str) -> bool:
    """The table's rows have a name, so 'which trip' groups them by it and its key, and
    `row_shape` reads the ranking as one of rows (with none the rows would be counted)."""
    return row_label(state, table) is not None


def _bare(expr: str) -> str:
    return expr.strip().strip('"`[]').lower()
