"""Questions that ask for rows, not numbers: refused until row-level queries exist.

'List the plates and models of all electric vehicles', 'Show the branches in Phoenix', 'stadiums
with capacity above 5000 and their locations' name a table's rows; the parser would otherwise
read the table's noun as its count metric and answer a count nobody asked for.
"""

from __future__ import annotations

from nexatron.nlq.errors import refusal
from nexatron.nlq.lexicon import Lexicon
from nexatron.nlq.state import Draft
from nexatron.nlq.suggest import suggestions
from nexatron.nlq.text import Token

_POLITE = frozenset({"please", "can", "could", "would", "you", "me", "i", "we", "us", "just"})
_LIST_VERBS = frozenset({"list", "enumerate", "itemize", "itemise"})
_SHOW_VERBS = frozenset({"show", "display", "give", "get", "find", "name", "names"})
_ROW_WORDS = frozenset({"all", "their", "names", "details", "every"})
_COUNT_WORDS = frozenset(
    [
        "how",
        "many",
        "much",
        "number",
        "count",
        "counts",
        "total",
        "totals",
        "sum",
        "average",
        "avg",
        "mean",
        "median",
        "highest",
        "lowest",
        "maximum",
        "minimum",
        "max",
        "min",
        "most",
        "least",
        "top",
        "bottom",
        "per",
        "by",
        "each",
    ]
)


def asks_for_rows(tokens: list[Token], draft: Draft, lex: Lexicon) -> bool:
    """The question lists rows ('list ...', 'show all ...', '... and their cities') and what
    was read is only the count of those rows (no count word asked for it)."""
    lows = [t.low for t in tokens]
    first = next((w for w in lows if w not in _POLITE), "")
    their = any(lows[i] in {"and", "with"} and lows[i + 1] == "their" for i in range(len(lows) - 1))
    strong = first in _LIST_VERBS or their
    listing = strong or (first in _SHOW_VERBS and bool(set(lows) & _ROW_WORDS))
    if their and _rows_beside_their_aggregate(draft, lex):
        return True  # 'the reward tiers ... and their minimum pledge': the tiers are listed
    if not listing or set(lows) & _COUNT_WORDS or draft.aggregates or not draft.metrics:
        return False
    if strong:
        return True  # 'list ...', '... with their prices': no aggregation word asked for a number
    return all(lex.metrics[m].agg == "count" and not lex.metrics[m].filter for m in draft.metrics)


def _rows_beside_their_aggregate(draft: Draft, lex: Lexicon) -> bool:
    """Ungrouped, a plain count of a table's rows beside another aggregate: after '... and
    their', the rows themselves were asked for with a value of each ('the reward tiers and
    their minimum pledge', 'members and their total invoice amount'), not two totals."""
    if draft.dimensions or draft.grain or len(draft.metrics) < 2:
        return False
    metrics = [lex.metrics[m] for m in draft.metrics]
    counts = [m for m in metrics if m.agg == "count" and not m.filter and m.type == "simple"]
    return len(counts) == 1


def check_listing(tokens: list[Token], draft: Draft, lex: Lexicon) -> None:
    """Refuse a question that asks for rows rather than a count."""
    if asks_for_rows(tokens, draft, lex):
        first = next((t.text for t in tokens if t.low not in _POLITE), "")
        raise refusal(
            "This asks for a list of rows; Nexatron answers with numbers (counts,"
            " totals, breakdowns). Ask 'how many ...' or for a breakdown by a dimension.",
            unmatched=[first],
            suggestions=suggestions(lex, []),
        )
