"""Pass: 'ticket revenue', 'freight spend', 'revenue from tickets' name an amount of money.

Business nouns for money taken or spent (`MONEY_NOUNS`: revenue, takings, turnover, spend,
money...; a light participle after one restates it: 'money raised')
are rarely a column's name. Such a noun asks for the total of the one money column it is about:

- beside a metric that already sums a money column ('freight spend'): that metric, the noun
  only restates it;
- beside a money column ('fare revenue'): the sum of that column;
- beside a table's noun read as its count ('ticket revenue', 'revenue from tickets'): the sum
  of that table's one money column;
- alone, when no other metric is named ('revenue by cinema') or the others are listed beside it
  and none sums that column ('total takings and total tips'): the one money column of the whole
  layer, or the one of them named as paid (an amount or payment rather than a listed price);
  none when any other money column could be meant (a unit price, a table's second amount).

A money column is a number column named like an amount, price, fare, fee, charge or payment.
Through a table, its sum is read as money taken only when the table's rows are dated events
(sales or payments: no other dated rows point at them, as they point at a price list); beside a
quantity column only a whole amount counts (a total or an amount paid; a unit price would need
quantity times price, which no column holds); of several, the one named as paid ('amount_pd'
beside 'tip_amt', an abbreviation of 'paid' read as the word). No such column, or several:
the noun is left unmatched, so the question is refused by name. Every reading is a guess and
is announced.
"""

from __future__ import annotations

from nexatron.nlq.abbreviated_words import fits
from nexatron.nlq.light_verbs import PARTICIPLES
from nexatron.nlq.plan import Explained
from nexatron.nlq.state import ParseState
from nexatron.nlq.text import stem, words_of
from nexatron.semantic.model import ColumnAggregate, Dimension, Metric

# Nouns naming money taken in or paid out, in no schema's own words.
MONEY_NOUNS = frozenset(
    {
        "revenue",
        "revenues",
        "takings",
        "turnover",
        "income",
        "earnings",
        "spend",
        "spending",
        "money",
    }
)
# The words of a column holding an amount of money per row.
_MONEY_COLUMN = frozenset(
    stem(w) for w in ("amount", "amt", "price", "fare", "fee", "charge", "paid", "payment")
)
# A column holding what was actually paid, rather than a listed price.
_PAID_COLUMN = frozenset(stem(w) for w in ("paid", "payment", "amount", "amt"))
# ... and, of several, the one named for the payment itself (not a tip or a deposit amount).
_PAYMENT_WORDS = ("paid", "payment")
# A column holding a whole row's money, beside a quantity: no unit price.
_WHOLE_COLUMN = _PAID_COLUMN | {stem("total")}
# A column counting units sold: with it, a price column is a unit price.
_QUANTITY_COLUMN = frozenset(stem(w) for w in ("quantity", "qty", "units", "unit"))
_LINKS = frozenset({"from", "of", "on", "for"})
_REVERSAL = frozenset(
    stem(w) for w in ("refunded", "refund", "cancelled", "canceled", "voided", "reversed")
)
_TOTALS = frozenset({"total", "sum", "gross"})
_LIST = frozenset({"and", ",", "&"})


def _words(name: str, label: str | None) -> set[str]:
    """The stems of a name and label, with an abbreviation of a payment word read as that word
    ('amount_pd' holds 'paid')."""
    words = {stem(w) for w in words_of(f"{name} {label or ''}")}
    return words | {p for p in _PAYMENT_WORDS for w in words if w != p and fits(w, p)}


def _own_number_columns(state: ParseState, table: str) -> list[Dimension]:
    return [
        d
        for d in state.lex.dimensions.values()
        if d.table == table and d.type == "number" and d.via is None
    ]


def _is_money(dim: Dimension) -> bool:
    words = _words(dim.name, dim.label)
    return bool(words & _MONEY_COLUMN) and not words & {"id", "number", "no"}


def _priced_by_unit(state: ParseState, table: str) -> bool:
    """The table counts units: its price columns are unit prices."""
    columns = _own_number_columns(state, table)
    return any(_words(d.name, d.label) & _QUANTITY_COLUMN for d in columns)


def _unit_prices(state: ParseState, table: str) -> list[Dimension]:
    """Beside a quantity, the money columns not named as a whole amount paid or a total."""
    if not _priced_by_unit(state, table):
        return []
    return [d for d in _money_columns(state, table) if not _words(d.name, d.label) & _WHOLE_COLUMN]


def _dated(state: ParseState, table: str) -> bool:
    return any(d.table == table and d.type == "time" for d in state.lex.dimensions.values())


def _pointed_at_by_events(state: ParseState, table: str) -> bool:
    """Dated rows point at the table: it is what events are about (a route, a product), and
    its money column is a listed price, not money taken."""
    return any(
        r.to_table == table and r.from_table != table and _dated(state, r.from_table)
        for r in state.lex.layer.relationships
    )


def _money_column(state: ParseState, table: str) -> Dimension | None:
    """The table's one money column, when its sum is money taken: the rows are dated events
    (sales, payments), no dated rows point at them (then they are a price list) and they
    count no units."""
    if not _dated(state, table) or _pointed_at_by_events(state, table):
        return None
    unit_prices = _unit_prices(state, table)
    money = [d for d in _money_columns(state, table) if d not in unit_prices]
    if len(money) > 1:  # an amount paid beside a tip: the payment
        money = [d for d in money if _words(d.name, d.label) & set(_PAYMENT_WORDS)]
    return money[0] if len(money) == 1 else None


def _money_columns(state: ParseState, table: str) -> list[Dimension]:
    return [d for d in _own_number_columns(state, table) if _is_money(d)]


def _sum_metric(state: ParseState, dim: Dimension) -> Metric | None:
    """A plain sum metric of the column, when the layer defines one."""
    for m in state.lex.metrics.values():
        plain = m.type == "simple" and m.agg == "sum" and not m.filter
        if plain and m.table == dim.table and (m.expr or "").strip() == dim.expr.strip():
            return m
    return None


def _metric_column(state: ParseState, metric: Metric) -> Dimension | None:
    for d in _own_number_columns(state, metric.table or ""):
        if d.expr.strip() == (metric.expr or "").strip():
            return d
    return None


def _beside(state: ParseState, k: int) -> int | None:
    """The item the noun is about: right before it, or after 'from/of/on/for' right after it."""
    before = state.reading(k - 1)
    if before is not None and k - 1 not in state.used:
        return k - 1
    after = state.reading(k + 2)
    if state.low(k + 1) in _LINKS and after is not None and k + 2 not in state.used:
        return k + 2
    return None


def _column_of(state: ParseState, position: int) -> Dimension | None:
    """The money column the item at `position` names, itself or through its table."""
    r = state.readings[position]
    if r is None or len(r.targets) != 1:
        return None
    if r.kind == "dimension":
        dim = state.lex.dimensions.get(r.targets[0])
        return dim if dim is not None and dim.type == "number" and _is_money(dim) else None
    if r.kind != "metric":
        return None
    metric = state.lex.metrics[r.targets[0]]
    if metric.type != "simple" or metric.filter or not metric.table:
        return None
    if metric.agg == "count":
        return _money_column(state, metric.table)
    if metric.agg == "sum":
        dim = _metric_column(state, metric)
        if dim is not None and _is_money(dim) and dim == _money_column(state, metric.table):
            return dim
    return None


def _listed(state: ParseState, k: int) -> bool:
    """The noun (with its 'total') is one of a list of asks: 'total takings and total tips'."""
    lo = k - 1 if state.low(k - 1) in _TOTALS else k
    return state.low(lo - 1) in _LIST or state.low(k + 1) in _LIST


def _other_metrics_named(state: ParseState) -> bool:
    if state.draft.metrics or state.draft.aggregates:
        return True
    return any(r is not None and r.kind == "metric" for r in state.readings)


def _alone(state: ParseState, listed: bool = False) -> Dimension | None:
    """With no metric named at all, the layer's one money column; `listed`: other metrics are
    named beside the noun in a list, and none of them sums that column."""
    if _other_metrics_named(state) and not listed:
        return None
    tables = sorted({d.table for d in state.lex.dimensions.values()})
    if any(_unit_prices(state, t) for t in tables):
        return None  # quantity times a unit price could be what is meant: no column holds it
    found = [d for d in (_money_column(state, t) for t in tables) if d is not None]
    paid = [d for d in found if _words(d.name, d.label) & _PAID_COLUMN]
    one = paid[0] if len(paid) == 1 else found[0] if len(found) == 1 else None
    if one is not None and listed and _summed_already(state, one):
        return None
    return one


def _summed_already(state: ParseState, dim: Dimension) -> bool:
    """A metric named in the question already aggregates the column."""
    for r in state.readings:
        for t in r.targets if r is not None and r.kind == "metric" else []:
            metric = state.lex.metrics.get(t)
            if metric is not None and metric.table == dim.table and metric.expr == dim.expr:
                return True
    return False


def _add_sum(state: ParseState, dim: Dimension, text: str) -> None:
    draft = state.draft
    column = (dim.label or dim.name).lower()
    metric = _sum_metric(state, dim)
    if metric is not None:
        if metric.name not in draft.metrics:
            draft.metrics.append(metric.name)
        target, detail = metric.name, metric.label or metric.name
    else:
        aggregate = ColumnAggregate(agg="sum", dimension=dim.name)
        if aggregate not in draft.aggregates:
            draft.aggregates.append(aggregate)
        target, detail = aggregate.name, f"total {column}"
    draft.explanation.append(Explained(text=text, kind="metric", target=target, detail=detail))
    draft.assumptions.append(f"read '{text}' as the total of {column}")


def _reversal_unsaid(state: ParseState, dim: Dimension) -> bool:
    """The column's rows carry a refund or cancellation flag the question does not mention:
    whether money taken counts them is the question's to say ('money raised' may exclude
    refunds), so the noun is not read."""
    flags = [
        d.name
        for d in state.lex.dimensions.values()
        if d.table == dim.table and d.type == "boolean" and _words(d.name, d.label) & _REVERSAL
    ]
    said = {t for r in state.readings if r is not None for t in r.targets}
    return bool(flags) and not said & set(flags)


def money_nouns(state: ParseState) -> None:
    """A money noun ('revenue', 'spend') becomes the sum of the one money column it is about."""
    for k, item in enumerate(state.items):
        if k in state.used or item.kind not in {"unknown", "word"}:
            continue
        if state.low(k) not in MONEY_NOUNS:
            continue
        position = _beside(state, k)
        dim = (
            _column_of(state, position)
            if position is not None
            else _alone(state, _listed(state, k))
        )
        if dim is None or _reversal_unsaid(state, dim):
            continue
        span = sorted({k} if position is None else {k, position})
        if state.low(span[0] - 1) in _TOTALS and span[0] - 1 not in state.used:
            span.insert(0, span[0] - 1)
        after = span[-1] + 1
        if state.low(after) in PARTICIPLES and after not in state.used:
            span.append(after)  # 'money raised', 'revenue earned': the verb restates the noun
        state.used.update(range(span[0], span[-1] + 1))
        text = " ".join(state.items[j].text for j in range(span[0], span[-1] + 1))
        _add_sum(state, dim, text)
