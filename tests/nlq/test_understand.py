"""The parser on each class of question: what it maps, and what it refuses."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from nexatron.nlq import Clarification, DateContext, Lexicon, Refusal, WriteRefused, understand


def q(text: str, lex: Lexicon, ctx: DateContext) -> dict[str, Any]:
    return understand(text, lex, ctx=ctx).query.model_dump(exclude_defaults=True, mode="json")


def test_metric_and_group_by(lex: Lexicon, ctx: DateContext) -> None:
    assert q("revenue by room type", lex, ctx) == {
        "metrics": ["revenue"],
        "dimensions": ["room_type"],
    }
    assert q("sales per channel and room", lex, ctx)["dimensions"] == ["channel", "room_type"]


def test_counting_and_aggregation_cues(lex: Lexicon, ctx: DateContext) -> None:
    assert q("how many bookings", lex, ctx)["metrics"] == ["bookings_count"]
    assert q("number of guests", lex, ctx)["metrics"] == ["guests_count"]
    assert q("average booking value by channel", lex, ctx)["metrics"] == ["avg_booking_value"]
    with pytest.raises(Refusal) as e:
        understand("average revenue", lex, ctx=ctx)
    assert "average" in e.value.detail["message"]


def test_several_metrics(lex: Lexicon, ctx: DateContext) -> None:
    assert q("revenue and nights by channel", lex, ctx)["metrics"] == ["revenue", "nights"]


def test_time_range_grain_and_explanation(lex: Lexicon, ctx: DateContext) -> None:
    plan = understand("monthly revenue last quarter", lex, ctx=ctx)
    assert plan.query.time is not None
    assert plan.query.time.grain == "month"
    assert plan.query.time.range is not None
    assert (plan.query.time.range.start, plan.query.time.range.end) == (
        dt.date(2025, 10, 1),
        dt.date(2026, 1, 1),
    )
    assert plan.time_range_text == "last quarter: 2025-10-01 to 2025-12-31"
    kinds = {(e.text, e.kind, e.target) for e in plan.explanation}
    assert ("revenue", "metric", "revenue") in kinds
    assert ("monthly", "grain", "month") in kinds


def test_time_dimension_named_in_question(lex: Lexicon, ctx: DateContext) -> None:
    query = q("bookings by check-in date in 2025", lex, ctx)
    assert query["time"]["dimension"] == "checkin_date"
    assert query["time"]["grain"] == "day"


def test_value_filters_negation_and_alternatives(lex: Lexicon, ctx: DateContext) -> None:
    assert q("revenue in Canada", lex, ctx)["filters"] == [
        {"field": "country", "values": ["Canada"]}
    ]
    assert q("revenue excluding Canada", lex, ctx)["filters"] == [
        {"field": "country", "op": "!=", "values": ["Canada"]}
    ]
    assert q("revenue other than Germany or France", lex, ctx)["filters"] == [
        {"field": "country", "op": "not_in", "values": ["Germany", "France"]}
    ]
    assert q("revenue online or by phone", lex, ctx)["filters"] == [
        {"field": "channel", "op": "in", "values": ["Online", "Phone"]}
    ]


def test_forgiving_value_matching(lex: Lexicon, ctx: DateContext) -> None:
    us = {"field": "country", "values": ["United States"]}
    assert q("US revenue", lex, ctx)["filters"] == [us]
    assert q("revenue from American guests", lex, ctx)["filters"] == [us]
    assert q("revenue from german guests", lex, ctx)["filters"] == [
        {"field": "country", "values": ["Germany"]}
    ]
    assert q("revenue via travel agents", lex, ctx)["filters"] == [
        {"field": "channel", "values": ["Travel Agent"]}
    ]
    assert q("revenu in Germny", lex, ctx)["filters"] == [
        {"field": "country", "values": ["Germany"]}
    ]


def test_ranking(lex: Lexicon, ctx: DateContext) -> None:
    top = q("top 3 countries by revenue", lex, ctx)
    assert (top["order"], top["limit"]) == ([{"field": "revenue", "desc": True}], 3)
    assert q("bottom 2 channels by nights", lex, ctx)["order"] == [{"field": "nights"}]
    which = q("which channel had the most bookings", lex, ctx)
    assert (which["dimensions"], which["limit"]) == (["channel"], 1)
    best = q("best month for revenue in 2025", lex, ctx)
    assert (best["time"]["grain"], best["limit"]) == ("month", 1)


def test_thresholds(lex: Lexicon, ctx: DateContext) -> None:
    having = q("countries with revenue above 10k", lex, ctx)
    assert having["metric_filters"] == [{"field": "revenue", "op": ">", "values": [10000]}]
    row = q("bookings over $500", lex, ctx)
    assert row["filters"] == [{"field": "amount", "op": ">", "values": [500]}]
    assert q("bookings with a booking amount of at least 200", lex, ctx)["filters"] == [
        {"field": "amount", "op": ">=", "values": [200]}
    ]


@pytest.mark.parametrize(
    "text",
    [
        "revenue by favourite colour",
        "profit by channel",
        "revenue by state",
        "churn last month",
        "bookings 42",
        "how many guests by eye colour",
    ],
)
def test_partly_understood_is_refused(text: str, lex: Lexicon, ctx: DateContext) -> None:
    with pytest.raises(Refusal) as e:
        understand(text, lex, ctx=ctx)
    assert e.value.status_code == 422
    assert e.value.detail["unmatched"] or e.value.detail["message"]
    assert "metrics" in e.value.detail["suggestions"]


def test_refusal_names_words_and_suggests(lex: Lexicon, ctx: DateContext) -> None:
    with pytest.raises(Refusal) as e:
        understand("revenue by favourite colour", lex, ctx=ctx)
    assert e.value.detail["unmatched"] == ["favourite", "colour"]
    assert "revenue" in e.value.detail["suggestions"]["metrics"]


def test_ambiguous_value_asks(lex: Lexicon, ctx: DateContext) -> None:
    with pytest.raises(Clarification) as e:
        understand("revenue for suite", lex, ctx=ctx)
    cands = e.value.detail["candidates"]
    assert {(c["dimension"], c["value"]) for c in cands} == {
        ("tier", "Suite"),
        ("room_type", "Suite"),
    }
    assert e.value.detail["ambiguous"] == "suite"
    settled = q("revenue for the suite room type", lex, ctx)
    assert settled["filters"] == [{"field": "room_type", "values": ["Suite"]}]
    assert "dimensions" not in settled


@pytest.mark.parametrize(
    "text",
    [
        "delete all bookings",
        "DROP TABLE bookings",
        "update revenue for March to 0",
        "please insert a booking",
        "truncate guests",
        "revenue; drop table guests",
    ],
)
def test_writes_refused(text: str, lex: Lexicon, ctx: DateContext) -> None:
    with pytest.raises(WriteRefused):
        understand(text, lex, ctx=ctx)


def test_ranking_without_breakdown_is_refused(lex: Lexicon, ctx: DateContext) -> None:
    with pytest.raises(Refusal):
        understand("highest revenue", lex, ctx=ctx)


def test_typos_are_reported(lex: Lexicon, ctx: DateContext) -> None:
    plan = understand("revnue by chanel", lex, ctx=ctx)
    assert plan.query.dimensions == ["channel"]
    assert any("revnue" in a for a in plan.assumptions)


def test_refusal_and_clarification_details_keep_the_422_shape() -> None:
    """One constructor builds every refusal and clarification body (issue 19)."""
    from nexatron.nlq.errors import Clarification, Refusal, clarification, refusal

    bare = refusal("Which metric?")
    assert isinstance(bare, Refusal)
    assert bare.status_code == 422
    assert bare.detail == {
        "message": "Which metric?",
        "unmatched": [],
        "suggestions": {"metrics": [], "dimensions": []},
    }
    full = refusal(
        "x", unmatched=("a",), suggestions={"metrics": ["m"], "dimensions": []}, ambiguous="a"
    )
    assert full.detail == {
        "message": "x",
        "unmatched": ["a"],
        "suggestions": {"metrics": ["m"], "dimensions": []},
        "ambiguous": "a",
    }
    asked = clarification(
        "Rank by which metric?", ambiguous="order", candidates=[{"kind": "metric"}]
    )
    assert isinstance(asked, Clarification)
    assert asked.detail == {
        "message": "Rank by which metric?",
        "ambiguous": "order",
        "candidates": [{"kind": "metric"}],
    }
