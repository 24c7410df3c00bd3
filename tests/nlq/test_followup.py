"""Follow-ups start from the previous query and apply one change."""

from __future__ import annotations

from nexatron.nlq import DateContext, Lexicon, understand
from nexatron.semantic.model import SemanticQuery


def after(prev: SemanticQuery, text: str, lex: Lexicon, ctx: DateContext) -> SemanticQuery:
    plan = understand(text, lex, ctx=ctx, previous=prev)
    assert plan.is_follow_up
    return plan.query


def test_dimension_add_and_replace(lex: Lexicon, ctx: DateContext) -> None:
    base = understand("revenue by channel", lex, ctx=ctx).query
    assert after(base, "and by room type?", lex, ctx).dimensions == ["channel", "room_type"]
    assert after(base, "by country instead", lex, ctx).dimensions == ["country"]


def test_filters_add_replace_remove(lex: Lexicon, ctx: DateContext) -> None:
    base = understand("revenue by channel", lex, ctx=ctx).query
    only = after(base, "only Canada", lex, ctx)
    assert [(f.field, f.values) for f in only.filters] == [("country", ["Canada"])]
    other = after(only, "what about Germany instead?", lex, ctx)
    assert [(f.field, f.values) for f in other.filters] == [("country", ["Germany"])]
    assert other.dimensions == ["channel"]
    assert after(other, "without the filter", lex, ctx).filters == []


def test_range_grain_limit_and_metric(lex: Lexicon, ctx: DateContext) -> None:
    base = understand("top 3 channels by revenue this year", lex, ctx=ctx).query
    last = after(base, "what about last year?", lex, ctx)
    assert last.time is not None and last.time.range is not None
    assert str(last.time.range.start) == "2025-01-01"
    assert after(base, "top 10 instead", lex, ctx).limit == 10
    trend = after(understand("revenue in 2025", lex, ctx=ctx).query, "as a monthly trend", lex, ctx)
    assert trend.time is not None and trend.time.grain == "month"
    nights = after(base, "what about nights?", lex, ctx)
    assert nights.metrics == ["nights"]
    assert nights.order[0].field == "nights"


def test_fresh_question_is_not_a_follow_up(lex: Lexicon, ctx: DateContext) -> None:
    base = understand("revenue by channel", lex, ctx=ctx).query
    plan = understand("number of guests by country", lex, ctx=ctx, previous=base)
    assert not plan.is_follow_up
    assert plan.query.dimensions == ["country"]
