"""Several metrics in one question: only when joined ('revenue and bookings'), else explain.

'doctors by total fee' names the things to group (doctors) and the metric (total fee);
'number of students enrolled' names one thing twice and is refused rather than answered twice.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from nexatron.nlq.errors import Refusal
from nexatron.nlq.plan import Explained
from nexatron.nlq.resolve import name_dimension
from nexatron.nlq.words import ASC_WORDS, DESC_WORDS

if TYPE_CHECKING:
    from nexatron.nlq.interpret import Interpreter

_JOIN = frozenset({"and", "&", "plus", "vs", "versus", "+"})
_FILLER = frozenset({"the", "a", "an", "also", "as", "well", "its", "their", "both", "of"})
_RANK = DESC_WORDS | ASC_WORDS | {"top", "bottom", "first"}


def _between(ip: Interpreter, a: int, b: int) -> list[int]:
    return [j for j in range(a + 1, b) if j not in ip.used or ip.items[j].kind != "word"]


def _comma_between(ip: Interpreter, a: int, b: int) -> bool:
    toks = ip.seg.tokens
    lo, hi = toks[ip.items[a].end - 1].end, toks[ip.items[b].start].start
    return "," in ip.seg.text[lo:hi]


def _joined(ip: Interpreter, a: int, b: int) -> bool:
    """Only joiners and filler words (and b's own aggregation word) lie between a and b."""
    between = [j for j in range(a + 1, b) if not (j == b - 1 and j in ip.used)]
    lows = [ip.low(j) for j in between]
    if not all(ip.items[j].kind == "word" and ip.low(j) in _JOIN | _FILLER for j in between):
        return False
    return bool(set(lows) & _JOIN) or _comma_between(ip, a, b)


def _ranked_or_bounded(ip: Interpreter, a: int, b: int) -> bool:
    """b is what a ranking or a threshold is about ('sorted by b', 'with b over 10')."""
    for j in range(max(a + 1, b - 3), b):
        it = ip.items[j]
        if (it.kind == "cue" and it.cue in {"sortby", "common", "rare"}) or ip.low(j) in _RANK:
            return True
        if it.kind == "cue" and it.cue.startswith("cmp:"):
            return True
    nxt = ip.items[b + 1] if b + 1 < len(ip.items) else None
    if nxt is not None and nxt.kind == "cue" and nxt.cue.startswith("cmp:"):
        return True
    before = ip.items[b - 1] if b >= 1 else None
    return before is not None and before.kind == "number"


def _naming_noun(ip: Interpreter, a: int, b: int) -> str | None:
    """'doctors by total fee': a counts the rows of a table and is followed by 'by' + metric b."""
    name = ip.metric_at[a]
    m = ip.lex.metrics[name]
    if m.agg not in {"count", "count_distinct"} or not m.table:
        return None
    if not any(e.kind == "entity" and e.target == m.table for e in ip.items[a].entries):
        return None
    between = [j for j in range(a + 1, b) if not (j == b - 1 and j in ip.used)]
    if [ip.low(j) for j in between] not in (["by"], ["ranked", "by"]) and not (
        len(between) == 1 and ip.items[between[0]].cue in {"by", "sortby"}
    ):
        return None
    return name_dimension(m.table, ip.lex)


_COPULA = frozenset({"were", "was", "are", "is", "that", "which", "being", "been", "the", "a"})


def _copula_filter(ip: Interpreter, a: int, b: int) -> bool:
    """'how many tickets were escalations': b counts a filtered subset of a's rows, so it reads as
    that filter on a (kept as context); a counts every row of the same table."""
    between = [ip.low(j) for j in range(a + 1, b)]
    if not between or not all(w in _COPULA for w in between) or not set(between) - {"the", "a"}:
        return False
    ma, mb = ip.lex.metrics[ip.metric_at[a]], ip.lex.metrics[ip.metric_at[b]]
    same = ma.table == mb.table and ma.agg == mb.agg == "count" and ma.expr == mb.expr
    if not same or ma.filter or not mb.filter or ip.metric_count(mb.name) != 1:
        return False
    del ip.metric_at[b]
    ip.d.metrics.remove(mb.name)
    ip.d.explanation = [
        e for e in ip.d.explanation if not (e.kind == "metric" and e.target == mb.name)
    ]
    ip.d.entities.append((ip.items[b].text, mb.table or ""))
    return True


def metric_pairs(ip: Interpreter) -> None:
    """Check every two neighbouring metrics are joined; turn 'things by metric' into a grouping."""
    ks = sorted(ip.metric_at)
    for a, b in pairwise(ks):
        if ip.metric_at[a] == ip.metric_at[b] or _joined(ip, a, b):
            continue
        if any(ip.items[j].kind == "unknown" for j in range(a + 1, b)):
            continue  # refused for the unknown word instead
        if _ranked_or_bounded(ip, a, b):
            continue
        if _copula_filter(ip, a, b):
            continue
        dim = _naming_noun(ip, a, b)
        if dim is not None and ip.metric_count(ip.metric_at[a]) == 1:
            name = ip.metric_at.pop(a)
            ip.d.metrics.remove(name)
            ip.d.explanation = [
                e for e in ip.d.explanation if not (e.kind == "metric" and e.target == name)
            ]
            if dim not in ip.d.dimensions:
                ip.d.dimensions.append(dim)
            text = ip.items[a].text
            ip.d.assumptions.append(f"grouped '{text}' by dimension '{dim}'")
            ip.d.explanation.append(Explained(text=text, kind="dimension", target=dim))
            continue
        one, two = ip.items[a].text, ip.items[b].text
        raise Refusal(
            {
                "message": f"'{one}' and '{two}' name two metrics; ask for one, or join them"
                f" with 'and' to see both.",
                "unmatched": [one, two],
                "suggestions": {"metrics": [ip.metric_at[a], ip.metric_at[b]], "dimensions": []},
            }
        )
