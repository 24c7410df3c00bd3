"""Regression tests for the never-confidently-wrong rules, on a small lending-library layer."""

from __future__ import annotations

import datetime as dt

import pytest

from nexatron.evaluation.run import QuestionResult, _report
from nexatron.nlq import DateContext, Lexicon, build_lexicon
from nexatron.nlq.errors import Clarification, Refusal
from nexatron.nlq.understand import understand
from nexatron.semantic.model import SemanticLayer, SemanticQuery

LAYER = {
    "metrics": [
        {
            "name": "loans_count",
            "label": "Loans",
            "table": "loans",
            "agg": "count",
            "time_dimension": "loaned_on",
        },
        {
            "name": "late_fees",
            "label": "Late fees",
            "table": "loans",
            "agg": "sum",
            "expr": "fee",
            "time_dimension": "loaned_on",
        },
        {
            "name": "avg_fee",
            "label": "Average late fee",
            "table": "loans",
            "agg": "avg",
            "expr": "fee",
            "time_dimension": "loaned_on",
        },
        {
            "name": "avg_overdue",
            "label": "Average overdue time",
            "synonyms": ["overdue time"],
            "table": "loans",
            "agg": "avg",
            "expr": "days_overdue",
            "time_dimension": "loaned_on",
        },
        {
            "name": "members_count",
            "label": "Number of members",
            "table": "members",
            "agg": "count",
            "time_dimension": "joined_on",
        },
        {
            "name": "active_members",
            "label": "Active members",
            "synonyms": ["unique members"],
            "table": "loans",
            "agg": "count_distinct",
            "expr": "member_id",
            "time_dimension": "loaned_on",
        },
    ],
    "dimensions": [
        {"name": "member_name", "label": "Member name", "table": "members", "expr": "name"},
        {"name": "city", "label": "City", "table": "members", "expr": "city"},
        {
            "name": "premium",
            "label": "Premium",
            "type": "boolean",
            "table": "members",
            "expr": "premium",
        },
        {"name": "genre", "label": "Genre", "table": "books", "expr": "genre"},
        {"name": "format", "label": "Format", "table": "books", "expr": "format"},
        {
            "name": "loan_status",
            "label": "Loan status",
            "synonyms": ["status"],
            "table": "loans",
            "expr": "status",
        },
        {
            "name": "loaned_on",
            "label": "Loan date",
            "type": "time",
            "table": "loans",
            "expr": "loaned_on",
        },
        {
            "name": "joined_on",
            "label": "Join date",
            "type": "time",
            "table": "members",
            "expr": "joined_on",
        },
        {
            "name": "days_overdue",
            "label": "Overdue time",
            "type": "number",
            "table": "loans",
            "expr": "days_overdue",
        },
    ],
    "relationships": [
        {
            "from_table": "loans",
            "from_columns": ["member_id"],
            "to_table": "members",
            "to_columns": ["id"],
        },
        {
            "from_table": "loans",
            "from_columns": ["book_id"],
            "to_table": "books",
            "to_columns": ["id"],
        },
    ],
}
VALUES = {
    "city": ["Springfield", "Shelbyville"],
    "genre": ["Mystery", "Poetry", "Science Fiction"],
    "format": ["Hardcover", "Paperback", "Audiobook"],
    "loan_status": ["Returned", "Overdue"],
    "member_name": ["Ms. Alvarez", "Mr. Brooks", "Mr. Alvarez Jr"],
}


@pytest.fixture(scope="module")
def lib() -> Lexicon:
    return build_lexicon(SemanticLayer.model_validate(LAYER), VALUES)


CTX = DateContext(now=dt.datetime(2026, 3, 15, 12, tzinfo=dt.UTC))


def ask(q: str, lex: Lexicon) -> SemanticQuery:
    return understand(q, lex, ctx=CTX).query


def filters(q: SemanticQuery) -> dict[str, tuple[str, list[object]]]:
    return {f.field: (f.op, f.values) for f in q.filters}


def test_boolean_qualifier_filters_and_by_groups(lib: Lexicon) -> None:
    q = ask("late fees from premium members", lib)
    assert q.metrics == ["late_fees"] and q.dimensions == []
    assert filters(q) == {"premium": ("=", [True])}
    assert ask("late fees by premium", lib).dimensions == ["premium"]


@pytest.mark.parametrize(
    "question",
    [
        "late fees from members that are not premium",
        "late fees from non-premium members",
        "late fees from members without premium",
    ],
)
def test_negated_boolean_is_false(question: str, lib: Lexicon) -> None:
    q = ask(question, lib)
    assert filters(q) == {"premium": ("=", [False])} and q.dimensions == []


def test_unattached_negator_refuses(lib: Lexicon) -> None:
    with pytest.raises(Refusal):
        ask("late fees not by genre", lib)


def test_metrics_combine_only_when_joined(lib: Lexicon) -> None:
    assert ask("loans and late fees in 2025", lib).metrics == ["loans_count", "late_fees"]
    with pytest.raises(Refusal):
        ask("number of members active last year", lib)


def test_entity_before_by_metric_is_the_grouping(lib: Lexicon) -> None:
    q = ask("members by late fees", lib)
    assert q.metrics == ["late_fees"] and q.dimensions == ["member_name"]


def test_top_n_things_by_a_metric_word_ranks(lib: Lexicon) -> None:
    q = ask("top 3 genres by loans", lib)
    assert q.metrics == ["loans_count"] and q.dimensions == ["genre"] and q.limit == 3
    assert q.order and q.order[0].field == "loans_count"


def test_noun_heading_a_filter_is_context(lib: Lexicon) -> None:
    q = ask("loans for springfield members by genre", lib)
    assert q.metrics == ["loans_count"] and q.dimensions == ["genre"]
    assert filters(q) == {"city": ("=", ["Springfield"])}


def test_naming_dimension_needs_by(lib: Lexicon) -> None:
    q = ask("average late fee for springfield members with premium", lib)
    assert q.dimensions == [] and q.metrics == ["avg_fee"]


def test_versus_keeps_values_apart(lib: Lexicon) -> None:
    q = ask("loans of mystery vs poetry", lib)
    assert q.dimensions == ["genre"]
    assert filters(q) == {"genre": ("in", ["Mystery", "Poetry"])}


def test_per_row_is_not_a_grain(lib: Lexicon) -> None:
    q = ask("average late fee per loan by genre", lib)
    assert q.metrics == ["avg_fee"] and q.dimensions == ["genre"]
    assert q.time is None or q.time.grain is None


def test_row_measure_threshold_is_a_row_filter(lib: Lexicon) -> None:
    q = ask("average late fee for loans with overdue time over 10", lib)
    assert q.metrics == ["avg_fee"] and not q.metric_filters
    assert [(f.field, f.op, f.values) for f in q.filters] == [("days_overdue", ">", [10])]


def test_partial_values(lib: Lexicon) -> None:
    assert filters(ask("loans of audio books", lib)) == {"format": ("=", ["Audiobook"])}
    assert filters(ask("loans for Brooks", lib)) == {"member_name": ("=", ["Mr. Brooks"])}
    with pytest.raises(Clarification):
        ask("loans for Alvarez", lib)


def test_truncated_stem_is_not_a_match(lib: Lexicon) -> None:
    assert lib.truncated("genr") and not lib.truncated("genre")


@pytest.mark.parametrize("question", ["loans by day of week", "loans per hour", "weekday loans"])
def test_date_parts_refused(question: str, lib: Lexicon) -> None:
    with pytest.raises(Refusal):
        ask(question, lib)


def test_half_year(lib: Lexicon) -> None:
    q = ask("late fees in the first half of 2025", lib)
    assert q.time and q.time.range
    assert (str(q.time.range.start), str(q.time.range.end)) == ("2025-01-01", "2025-07-01")


def test_which_singular_most_is_one_row(lib: Lexicon) -> None:
    assert ask("which status brings in the most late fees", lib).limit == 1


def test_activity_verb_on_a_table_of_things_asks(lib: Lexicon) -> None:
    with pytest.raises(Clarification) as e:
        ask("how many members did we see last month", lib)
    assert {c["metric"] for c in e.value.detail["candidates"]} == {
        "members_count",
        "active_members",
    }
    assert ask("how many members do we have", lib).metrics == ["members_count"]


def test_report_counts_errors_and_cascades() -> None:
    rs = [
        QuestionResult(id="a", question="x", answerable=True, outcome="error"),
        QuestionResult(id="b", question="y", answerable=True, outcome="cascade"),
        QuestionResult(id="c", question="z", answerable=True, outcome="match"),
    ]
    r = _report("t", rs)
    assert (r.errors, r.cascaded, r.over_refused, r.confidently_wrong) == (1, 1, 0, 0)
