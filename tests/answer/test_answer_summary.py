"""Summary sentences and facts, checked as exact strings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from nexatron.answer import facts, summarize
from nexatron.semantic.model import (
    Format,
    Metric,
    OrderBy,
    OutputColumn,
    SemanticLayer,
    SemanticQuery,
    TimeRange,
    TimeSpec,
)

USD = Format(kind="currency", currency="USD", decimals=2)
SALES = OutputColumn(
    name="total_sales", role="metric", ref="total_sales", label="Total sales", format=USD
)
ORDERS = OutputColumn(
    name="order_count", role="metric", ref="order_count", label="Number of orders",
    format=Format(kind="number", decimals=0),
)  # fmt: skip
AOV = OutputColumn(name="aov", role="metric", ref="aov", label="Average order value", format=USD)
REGION = OutputColumn(name="region", role="dimension", ref="region", label="Region")
CATEGORY = OutputColumn(name="category", role="dimension", ref="category", label="Category")
MONTH = OutputColumn(
    name="order_month",
    role="time",
    ref="order_date",
    label="Order date",
    type="date",
    grain="month",
)
QUARTER = MONTH.model_copy(update={"grain": "quarter", "name": "order_quarter"})
LAYER = SemanticLayer(
    metrics=[
        Metric(name="total_sales", table="t", agg="sum", expr="amount"),
        Metric(name="order_count", table="t", agg="count_distinct", expr="id"),
        Metric(name="aov", type="ratio", numerator="total_sales", denominator="order_count"),
    ]
)
BY_REGION = [
    ["North America", D("1402000")],
    ["Europe", D("1200000")],
    ["Asia Pacific", D("800000")],
    ["Latin America", D("450000")],
    ["Africa", D("248000")],
]


def q(**kwargs: object) -> SemanticQuery:
    return SemanticQuery.model_validate({"metrics": ["total_sales"], **kwargs})


def test_single_value_with_range_label() -> None:
    text = summarize(
        None, q(), [SALES], [[D("1284350")]], range_label="last quarter", truncated=False
    )
    assert text == "Total sales last quarter were $1,284,350.00."


def test_single_value_range_label_taken_from_the_plan() -> None:
    plan = q(time={"range": {"start": "2026-01-01", "end": "2026-04-01", "label": "in Q1 2026"}})
    text = summarize(None, plan, [SALES], [[1284350.5]], range_label=None, truncated=False)
    assert text == "Total sales in Q1 2026 were $1,284,350.50."


def test_single_value_other_locale_and_several_metrics() -> None:
    text = summarize(
        None, q(), [SALES, ORDERS], [[D("1284350"), 5321]], range_label=None, locale="de_DE",
        truncated=False,
    )  # fmt: skip
    assert text == "Total sales were 1.284.350,00\xa0$; Number of orders was 5.321."


def test_single_value_null() -> None:
    text = summarize(None, q(), [SALES], [[None]], range_label="today", truncated=False)
    assert text == "Total sales today were no value."


def test_breakdown_top_item_and_share_of_total() -> None:
    text = summarize(
        None, q(dimensions=["region"]), [REGION, SALES], BY_REGION, range_label=None,
        truncated=False, layer=LAYER,
    )  # fmt: skip
    assert text == (
        "North America had the highest total sales ($1,402,000.00, 34.2% of $4.1M) among 5 regions."
    )


def test_breakdown_without_share_for_non_additive_metrics() -> None:
    rows = [["Home", D("85.5")], ["Office", D("120.25")]]
    text = summarize(
        None, q(metrics=["aov"], dimensions=["category"]), [CATEGORY, AOV], rows,
        range_label="this year", truncated=False, layer=LAYER,
    )  # fmt: skip
    assert (
        text == "Office had the highest average order value this year ($120.25) among 2 categories."
    )


def test_breakdown_bottom_ranking_and_truncation() -> None:
    plan = q(dimensions=["region"], order=[OrderBy(field="total_sales", desc=False)])
    text = summarize(
        None, plan, [REGION, SALES], BY_REGION, range_label=None, truncated=True, layer=LAYER
    )
    assert text == "Africa had the lowest total sales ($248,000.00) among 5 regions shown."


def test_breakdown_single_group() -> None:
    text = summarize(
        None, q(dimensions=["region"]), [REGION, SALES], BY_REGION[:1], range_label=None,
        truncated=False,
    )  # fmt: skip
    assert text == "Only North America matched, with total sales of $1,402,000.00."


def test_ranked_single_group_names_the_winner() -> None:
    query = q(dimensions=["region"], order=[OrderBy(field="total_sales", desc=True)], limit=1)
    text = summarize(
        None, query, [REGION, SALES], BY_REGION[:1], range_label="2025", truncated=False
    )
    assert text == "North America had the highest total sales in 2025 ($1,402,000.00)."


def test_time_series_rise() -> None:
    rows = [[dt.date(2026, m, 1), D(1000 + 100 * m)] for m in range(1, 7)]
    rows.reverse()  # order of rows does not matter
    text = summarize(
        None,
        q(time=TimeSpec(grain="month")),
        [MONTH, SALES],
        rows,
        range_label=None,
        truncated=False,
    )
    assert text == "Total sales rose 45.5% from Jan 2026 ($1,100.00) to Jun 2026 ($1,600.00)."


def test_time_series_fall_by_quarter_with_iso_strings() -> None:
    rows = [["2025-01-01", 2000], ["2025-04-01", 1500], ["2025-07-01T00:00:00", 1000]]
    text = summarize(None, q(), [QUARTER, SALES], rows, range_label=None, truncated=False)
    assert text == "Total sales fell 50.0% from Q1 2025 ($2,000.00) to Q3 2025 ($1,000.00)."


def test_time_series_from_zero_and_unchanged() -> None:
    zero = [[dt.date(2026, 1, 1), 0], [dt.date(2026, 2, 1), 10]]
    assert summarize(None, q(), [MONTH, SALES], zero, range_label=None, truncated=False) == (
        "Total sales went from $0.00 in Jan 2026 to $10.00 in Feb 2026."
    )
    flat = [[dt.date(2026, 1, 1), 5], [dt.date(2026, 2, 1), 5]]
    assert summarize(None, q(), [MONTH, SALES], flat, range_label=None, truncated=False) == (
        "Total sales were unchanged from Jan 2026 to Feb 2026 at $5.00."
    )


def test_empty_result() -> None:
    assert (
        summarize(None, q(), [SALES], [], range_label="last quarter", truncated=False)
        == "No rows matched this query for last quarter."
    )
    assert summarize(None, q(), [SALES], [], range_label=None, truncated=False) == (
        "No rows matched this query."
    )


def test_row_count_otherwise() -> None:
    rows = [[dt.date(2026, 1, 1), "Europe", 1]] * 1234
    text = summarize(None, q(), [MONTH, REGION, SALES], rows, range_label=None, truncated=True)
    assert text == "The query returned 1,234 rows (truncated)."


def test_facts_structure() -> None:
    found = facts(
        "sales by region", q(dimensions=["region"]), [REGION, SALES], BY_REGION, layer=LAYER
    )
    assert found == {
        "question": "sales by region",
        "range_label": None,
        "row_count": 5,
        "truncated": False,
        "metrics": ["total_sales"],
        "kind": "breakdown",
        "metric": "total_sales",
        "dimension": "region",
        "groups": 5,
        "ranked": False,
        "top": {"key": "North America", "value": D("1402000"), "rank": "highest"},
        "total": D("4100000"),
        "share": D("1402000") / D("4100000"),
    }


@pytest.mark.parametrize(
    ("rows", "kind"),
    [([], "empty"), ([[1]], "single_value"), ([[dt.date(2026, 1, 1), 1]], "rows")],
)
def test_facts_kinds(rows: list[list[object]], kind: str) -> None:
    columns = [SALES] if rows == [[1]] or not rows else [MONTH, SALES]
    assert facts(None, q(), columns, rows)["kind"] == kind


def test_time_range_in_facts() -> None:
    plan = q(time=TimeSpec(range=TimeRange(label="last quarter")))
    assert facts(None, plan, [SALES], [[1]])["range_label"] == "last quarter"


def test_range_words_and_ranked_single_group() -> None:
    from nexatron.answer.summary import _range_words

    assert _range_words("2025") == "in 2025"
    assert _range_words("Q3 2025") == "in Q3 2025"
    assert _range_words("March 2025") == "in March 2025"
    assert _range_words("FY2025") == "in FY2025"
    assert _range_words("last quarter") == "last quarter"
    assert _range_words("since March") == "since March"


def test_a_breakdown_by_key_and_name_names_the_entity() -> None:
    key = OutputColumn(name="region_id", role="dimension", ref="region_id", label="Region id")
    rows = [[7, *BY_REGION[0]], [9, *BY_REGION[1]]]
    plan = q(dimensions=["region_id", "region"], keys=["region_id"])
    text = summarize(
        None, plan, [key, REGION, SALES], rows, range_label=None, truncated=False, layer=LAYER
    )
    assert text.startswith(f"{BY_REGION[0][0]} had the highest total sales")
