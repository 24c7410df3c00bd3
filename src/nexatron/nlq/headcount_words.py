"""Pass: 'headcount per department' counts the people employed, whatever the table is called.

'Headcount' (`HEADCOUNT_NOUNS`) is a business noun no schema uses for a column: it is the
number of rows of the one table of employed people, the table whose count metric is named
like employees, staff, workers or personnel. One such table: its count, announced. None or
several: the noun is left unmatched and refused by name.
"""

from __future__ import annotations

from nexatron.nlq.plan import Explained
from nexatron.nlq.state import ParseState
from nexatron.nlq.text import stem, words_of
from nexatron.semantic.model import Metric

HEADCOUNT_NOUNS = frozenset({"headcount", "headcounts"})
_PEOPLE_EMPLOYED = frozenset(
    stem(w) for w in ("employee", "employees", "staff", "worker", "workers", "personnel")
)


def _counts_people_employed(metric: Metric) -> bool:
    if metric.type != "simple" or metric.agg != "count" or metric.filter:
        return False
    return bool(
        {stem(w) for w in words_of(f"{metric.name} {metric.label or ''}")} & _PEOPLE_EMPLOYED
    )


def headcount(state: ParseState) -> None:
    """'headcount' becomes the count of the one table of employed people."""
    for k, item in enumerate(state.items):
        if k in state.used or item.kind not in {"unknown", "word"}:
            continue
        if state.low(k) not in HEADCOUNT_NOUNS:
            continue
        found = [m for m in state.lex.metrics.values() if _counts_people_employed(m)]
        if len({m.table for m in found}) != 1 or len(found) != 1:
            continue
        metric = found[0]
        draft = state.draft
        if metric.name not in draft.metrics:
            draft.metrics.append(metric.name)
        state.used.add(k)
        label = metric.label or metric.name
        draft.explanation.append(
            Explained(text=item.text, kind="metric", target=metric.name, detail=label)
        )
        draft.assumptions.append(f"read '{item.text}' as the {label.lower()}")
