"""Pass: 'How much was pledged last month?' asks for an amount, not for a count of rows.

When the only metric read is a plain count of a table's rows and the question says 'how much',
the amount is the table's one summed money measure (a sum metric over a column named like an
amount, price, cost, value, fee, charge or salary): it replaces the count, and the reading is
announced. A table with no such measure, or several, is refused by name rather than answered
with a count. 'Total invoiced' (the table's noun as a past participle after 'total') asks the
same.
"""

from __future__ import annotations

from nexatron.nlq.errors import clarification, refusal
from nexatron.nlq.plan import Explained
from nexatron.nlq.state import ParseState
from nexatron.nlq.text import stem, words_of
from nexatron.semantic.model import Metric

_MONEY = frozenset(
    stem(w) for w in ("amount", "amt", "price", "cost", "value", "fee", "charge", "salary", "paid")
)


def _money_sum(metric: Metric) -> bool:
    if metric.type != "simple" or metric.agg != "sum" or metric.filter:
        return False
    words = words_of(f"{metric.name} {metric.label or ''} {metric.expr or ''}")
    return bool(_MONEY & {stem(w) for w in words}) or metric.format.kind == "currency"


def _total_of_a_verb(state: ParseState) -> int | None:
    """'total invoiced': 'total' before the table's noun used as a past participle asks for
    the amount, as 'how much was invoiced' does ('total invoices' is still a count)."""
    for k, name in state.metric_at.items():
        word = state.low(k)
        verb = " " not in word and word.endswith("ed")
        if verb and state.low(k - 1) in {"total", "sum"} and state.lex.metrics[name].agg == "count":
            return k
    return None


def how_much(state: ParseState) -> None:
    """'how much' over a plain count: the table's summed amount instead."""
    draft = state.draft
    cue = next(
        (k for k, it in enumerate(state.items) if it.kind == "cue" and it.cue == "howmuch"), None
    )
    if cue is None:
        cue = _total_of_a_verb(state)
    if cue is None or len(draft.metrics) != 1 or draft.aggregates:
        return
    counted = state.lex.metrics[draft.metrics[0]]
    if counted.agg != "count" or counted.filter or not counted.table:
        return
    sums = [m for m in state.lex.metrics.values() if m.table == counted.table and _money_sum(m)]
    text = state.items[cue].text
    if not sums:
        raise refusal(
            f"'{text}' asks for an amount; '{counted.label or counted.name}' has"
            " no amount to add up.",
            unmatched=[text],
            suggestions={"metrics": [counted.name], "dimensions": []},
        )
    if len(sums) > 1:
        raise clarification(
            f"'{text}' could mean several amounts.",
            ambiguous=text,
            candidates=[{"kind": "metric", "metric": m.name} for m in sums],
        )
    amount = sums[0]
    draft.metrics = [amount.name]
    # later passes ('above 1 million') find the metric by where it was read: the amount now
    for k, name in list(state.metric_at.items()):
        if name == counted.name:
            state.metric_at[k] = amount.name
    state.metric_uses[amount.name] = state.metric_uses.pop(counted.name, 1)
    draft.explanation = [
        Explained(text=e.text, kind=e.kind, target=amount.name, detail=amount.label or amount.name)
        if e.kind == "metric" and e.target == counted.name
        else e
        for e in draft.explanation
    ]
    draft.explanation.append(Explained(text=text, kind="context", target=amount.name))
    state.used.add(cue)
    draft.assumptions.append(
        f"read '{text}' as {(amount.label or amount.name).lower()}, not the number of"
        f" {(counted.label or counted.name).lower().removeprefix('number of ')}"
    )
