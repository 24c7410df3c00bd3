"""Any input ends in a plan or a 4xx NexatronError, never another exception."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nexatron.errors import NexatronError
from nexatron.nlq import DateContext, Lexicon, understand
from nexatron.semantic.model import SemanticQuery

pytestmark = pytest.mark.slow

WORDS = [
    "revenue",
    "by",
    "channel",
    "top",
    "5",
    "last",
    "quarter",
    "Canada",
    "or",
    "not",
    "over",
    "$100",
    "and",
    "what",
    "about",
    "only",
    "instead",
    "between",
    "2024",
    "FY25",
    "suite",
    "how",
    "many",
    "average",
    "'",
    ";",
    "DROP",
    "--",
    "%",
    "per",
    "month",
    "the",
    "Q3",
    "since",
    "march",
    "without",
    "filter",
    "bookings",
    ">=",
    "k",
]
SQLISH = st.sampled_from(["' OR 1=1 --", "; DROP TABLE x", "SELECT * FROM guests", "1/0", "\\x00"])
TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(WORDS), max_size=14).map(" ".join),
    st.text(alphabet="!?.,;:-_()[]{}'\"", max_size=50),
    SQLISH,
    st.just(""),
)


def _ok(text: str, lex: Lexicon, ctx: DateContext, prev: SemanticQuery | None = None) -> None:
    try:
        understand(text, lex, ctx=ctx, previous=prev)
    except NexatronError as e:
        assert 400 <= e.status_code < 500


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=TEXT)
def test_any_input(text: str, lex: Lexicon, ctx: DateContext) -> None:
    _ok(text, lex, ctx)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=TEXT)
def test_any_follow_up(text: str, lex: Lexicon, ctx: DateContext) -> None:
    prev = SemanticQuery(metrics=["revenue"], dimensions=["channel"])
    _ok(text, lex, ctx, prev)


def test_huge_and_odd_inputs(lex: Lexicon, ctx: DateContext) -> None:
    for text in ["revenue " * 2000, "x" * 10_000, "🙂" * 500, "\x00\x01", "   ", "?!?!", "ß" * 300]:
        _ok(text, lex, ctx)


COLUMN_WORDS = [
    "highest",
    "lowest",
    "average",
    "minimum",
    "maximum",
    "median",
    "total",
    "earliest",
    "latest",
    "oldest",
    "cheapest",
    "most",
    "expensive",
    "amount",
    "booking",
    "check-in",
    "date",
    "how",
    "many",
    "different",
    "distinct",
    "countries",
    "guests",
    "with",
    "more",
    "than",
    "three",
    "one",
    "bookings",
    "list",
    "show",
    "all",
    "their",
    "names",
    "and",
    ",",
    "by",
    "channel",
    "which",
    "past",
    "30",
    "days",
    "inclusive",
    "of",
    "ago",
    "excluding",
    "today",
    "since",
    "start",
    "last",
    "month",
]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.lists(st.sampled_from(COLUMN_WORDS), min_size=1, max_size=12).map(" ".join))
def test_column_aggregates_listing_and_dates(text: str, lex: Lexicon, ctx: DateContext) -> None:
    """Aggregation words, distinct counts, thresholds, listings and qualified dates in any
    order: a plan that compiles and accounts for every word, or a 4xx."""
    from nexatron.nlq.accounting import unaccounted_words
    from nexatron.semantic.compiler import compile_query

    try:
        plan = understand(text, lex, ctx=ctx)
    except NexatronError as e:
        assert 400 <= e.status_code < 500
        return
    assert unaccounted_words(text, plan) == []
    try:
        compile_query(lex.layer, plan.query, "duckdb")
    except NexatronError as e:
        assert 400 <= e.status_code < 500
