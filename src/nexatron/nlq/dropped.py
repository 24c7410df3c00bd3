"""Words never silently dropped: a loose aggregation word ('average party size' with no metric
taking it) and a generic noun written against a matched name ('table turnover time')."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexatron.nlq.text import words_of
from nexatron.nlq.words import AGG_CUES, COMPOUND_NOUNS, DURATION_WORDS

if TYPE_CHECKING:
    from nexatron.nlq.interpret import Interpreter
    from nexatron.nlq.resolve import Reading


def loose_aggregation(ip: Interpreter, k: int) -> bool:
    """'average party size' where no metric took the 'average': never dropped."""
    if AGG_CUES.get(ip.low(k)) not in {"avg", "sum", "median"} or ip.low(k) == "overall":
        return False
    r = ip.readings[k + 1] if k + 1 < len(ip.readings) else None
    return r is not None and r.kind in {"dimension", "entity", "value"}


def compound_noun(ip: Interpreter, k: int) -> bool:
    """'table turnover time': a generic noun written against a matched name makes a longer
    name the layer does not know; it is never dropped."""
    if ip.low(k) not in COMPOUND_NOUNS:
        return False
    near = [ip.readings[j] for j in (k - 1, k + 1) if 0 <= j < len(ip.readings)]
    named = [r for r in near if r is not None and r.kind in {"metric", "dimension", "entity"}]
    if ip.low(k) in {"time", "times"} and named and all(_duration(ip, r) for r in named):
        return False  # 'wait time' for a metric over wait_minutes
    return bool(named)


def _duration(ip: Interpreter, r: Reading) -> bool:
    for t in r.targets:
        obj = ip.lex.metrics.get(t) or ip.lex.dimensions.get(t)
        if obj is None or not set(words_of(f"{obj.name} {obj.expr or ''}")) & DURATION_WORDS:
            return False
    return bool(r.targets) and r.kind != "entity"


def compound_text(ip: Interpreter, k: int) -> str:
    """The whole run of names and generic nouns around item `k`."""
    lo, hi = k, k
    while lo > 0 and (ip.readings[lo - 1] is not None or compound_noun(ip, lo - 1)):
        lo -= 1
    while hi + 1 < len(ip.items) and (ip.readings[hi + 1] is not None or compound_noun(ip, hi + 1)):
        hi += 1
    return " ".join(ip.items[j].text for j in range(lo, hi + 1))
