"""Several metrics in one question: only when joined ('revenue and bookings'), else explain.

'doctors by total fee' names the things to group (doctors) and the metric (total fee);
'number of students enrolled' names one thing twice and is refused rather than answered twice.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from nexatron.nlq.errors import refusal
from nexatron.nlq.own_rows import own_rows
from nexatron.nlq.plan import Explained
from nexatron.nlq.readings import group_entity
from nexatron.nlq.row_queries import row_key, row_label
from nexatron.nlq.word_lists import ASC_WORDS, DESC_WORDS

if TYPE_CHECKING:
    from nexatron.nlq.state import ParseState

_JOIN = frozenset({"and", "&", "plus", "vs", "versus", "+"})
_FILLER = frozenset({"the", "a", "an", "also", "as", "well", "its", "their", "both", "of"})
_RANK = DESC_WORDS | ASC_WORDS | {"top", "bottom", "first"}


def _between(state: ParseState, a: int, b: int) -> list[int]:
    return [j for j in range(a + 1, b) if j not in state.used or state.items[j].kind != "word"]


def _comma_between(state: ParseState, a: int, b: int) -> bool:
    toks = state.seg.tokens
    lo, hi = toks[state.items[a].end - 1].end, toks[state.items[b].start].start
    return "," in state.seg.text[lo:hi]


def _joined(state: ParseState, a: int, b: int) -> bool:
    """Only joiners and filler words (and b's own aggregation word) lie between a and b."""
    between = [j for j in range(a + 1, b) if not (j == b - 1 and j in state.used)]
    lows = [state.low(j) for j in between]
    if not all(state.items[j].kind == "word" and state.low(j) in _JOIN | _FILLER for j in between):
        return False
    return bool(set(lows) & _JOIN) or _comma_between(state, a, b)


def _ranked_or_bounded(state: ParseState, a: int, b: int) -> bool:
    """b is what a ranking or a threshold is about ('sorted by b', 'with b over 10')."""
    for j in range(max(a + 1, b - 3), b):
        it = state.items[j]
        if (it.kind == "cue" and it.cue in {"sortby", "common", "rare"}) or state.low(j) in _RANK:
            return True
        if it.kind == "cue" and it.cue.startswith("cmp:"):
            return True
    nxt = state.items[b + 1] if b + 1 < len(state.items) else None
    if nxt is not None and nxt.kind == "cue" and nxt.cue.startswith("cmp:"):
        return True
    before = state.items[b - 1] if b >= 1 else None
    return before is not None and before.kind == "number"


def _naming_noun(state: ParseState, a: int, b: int) -> list[str] | None:
    """'doctors by total fee': a counts the rows of a table and is followed by 'by' + metric b;
    what a breakdown by those rows groups by (their key and label, as `entity_dimensions`)."""
    name = state.metric_at[a]
    m = state.lex.metrics[name]
    if m.agg not in {"count", "count_distinct"} or not m.table:
        return None
    if not any(e.kind == "entity" and e.target == m.table for e in state.items[a].entries):
        return None
    between = [j for j in range(a + 1, b) if not (j == b - 1 and j in state.used)]
    if [state.low(j) for j in between] not in (["by"], ["ranked", "by"]) and not (
        len(between) == 1 and state.items[between[0]].cue in {"by", "sortby"}
    ):
        return None
    label = row_label(state, m.table)
    if label is None:
        return None
    key = row_key(state, m.table)
    return [key, label] if key is not None and key != label else [label]


_COPULA = frozenset({"were", "was", "are", "is", "that", "which", "being", "been", "the", "a"})


def _copula_filter(state: ParseState, a: int, b: int) -> bool:
    """'how many tickets were escalations': b counts a filtered subset of a's rows, so it reads as
    that filter on a (kept as context); a counts every row of the same table."""
    between = [state.low(j) for j in range(a + 1, b)]
    if not between or not all(w in _COPULA for w in between) or not set(between) - {"the", "a"}:
        return False
    ma, mb = state.lex.metrics[state.metric_at[a]], state.lex.metrics[state.metric_at[b]]
    same = ma.table == mb.table and ma.agg == mb.agg == "count" and ma.expr == mb.expr
    if not same or ma.filter or not mb.filter or state.metric_count(mb.name) != 1:
        return False
    del state.metric_at[b]
    state.draft.metrics.remove(mb.name)
    state.draft.explanation = [
        e for e in state.draft.explanation if not (e.kind == "metric" and e.target == mb.name)
    ]
    state.draft.entities.append((state.items[b].text, mb.table or ""))
    return True


def metric_pairs(state: ParseState) -> None:
    """Check every two neighbouring metrics are joined; turn 'things by metric' into a grouping."""
    ks = sorted(state.metric_at)
    for a, b in pairwise(ks):
        if state.metric_at[a] == state.metric_at[b] or _joined(state, a, b):
            continue
        if any(state.items[j].kind == "unknown" for j in range(a + 1, b)):
            continue  # refused for the unknown word instead
        if _ranked_or_bounded(state, a, b):
            continue
        if _copula_filter(state, a, b) or own_rows(state, a, b):
            continue
        names = _naming_noun(state, a, b)
        if names and state.metric_count(state.metric_at[a]) == 1:
            name = state.metric_at.pop(a)
            state.draft.metrics.remove(name)
            state.draft.explanation = [
                e for e in state.draft.explanation if not (e.kind == "metric" and e.target == name)
            ]
            group_entity(state.draft.dimensions, state.draft.keys, names)
            text, dim = state.items[a].text, names[-1]
            state.draft.assumptions.append(f"grouped '{text}' by dimension '{dim}'")
            state.draft.explanation.append(Explained(text=text, kind="dimension", target=dim))
            continue
        one, two = state.items[a].text, state.items[b].text
        raise refusal(
            f"'{one}' and '{two}' name two metrics; ask for one, or join them"
            f" with 'and' to see both.",
            unmatched=[one, two],
            suggestions={
                "metrics": [state.metric_at[a], state.metric_at[b]],
                "dimensions": [],
            },
        )
