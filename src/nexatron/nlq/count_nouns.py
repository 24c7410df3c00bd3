"""'average test score', 'highest rating': a noun that names a table's rows (its count) and,
as strongly, a numeric column of that same table (the table TestScore and its column Score).
After an aggregation word a count cannot take (average, highest, lowest), the noun is the
column; 'total test scores' stays the count of the rows."""

from __future__ import annotations

from nexatron.nlq.readings import Reading
from nexatron.nlq.state import ParseState
from nexatron.semantic.model import Dimension


def numeric_column_of_count_noun(state: ParseState, reading: Reading) -> Dimension | None:
    """The one numeric column of the counted table the reading's item names as strongly as
    it names the table's count; else None."""
    lex = state.lex
    if reading.kind != "metric" or not reading.targets:
        return None
    counts = [lex.metrics[t] for t in reading.targets]
    tables = {m.table for m in counts}
    if len(tables) != 1 or any(m.agg != "count" or m.filter for m in counts):
        return None
    table = tables.pop()
    best = max(e.strength for e in reading.item.entries if e.kind == "metric")
    columns = [
        lex.dimensions[e.target]
        for e in reading.item.entries
        if e.kind == "dimension" and e.strength >= best
    ]
    own = [d for d in columns if d.table == table and d.type == "number" and d.via is None]
    return own[0] if len(own) == 1 else None
