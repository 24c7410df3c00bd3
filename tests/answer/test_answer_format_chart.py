"""Value formatting (Babel), chart specs and warnings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest

from nexatron.answer import chart_spec, format_period, format_value, warnings
from nexatron.semantic.model import Format, OutputColumn, SemanticQuery, TimeRange, TimeSpec

USD = Format(kind="currency", currency="USD", decimals=2)
SALES = OutputColumn(name="sales", role="metric", ref="sales", label="Sales", format=USD)
REGION = OutputColumn(name="region", role="dimension", ref="region", label="Region")
CHANNEL = OutputColumn(name="channel", role="dimension", ref="channel", label="Channel")
MONTH = OutputColumn(name="month", role="time", ref="d", label="Month", grain="month")


@pytest.mark.parametrize(
    ("value", "fmt", "locale", "expected"),
    [
        (D("1284350"), USD, "en_US", "$1,284,350.00"),
        (
            1284350.456,
            Format(kind="currency", currency="EUR", decimals=2),
            "de_DE",
            "1.284.350,46\xa0€",
        ),
        (1284350, Format(kind="currency", currency="JPY", decimals=0), "en_US", "¥1,284,350"),
        (12.5, Format(kind="currency", currency="USD"), "en_US", "$12.50"),
        (0.342, Format(kind="percent", decimals=1), "en_US", "34.2%"),
        (0.5, Format(kind="percent"), "fr_FR", "50,0\xa0%"),
        (1234567, Format(kind="number"), "en_US", "1,234,567"),
        (D("1234.5678"), Format(kind="number", decimals=2), "en_US", "1,234.57"),
        (D("1234.5"), Format(kind="number"), "en_US", "1,234.50"),
        (None, USD, "en_US", "no value"),
        ("n/a", USD, "en_US", "n/a"),
        (float("nan"), USD, "en_US", "nan"),
        (True, Format(), "en_US", "True"),
        ("42.5", USD, "en_US", "$42.50"),
    ],
)
def test_format_value(value: Any, fmt: Format, locale: str, expected: str) -> None:
    assert format_value(value, fmt, locale) == expected


@pytest.mark.parametrize(
    ("grain", "expected"),
    [
        ("day", "Mar 5, 2026"),
        ("week", "week of Mar 5, 2026"),
        ("month", "Mar 2026"),
        ("quarter", "Q1 2026"),
        ("year", "2026"),
        (None, "Mar 5, 2026"),
    ],
)
def test_format_period(grain: Any, expected: str) -> None:
    assert format_period(dt.datetime(2026, 3, 5, 10, 0), grain) == expected


def test_no_chart_for_a_single_number_or_nothing() -> None:
    assert chart_spec([SALES], [[D("5")]]) is None
    assert chart_spec([REGION, SALES], []) is None
    assert chart_spec([REGION], [["x"]]) is None


def test_bar_chart_for_categories_sorted_and_capped() -> None:
    rows = [[f"r{i}", D(i)] for i in range(40)]
    spec = chart_spec([REGION, SALES], rows)
    assert spec is not None
    assert spec["$schema"] == "https://vega.github.io/schema/vega-lite/v5.json"
    assert spec["mark"] == {"type": "bar"}
    assert spec["encoding"]["x"] == {
        "field": "region",
        "type": "nominal",
        "title": "Region",
        "sort": "-y",
    }
    assert spec["encoding"]["y"]["axis"] == {"format": "$,.2f"}
    values = spec["data"]["values"]
    assert len(values) == 25
    assert values[0] == {"region": "r39", "sales": 39.0}
    assert spec["title"] == "Sales by Region"


def test_line_chart_for_time_series_bounded_to_500_points() -> None:
    start = dt.date(2020, 1, 1)
    rows = [[start + dt.timedelta(days=i), i] for i in range(800)]
    spec = chart_spec([MONTH, SALES], list(reversed(rows)))
    assert spec is not None
    assert spec["mark"]["type"] == "line"
    assert spec["encoding"]["x"]["type"] == "temporal"
    assert spec["encoding"]["x"]["timeUnit"] == "yearmonth"
    assert len(spec["data"]["values"]) == 500
    assert spec["data"]["values"][0] == {"month": "2020-01-01", "sales": 0}


def test_grouped_bars_for_two_dimensions_and_colored_lines() -> None:
    rows = [["EU", "online", 3], ["EU", "retail", 2], ["US", "online", 5]]
    spec = chart_spec([REGION, CHANNEL, SALES], rows)
    assert spec is not None
    assert spec["encoding"]["color"]["field"] == "channel"
    assert spec["encoding"]["xOffset"] == {"field": "channel"}
    lines = chart_spec([MONTH, REGION, SALES], [[dt.date(2026, 1, 1), "EU", 1]])
    assert lines is not None and lines["encoding"]["color"]["field"] == "region"


def test_warnings() -> None:
    plan = SemanticQuery(
        metrics=["sales"],
        time=TimeSpec(
            range=TimeRange(
                start=dt.date(2026, 7, 1), end=dt.date(2026, 10, 1), label="last quarter"
            )
        ),
    )
    rows = [["EU", 1], [None, 2], [None, 3]]
    assert warnings(plan, [REGION, SALES], rows, truncated=True) == [
        "Only the first 3 rows are shown; the full result is larger.",
        "Interpreted 'last quarter' as 2026-07-01 to 2026-09-30.",
        "2 rows have no Region.",
    ]
    assert warnings(SemanticQuery(metrics=["sales"]), [SALES], [[1]], truncated=False) == []


def test_an_entity_key_beside_its_name_only_separates_equal_names() -> None:
    key = OutputColumn(name="customer_id", role="dimension", ref="customer_id", label="Id")
    name = OutputColumn(name="full_name", role="dimension", ref="full_name", label="Name")
    rows = [[1, "Ann Lee", 4], [2, "Bo Chan", 3]]
    spec = chart_spec([key, name, SALES], rows, keys=["customer_id"])
    assert spec is not None and spec["encoding"]["x"]["field"] == "full_name"
    assert "color" not in spec["encoding"]
    same = chart_spec([key, name, SALES], [[1, "Ann Lee", 4], [3, "Ann Lee", 3]], ["customer_id"])
    assert same is not None and same["encoding"]["x"]["field"] == "full_name"
    assert same["encoding"]["xOffset"] == {"field": "customer_id"}
    # without knowing the key, two dimensions are two dimensions
    plain = chart_spec([key, name, SALES], rows)
    assert plain is not None and plain["encoding"]["x"]["field"] == "customer_id"
