"""Which date a range applies to, when the question says so with a verb.

"listings sold in 2025" on a table with `listed_on` (its default date) and `sold_on`: the word
"sold" names the other date, so the range applies to `sold_on`. Only when exactly one date of the
metric's table shares a root with a word of the question.
"""

from __future__ import annotations

from nexatron.nlq.lexicon import Lexicon
from nexatron.nlq.text import Token
from nexatron.nlq.word_roots import root
from nexatron.semantic.naming import words

GENERIC = frozenset({"date", "day", "on", "at", "time", "timestamp", "dt", "ts", "when"})


def named_date(tokens: list[Token], lex: Lexicon, metrics: list[str]) -> str | None:
    """The one time dimension of the metrics' table whose own word the question uses, if any."""
    tables = {lex.metrics[m].table for m in metrics if lex.metrics[m].table}
    defaults = {lex.metrics[m].time_dimension for m in metrics}
    if len(tables) != 1:
        return None
    table = next(iter(tables))
    said = {root(t.low) for t in tokens if t.low.isalpha() and len(t.low) >= 3}
    found = []
    for name, dim in lex.dimensions.items():
        if dim.type != "time" or dim.table != table or name in defaults:
            continue
        own = {root(w) for w in words(dim.expr) + words(name) if w not in GENERIC}
        if own and own <= said:
            found.append(name)
    return found[0] if len(found) == 1 else None
