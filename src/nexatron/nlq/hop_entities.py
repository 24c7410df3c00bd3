"""Rows named on the way to a filter: 'loans of members of the Oakwood Branch' (loans ->
members -> branches). The named table lies on the one shortest many-to-one path from the counted
rows to the table of a value filtering them, the path the compiler joins through, so it only says
how the filter reaches the rows. Announced; a table off that path, or a path that is not the only
shortest one, stays unmatched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexatron.nlq.readings import tables_of

if TYPE_CHECKING:
    from nexatron.nlq.state import ParseState

_MAX_HOPS = 4


def _reach(state: ParseState, start: str) -> dict[str, tuple[int, int]]:
    """Each table reachable from `start` by many-to-one steps: (distance, shortest paths)."""
    found = {start: (0, 1)}
    frontier = {start: 1}
    for hop in range(1, _MAX_HOPS + 1):
        step: dict[str, int] = {}
        for r in state.lex.layer.relationships:
            fresh = r.to_table not in found and r.cardinality == "many_to_one"
            if r.from_table in frontier and fresh:
                step[r.to_table] = step.get(r.to_table, 0) + frontier[r.from_table]
        found |= {table: (hop, n) for table, n in step.items()}
        frontier = step
    return found


def _filter_tables(state: ParseState) -> set[str]:
    fields = {f for f, _ in state.draft.filters} | {f.field for f in state.draft.dim_filters}
    return {state.lex.dimensions[f].table for f in fields if f in state.lex.dimensions}


def hop_entities(state: ParseState) -> None:
    """Entities on the one shortest path from the counted rows to a filter's table describe
    the rows (`Draft.described`), announced."""
    rows = tables_of(state.lex, state.draft.metrics)
    targets = _filter_tables(state) - rows
    if len(rows) != 1 or not targets:
        return
    start = rows.pop()
    from_rows = _reach(state, start)
    grouped = {state.lex.dimensions[d].table for d in state.draft.dimensions}
    for text, table in state.draft.entities:
        if table in rows | targets | grouped | state.draft.described or table not in from_rows:
            continue
        onward = _reach(state, table)
        for target in sorted(targets):
            direct, via, rest = from_rows.get(target), from_rows[table], onward.get(target)
            if direct is None or rest is None or direct[1] != 1:
                continue
            if via[0] + rest[0] == direct[0]:
                state.draft.described.add(table)
                state.draft.assumptions.append(
                    f"read '{text}' as the rows of {table} through which the filter on"
                    f" {target} applies to {start}"
                )
                break
