"""Plan-shape templates give, byte for byte, the SQL a full compile gives: in every dialect, for
filter values that need quoting or escaping, for date ranges, and for values that look like
placeholders. Their values pass the guard's text rule as a full compile's would."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nexatron.demo import load_demo_layer
from nexatron.guard import GuardRejected, check_expression
from nexatron.query import templates
from nexatron.query.templates import SqlTemplates
from nexatron.semantic.compiler import compile_query
from nexatron.semantic.dialects import DIALECTS
from nexatron.semantic.model import QueryFilter, SemanticQuery, TimeRange, TimeSpec

LAYER = load_demo_layer()
DIALECT_NAMES = sorted({d.name for d in DIALECTS.values()})
STRING_DIMS = [d.name for d in LAYER.dimensions if d.type == "string"]
TRICKY = ["O'Brien", "a\\b", "100%", "日本", "x'; DROP TABLE t; --", "", "it''s", "tab\there"]


def _guard(dialect: str) -> Any:
    return lambda tree: check_expression(tree, dialect, allowed_tables=None)


def _query(
    metric: str, by: list[str], filters: list[QueryFilter], start: dt.date, end: dt.date
) -> SemanticQuery:
    return SemanticQuery(
        metrics=[metric],
        dimensions=by,
        filters=filters,
        time=TimeSpec(range=TimeRange(start=start, end=end, label="some time")),
    )


def _same(templates_: SqlTemplates, query: SemanticQuery, dialect: str) -> bool:
    """Filled in from a template when the shape allows; always equal to a full compile."""
    full = compile_query(LAYER, query, dialect).sql
    filled = templates_.compile(LAYER, query, dialect, _guard(dialect))
    assert filled is None or filled.sql == full, (dialect, query)
    return filled is not None


@pytest.mark.parametrize("dialect", DIALECT_NAMES)
def test_filled_in_sql_equals_a_full_compile(dialect: str) -> None:
    cache = SqlTemplates()
    used = 0
    metrics = ["total_sales", "order_count", "average_order_value", "customer_count"]
    for n, (metric, field, op) in enumerate(
        itertools.product(metrics, STRING_DIMS[:4], ["=", "!=", "in", "not_in"])
    ):
        values = [TRICKY[n % len(TRICKY)]] if op in ("=", "!=") else TRICKY[: 2 + n % 3]
        start = dt.date(2020 + n % 5, 1 + n % 12, 1)
        query = _query(metric, ["channel"], [QueryFilter(field=field, op=op, values=values)],
                       start, start + dt.timedelta(days=31 + n))  # fmt: skip
        used += _same(cache, query, dialect)
        # the same shape again, other values: certainly from the template now
        again = query.model_copy(
            update={"filters": [QueryFilter(field=field, op=op, values=["Other"] * len(values))]}
        )
        assert _same(cache, again, dialect)
    assert used >= 48  # only the first of each shape is compiled in full


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(max_size=12), min_size=1, max_size=3),
    st.sampled_from(DIALECT_NAMES),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
)
def test_any_values_and_dates_fill_in_exactly(
    values: list[str], dialect: str, day: dt.date
) -> None:
    cache = SqlTemplates()
    other = [v + "x" for v in values]
    first = _query("total_sales", [], [QueryFilter(field="region", op="in", values=values)],
                   day, day + dt.timedelta(days=1))  # fmt: skip
    second = _query("total_sales", [], [QueryFilter(field="region", op="in", values=other)],
                    day, day + dt.timedelta(days=2))  # fmt: skip
    for query in (first, second):
        try:
            _same(cache, query, dialect)
        except GuardRejected:  # a control character: a full compile's guard refuses it too
            with pytest.raises(GuardRejected):
                _guard(dialect)(compile_query(LAYER, query, dialect).tree)


def test_a_value_that_looks_like_a_placeholder_is_only_a_value() -> None:
    cache = SqlTemplates()
    lookalike = f"nxtpl{templates._TOKEN}v1"  # the next placeholder's own text
    query = _query("total_sales", [], [QueryFilter(field="region", op="in", values=["A", "B"])],
                   dt.date(2024, 1, 1), dt.date(2025, 1, 1))  # fmt: skip
    assert _same(cache, query, "postgres")
    tricky = query.model_copy(
        update={"filters": [QueryFilter(field="region", op="in", values=[lookalike, "B"])]}
    )
    assert _same(cache, tricky, "postgres")


def test_numbers_contains_and_timestamps_stay_in_the_shape() -> None:
    cache = SqlTemplates()
    contains = _query("total_sales", [], [QueryFilter(field="region", op="contains",
                      values=["Eur"])], dt.date(2024, 1, 1), dt.date(2025, 1, 1))  # fmt: skip
    assert _same(cache, contains, "duckdb")  # the dates still are templated
    stamped = SemanticQuery(
        metrics=["total_sales"],
        time=TimeSpec(range=TimeRange(start=dt.datetime(2024, 1, 1, 12), end=None)),
    )
    assert not _same(cache, stamped, "duckdb")  # nothing to fill in: compiled in full


def test_a_control_character_is_refused_as_by_a_full_compile() -> None:
    cache = SqlTemplates()
    ok = _query("total_sales", [], [QueryFilter(field="region", op="=", values=["Europe"])],
                dt.date(2024, 1, 1), dt.date(2025, 1, 1))  # fmt: skip
    assert _same(cache, ok, "postgres")
    bad = ok.model_copy(
        update={"filters": [QueryFilter(field="region", op="=", values=["Eu\x00rope"])]}
    )
    with pytest.raises(GuardRejected):
        cache.compile(LAYER, bad, "postgres", _guard("postgres"))
    with pytest.raises(GuardRejected):
        _guard("postgres")(compile_query(LAYER, bad, "postgres").tree)
