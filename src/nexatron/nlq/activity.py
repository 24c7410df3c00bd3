"""'How many patients did we see last month': counting the rows of a table of things (pointed to,
pointing nowhere) by their own date answers another question than counting those seen. Ask."""

from __future__ import annotations

from nexatron.nlq.errors import clarification, refusal
from nexatron.nlq.lexicon import Lexicon
from nexatron.nlq.text import Token
from nexatron.nlq.word_lists import ACTIVITY_VERBS
from nexatron.semantic.model import SemanticQuery


def check_activity(q: SemanticQuery, tokens: list[Token], lex: Lexicon, named_date: bool) -> None:
    """Refuse (or offer the distinct-count metrics) when a period applies to an activity verb
    but the metric counts the rows of a table other tables point to."""
    verbs = [t.text for t in tokens if t.low in ACTIVITY_VERBS and t.stem not in lex.known_stems]
    if not verbs or named_date or q.time is None or q.time.range is None:
        return
    rels = lex.layer.relationships
    for name in q.metrics:
        m = lex.metrics[name]
        if m.agg != "count" or not m.table:
            continue
        pointed_to = any(r.to_table == m.table and r.from_table != m.table for r in rels)
        if not pointed_to or any(r.from_table == m.table for r in rels):
            continue  # a table of events (it points to others), not of things
        fks = {(r.from_table, c) for r in rels if r.to_table == m.table for c in r.from_columns}
        others = [
            x.name
            for x in lex.metrics.values()
            if x.agg == "count_distinct" and (x.table, (x.expr or "").split(".")[-1]) in fks
        ]
        message = (
            f"'{verbs[0]}' in a period: count {m.table} by their own date"
            f" ('{name}'), or those active in the period?"
        )
        if others:
            cands = [{"kind": "metric", "metric": x} for x in [name, *others]]
            raise clarification(message, ambiguous=verbs[0], candidates=cands)
        raise refusal(
            message,
            unmatched=verbs[:1],
            suggestions={"metrics": [name], "dimensions": []},
            ambiguous=verbs[0],
        )
