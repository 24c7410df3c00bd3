"""Property tests: the guard answers with a tree or GuardRejected, is idempotent, and
check_expression accepts every tree check_sql returns."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlglot import exp

from nexatron.guard import GuardRejected, check_expression, check_sql

from .guard_support import CORPUS

pytestmark = pytest.mark.slow

DIALECTS = ["postgres", "mysql", "duckdb", "sqlite", "tsql", "snowflake", "bigquery", "clickhouse"]
FRAGMENTS = [
    "SELECT",
    "WITH",
    "x AS (",
    ")",
    "(",
    "FROM",
    "accounts",
    "audit",
    "WHERE",
    "id",
    "=",
    "1",
    ";",
    "--",
    "/*",
    "*/",
    "'",
    '"',
    "`",
    "DELETE",
    "INTO",
    "UNION",
    "INSERT",
    "pg_sleep(1)",
    "read_csv('x')",
    ",",
    "*",
    "ORDER BY",
    "LIMIT",
    "FOR UPDATE",
    "$$",
    "\\",
    "\n",
    "@@x",
    "?",
    "CASE WHEN",
    "END",
    "OVER (",
    "PARTITION BY",
    "sum(",
    "count(*)",
    "JOIN",
    "ON",
    "::int",
]
sql_like = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=14).map(" ".join)
mutated = st.tuples(
    st.sampled_from([a["sql"] for a in CORPUS]), st.integers(0, 200), st.text(max_size=4)
).map(lambda t: t[0][: t[1]] + t[2] + t[0][t[1] :])
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(sql: str, dialect: str) -> None:
    try:
        result = check_sql(sql, dialect, allowed_tables={"accounts", "audit"})
    except GuardRejected:
        return
    assert isinstance(result, exp.Query)
    check_expression(result, dialect, allowed_tables={"accounts", "audit"})  # same verdict
    regenerated = result.sql(dialect=dialect, comments=False)
    again = check_sql(regenerated, dialect, allowed_tables={"accounts", "audit"})
    assert again.sql(dialect=dialect) == regenerated


@FAST
@given(st.text(max_size=200), st.sampled_from(DIALECTS))
def test_arbitrary_text(sql: str, dialect: str) -> None:
    _check(sql, dialect)


@FAST
@given(sql_like, st.sampled_from(DIALECTS))
def test_sql_like_fragments(sql: str, dialect: str) -> None:
    _check(sql, dialect)


@FAST
@given(mutated, st.sampled_from(DIALECTS))
def test_mutated_attacks(sql: str, dialect: str) -> None:
    _check(sql, dialect)


@pytest.mark.parametrize(
    ("sql", "dialect"),
    [
        ("SELECT @\n@version", "mysql"),  # printed back as @@version (a session variable)
        ("SELECT @\n@version", "postgres"),  # printed back as $$version (a dollar quote)
        ("SELECT ¡@@version", "postgres"),  # an unquoted `¡` the printer would not reproduce
        ("SELECT @¡@version", "postgres"),
        ("SELECT $1", "postgres"),
        ("SELECT * FROM accounts WHERE id = ?", "mysql"),
    ],
)
def test_found_by_fuzzing_parameters_and_odd_leaves_are_refused(sql: str, dialect: str) -> None:
    with pytest.raises(GuardRejected):
        check_sql(sql, dialect, allowed_tables={"accounts", "audit"})
