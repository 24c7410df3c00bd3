"""Any input ends in a plan or a 4xx NexatronError, never another exception."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nexatron.errors import NexatronError
from nexatron.nlq import DateContext, Lexicon, understand
from nexatron.semantic.model import SemanticQuery

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
