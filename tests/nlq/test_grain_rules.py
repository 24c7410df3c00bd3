"""Rules from the third blind round on a small subscription layer: bare grain adverbs that are also
values, row-level number thresholds without a breakdown, count nouns as groupings, 'how many
<noun> <verb>ed', and refusal wording."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from nexatron.nlq import Clarification, DateContext, Lexicon, Refusal, build_lexicon, understand
from nexatron.semantic.model import SemanticLayer

_SUBS = {"table": "subs", "time_dimension": "started_on"}
LAYER: dict[str, Any] = {
    "metrics": [
        {"name": "subs_count", "label": "Subscriptions", "agg": "count", **_SUBS},
        {"name": "mrr", "label": "Monthly recurring revenue", "synonyms": ["mrr"]}
        | {"agg": "sum", "expr": "price", **_SUBS},
        {"name": "avg_price", "label": "Average price", "agg": "avg", "expr": "price", **_SUBS},
        {"name": "sites", "label": "Sites", "table": "sites", "agg": "count"},
        {"name": "readers", "label": "Readers", "table": "readers", "agg": "count"}
        | {"time_dimension": "registered_on"},
    ],
    "dimensions": [
        {"name": "billing_cycle", "label": "Billing cycle", "table": "subs", "expr": "cycle"},
        {"name": "tier", "label": "Tier", "table": "subs", "expr": "tier"},
        {"name": "price", "label": "Price", "type": "number", "table": "subs", "expr": "price"},
        {"name": "seats", "label": "Seats", "type": "number", "table": "subs", "expr": "seats"},
        {"name": "started_on", "label": "Start date", "type": "time", "table": "subs"}
        | {"expr": "started_on"},
        {"name": "site", "label": "Site", "table": "sites", "expr": "site_name"},
        {"name": "registered_on", "label": "Registration date", "type": "time"}
        | {"table": "readers", "expr": "registered_on"},
        {"name": "reader_country", "label": "Country", "table": "readers", "expr": "country"},
    ],
    "relationships": [
        {"from_table": "subs", "from_columns": ["reader_id"], "to_table": "readers"}
        | {"to_columns": ["reader_id"]},
        {"from_table": "readers", "from_columns": ["home_site_id"], "to_table": "sites"}
        | {"to_columns": ["site_id"]},
    ],
}
VALUES = {
    "billing_cycle": ["Monthly", "Annual"],
    "tier": ["Basic", "Pro"],
    "site": ["North", "South"],
    "reader_country": ["France", "Spain"],
}


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return build_lexicon(SemanticLayer.model_validate(LAYER), VALUES)


@pytest.fixture(scope="module")
def ctx() -> DateContext:
    return DateContext(now=dt.datetime(2026, 3, 15, 12, tzinfo=dt.UTC))


def ask(text: str, lex: Lexicon, ctx: DateContext) -> dict[str, Any]:
    return understand(text, lex, ctx=ctx).query.model_dump(exclude_defaults=True, mode="json")


def filters(q: dict[str, Any]) -> dict[str, tuple[str, list[Any]]]:
    return {f["field"]: (f.get("op", "="), f["values"]) for f in q.get("filters", [])}


def test_bare_grain_adverb_is_a_grain_not_a_value(lex: Lexicon, ctx: DateContext) -> None:
    for text in ["monthly mrr in 2025", "monthly subscriptions in 2025", "yearly subscriptions"]:
        q = ask(text, lex, ctx)
        assert filters(q) == {} and q["time"]["grain"] in {"month", "year"}, text
    for text in ["mrr for monthly billing", "billing cycle monthly subscriptions"]:
        assert filters(ask(text, lex, ctx)) == {"billing_cycle": ("=", ["Monthly"])}, text
    with pytest.raises(Clarification):
        understand("subscriptions on the annual", lex, ctx=ctx)


def test_row_threshold_without_breakdown_filters_rows(lex: Lexicon, ctx: DateContext) -> None:
    price = {"price": (">", [40])}
    q = ask("subscriptions priced above 40", lex, ctx)
    assert q["metrics"] == ["subs_count"] and filters(q) == price
    q = ask("average price of subscriptions priced above 40", lex, ctx)
    assert q["metrics"] == ["avg_price"] and filters(q) == price
    q = ask("subscriptions with 4 or more seats", lex, ctx)
    assert q["metrics"] == ["subs_count"] and filters(q) == {"seats": (">=", [4])}
    q = ask("subscriptions with at least 4 seats", lex, ctx)
    assert filters(q) == {"seats": (">=", [4])} and "metric_filters" not in q
    q = ask("tiers with more than 4 subscriptions", lex, ctx)
    assert q["dimensions"] == ["tier"] and q["metric_filters"][0]["field"] == "subs_count"


def test_count_noun_groups_when_another_metric_is_named(lex: Lexicon, ctx: DateContext) -> None:
    q = ask("bottom 2 sites by readers", lex, ctx)
    assert q["metrics"] == ["readers"] and q["dimensions"] == ["site"] and q["limit"] == 2
    q = ask("sites with more than 10 readers", lex, ctx)
    assert q["metrics"] == ["readers"] and q["dimensions"] == ["site"]
    assert q["metric_filters"] == [{"field": "readers", "op": ">", "values": [10]}]
    q = ask("readers by home site", lex, ctx)
    assert q["metrics"] == ["readers"] and q["dimensions"] == ["site"]
    with pytest.raises(Refusal):
        understand("readers by away site", lex, ctx=ctx)


def test_how_many_noun_verbed_counts_the_table_by_its_date(lex: Lexicon, ctx: DateContext) -> None:
    q = ask("how many readers registered in 2025", lex, ctx)
    assert q["metrics"] == ["readers"] and q["time"]["dimension"] == "registered_on"
    assert q["time"]["range"]["start"] == "2025-01-01"


def test_refusal_wording_names_why_and_unknown_words(lex: Lexicon, ctx: DateContext) -> None:
    with pytest.raises(Refusal) as why:
        understand("why did mrr drop in 2025", lex, ctx=ctx)
    assert why.value.detail["unmatched"] == ["why"]
    with pytest.raises(Refusal) as unknown:
        understand("churn price by tier", lex, ctx=ctx)
    assert unknown.value.detail["unmatched"] == ["churn"]


def test_a_verb_naming_another_date_of_the_table_takes_the_range() -> None:
    """'listings sold in 2025' ranges over sold_on, not the default listed_on; plain 'listings
    in 2025' keeps the default."""
    import datetime as dt

    from nexatron.nlq import DateContext, build_lexicon, understand
    from nexatron.semantic.model import Dimension, Metric, SemanticLayer

    layer = SemanticLayer(
        metrics=[Metric(name="listings_count", label="Number of listings", table="listings",
                        agg="count", time_dimension="listed_on")],
        dimensions=[
            Dimension(name="status", table="listings", expr="status"),
            Dimension(name="listed_on", table="listings", expr="listed_on", type="time"),
            Dimension(name="sold_on", table="listings", expr="sold_on", type="time"),
        ],
    )  # fmt: skip
    lex = build_lexicon(layer, {"status": ["Sold", "Active"]})
    ctx = DateContext(now=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    sold = understand("number of listings sold in 2025", lex, ctx=ctx).query
    assert sold.time is not None and sold.time.dimension == "sold_on"
    plain = understand("number of listings in 2025", lex, ctx=ctx).query
    assert plain.time is not None and plain.time.dimension is None  # the metric's default
