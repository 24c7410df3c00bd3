"""Rules found by the second blind round, on a small bike-share layer: own-table values over joined
booleans, negated filtered metrics, directions, follow-ups that change nothing, 'with and without',
kept filters of context metrics, compound nouns, plural context nouns, 'ranked', 'unique' in a
period, aggregation words on columns, and total-vs-average guesses."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from nexatron.nlq import Clarification, DateContext, Lexicon, Refusal, build_lexicon, understand
from nexatron.semantic.model import SemanticLayer

_RIDES = {"table": "rides", "time_dimension": "started_at"}
LAYER: dict[str, Any] = {
    "metrics": [
        {"name": "rides", "label": "Rides", "agg": "count", **_RIDES},
        {"name": "income", "label": "Income", "agg": "sum", "expr": "fare", **_RIDES},
        {"name": "avg_fare", "label": "Average fare", "agg": "avg", "expr": "fare", **_RIDES},
        {
            "name": "voided_rides",
            "label": "Voided rides",
            "agg": "count",
            "filter": [{"field": "status", "op": "=", "values": ["Voided"]}],
            **_RIDES,
        },
        {
            "name": "long_rides",
            "label": "Long rides",
            "agg": "count",
            "filter": [{"field": "ride_length", "op": ">", "values": [60]}],
            **_RIDES,
        },
        {"name": "total_duration_minutes", "agg": "sum", "expr": "duration_minutes", **_RIDES},
        {"name": "avg_duration_minutes", "agg": "avg", "expr": "duration_minutes", **_RIDES},
        {"name": "bikes_count", "label": "Bikes", "table": "bikes", "agg": "count"},
        {
            "name": "members_count",
            "label": "Members",
            "table": "members",
            "agg": "count",
            "time_dimension": "signup_date",
        },
    ],
    "dimensions": [
        {"name": "status", "label": "Ride status", "table": "rides", "expr": "status"},
        {"name": "plan", "label": "Plan", "table": "rides", "expr": "plan"},
        {"name": "end_station", "label": "End station", "table": "rides", "expr": "end_code"},
        {"name": "started_at", "label": "Start time", "type": "time", "table": "rides"}
        | {"expr": "started_at"},
        {"name": "ride_length", "label": "Ride length", "type": "number", "table": "rides"}
        | {"expr": "duration_minutes"},
        {"name": "distance", "label": "Distance", "type": "number", "table": "rides"}
        | {"expr": "distance_km"},
        {"name": "bike_model", "label": "Bike model", "table": "bikes", "expr": "model"},
        {"name": "damaged", "label": "Damaged", "type": "boolean", "table": "bikes"}
        | {"expr": "damaged"},
        {"name": "station", "label": "Station", "table": "stations", "expr": "station_name"},
        {"name": "city", "label": "City", "table": "stations", "expr": "city"},
        {"name": "station_country", "label": "Station country", "table": "stations"}
        | {"expr": "country"},
        {"name": "kiosk", "label": "Has kiosk", "synonyms": ["kiosk"], "type": "boolean"}
        | {"table": "stations", "expr": "has_kiosk"},
        {"name": "member_country", "label": "Member country", "table": "members"}
        | {"expr": "country"},
        {"name": "signup_date", "label": "Signup date", "type": "time", "table": "members"}
        | {"expr": "signup_date"},
    ],
    "relationships": [
        {"from_table": "rides", "from_columns": ["bike_id"], "to_table": "bikes"}
        | {"to_columns": ["bike_id"]},
        {"from_table": "rides", "from_columns": ["start_station_id"], "to_table": "stations"}
        | {"to_columns": ["station_id"]},
        {"from_table": "rides", "from_columns": ["member_id"], "to_table": "members"}
        | {"to_columns": ["member_id"]},
    ],
}
VALUES = {
    "status": ["Completed", "Voided", "Damaged"],
    "plan": ["Casual", "Annual"],
    "end_station": ["HBR", "MKT"],
    "bike_model": ["Classic", "Cargo"],
    "station": ["Harbour", "Market Square"],
    "city": ["Lisbon", "Porto"],
    "station_country": ["Portugal"],
    "member_country": ["Portugal", "Spain"],
}


@pytest.fixture(scope="module")
def bikes() -> Lexicon:
    return build_lexicon(SemanticLayer.model_validate(LAYER), VALUES)


@pytest.fixture(scope="module")
def ctx() -> DateContext:
    return DateContext(now=dt.datetime(2026, 3, 15, 12, tzinfo=dt.UTC))


def ask(text: str, lex: Lexicon, ctx: DateContext, *before: str) -> dict[str, Any]:
    prev = None
    for b in before:
        prev = understand(b, lex, ctx=ctx, previous=prev).query
    plan = understand(text, lex, ctx=ctx, previous=prev)
    return plan.query.model_dump(exclude_defaults=True, mode="json")


def filters(q: dict[str, Any]) -> dict[str, tuple[str, list[Any]]]:
    return {f["field"]: (f.get("op", "="), f["values"]) for f in q.get("filters", [])}


def test_value_on_the_metrics_own_table_beats_a_joined_boolean(
    bikes: Lexicon, ctx: DateContext
) -> None:
    assert filters(ask("damaged rides last month", bikes, ctx)) == {"status": ("=", ["Damaged"])}
    assert filters(ask("damaged bikes", bikes, ctx)) == {"damaged": ("=", [True])}


def test_excluding_a_filtered_metric_negates_its_filter(bikes: Lexicon, ctx: DateContext) -> None:
    q = ask("excluding voided rides", bikes, ctx, "rides by bike model this year")
    assert q["metrics"] == ["rides"] and q["dimensions"] == ["bike_model"]
    assert filters(q) == {"status": ("!=", ["Voided"])}
    q = ask("average fare last month excluding voided rides", bikes, ctx)
    assert q["metrics"] == ["avg_fare"] and filters(q) == {"status": ("!=", ["Voided"])}
    for text in ["income excluding long rides", "excluding voided rides"]:
        with pytest.raises(Refusal):
            understand(text, bikes, ctx=ctx)


def test_direction_must_agree_with_the_dimension(bikes: Lexicon, ctx: DateContext) -> None:
    assert filters(ask("rides to HBR", bikes, ctx)) == {"end_station": ("=", ["HBR"])}
    assert filters(ask("rides from Lisbon", bikes, ctx)) == {"city": ("=", ["Lisbon"])}
    assert filters(ask("rides departing Lisbon", bikes, ctx)) == {"city": ("=", ["Lisbon"])}
    for text in ["rides to Lisbon", "rides from HBR", "rides arriving at Porto"]:
        with pytest.raises(Refusal):
            understand(text, bikes, ctx=ctx)


def test_value_narrowed_to_dimensions_the_metric_reaches(bikes: Lexicon, ctx: DateContext) -> None:
    q = ask("members from Portugal", bikes, ctx)
    assert filters(q) == {"member_country": ("=", ["Portugal"])}


def test_follow_up_top_one_and_follow_up_changing_nothing(bikes: Lexicon, ctx: DateContext) -> None:
    first = "top 3 bike models by income"
    for text in ["just the top one", "the top one", "top one", "just the top"]:
        assert ask(text, bikes, ctx, first)["limit"] == 1
    with pytest.raises(Refusal):
        ask("and then", bikes, ctx, first)


def test_with_and_without_groups_by_the_boolean(bikes: Lexicon, ctx: DateContext) -> None:
    q = ask("compare income of stations with and without a kiosk", bikes, ctx)
    assert q["dimensions"] == ["kiosk"] and "filters" not in q


def test_context_metric_keeps_its_filter(bikes: Lexicon, ctx: DateContext) -> None:
    q = ask("average fare for voided rides in Porto", bikes, ctx)
    assert q["metrics"] == ["avg_fare"]
    assert filters(q) == {"status": ("=", ["Voided"]), "city": ("=", ["Porto"])}


def test_generic_noun_against_a_name_is_refused(bikes: Lexicon, ctx: DateContext) -> None:
    for text in ["table income time by station", "income level by city"]:
        with pytest.raises(Refusal) as e:
            understand(text, bikes, ctx=ctx)
        assert any("income" in u for u in e.value.detail["unmatched"])
    assert ask("income over time", bikes, ctx)["time"] == {"grain": "month"}


def test_plural_noun_after_the_metric_is_context_not_a_grouping(
    bikes: Lexicon, ctx: DateContext
) -> None:
    q = ask("income for stations with a kiosk", bikes, ctx)
    assert "dimensions" not in q and filters(q) == {"kiosk": ("=", [True])}
    assert ask("income by station", bikes, ctx)["dimensions"] == ["station"]
    q = ask("income per station ranked", bikes, ctx)
    assert q["dimensions"] == ["station"] and q["order"] == [{"field": "income", "desc": True}]
    with pytest.raises(Refusal):
        understand("income for stations", bikes, ctx=ctx)


def test_unique_in_a_period_is_not_a_row_count(bikes: Lexicon, ctx: DateContext) -> None:
    with pytest.raises(Refusal):
        understand("unique members in 2025", bikes, ctx=ctx)
    assert ask("unique members", bikes, ctx)["metrics"] == ["members_count"]


def test_aggregation_word_on_a_column(bikes: Lexicon, ctx: DateContext) -> None:
    assert ask("average ride length by city", bikes, ctx)["metrics"] == ["avg_duration_minutes"]
    assert ask("total ride length", bikes, ctx)["metrics"] == ["total_duration_minutes"]
    # no metric averages the distance: an ad-hoc aggregate of the column
    assert ask("average distance for casual rides", bikes, ctx)["aggregates"] == [
        {"agg": "avg", "dimension": "distance"}
    ]


def test_bare_word_for_a_total_and_an_average_is_asked(bikes: Lexicon, ctx: DateContext) -> None:
    with pytest.raises(Clarification) as e:
        understand("durations by city", bikes, ctx=ctx)
    names = {c["metric"] for c in e.value.detail["candidates"]}
    assert names == {"total_duration_minutes", "avg_duration_minutes"}
