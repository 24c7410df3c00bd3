"""Table allowlist matching, row cap, and regenerated SQL."""

from __future__ import annotations

import duckdb
import pytest

from nexatron.guard import GuardRejected, check_sql, enforce_row_cap


@pytest.mark.parametrize(
    ("sql", "allowed"),
    [
        ("SELECT * FROM Orders", {"orders"}),
        ("SELECT * FROM public.orders", {"orders"}),
        ("SELECT * FROM orders", {"PUBLIC.ORDERS"}),
        ('SELECT * FROM "public"."Orders"', {"public.orders"}),
        ("SELECT * FROM analytics.public.orders", {"public.orders"}),
        ("WITH recent AS (SELECT * FROM orders) SELECT * FROM recent", {"orders"}),
        ("SELECT * FROM information_schema.tables", {"information_schema.tables"}),
    ],
)
def test_allowed_tables_match_case_insensitively_with_or_without_schema(
    sql: str, allowed: set[str]
) -> None:
    check_sql(sql, "postgres", allowed_tables=allowed)


@pytest.mark.parametrize(
    ("sql", "allowed"),
    [
        ("SELECT * FROM other.orders", {"public.orders"}),
        ("SELECT * FROM customers", {"orders"}),
        ("SELECT * FROM pg_catalog.orders", {"orders"}),
        ("WITH recent AS (SELECT 1) SELECT * FROM other.recent", {"orders"}),
        ("SELECT * FROM orders WHERE id IN (SELECT id FROM secrets)", {"orders"}),
    ],
)
def test_tables_outside_the_allowlist_are_rejected(sql: str, allowed: set[str]) -> None:
    with pytest.raises(GuardRejected) as info:
        check_sql(sql, "postgres", allowed_tables=allowed)
    assert info.value.reason == "table"


def test_without_allowlist_catalogs_and_files_are_still_rejected() -> None:
    check_sql("SELECT * FROM anything", "duckdb", allowed_tables=None)
    for sql in ("SELECT * FROM pg_catalog.pg_roles", "SELECT * FROM 'data/x.csv'"):
        with pytest.raises(GuardRejected):
            check_sql(sql, "duckdb", allowed_tables=None)


def test_detail_names_the_statement_found() -> None:
    with pytest.raises(GuardRejected) as info:
        check_sql("DELETE FROM orders", "postgres", allowed_tables={"orders"})
    assert (
        info.value.detail
        == "Only one read-only SELECT statement is allowed; it starts with 'DELETE'."
    )
    with pytest.raises(GuardRejected) as info:
        check_sql(
            "WITH x AS (DELETE FROM orders RETURNING *) SELECT * FROM x",
            "postgres",
            allowed_tables={"orders"},
        )
    assert info.value.detail == "Only one read-only SELECT statement is allowed; found DELETE."


@pytest.mark.parametrize(
    ("sql", "dialect", "expected"),
    [
        ("SELECT a FROM t", "postgres", "SELECT a FROM t LIMIT 100"),
        ("SELECT a FROM t LIMIT 5", "duckdb", "SELECT a FROM t LIMIT 5"),
        ("SELECT a FROM t LIMIT 5000", "mysql", "SELECT a FROM t LIMIT 100"),
        (
            "SELECT a FROM t FETCH FIRST 50 ROWS ONLY",
            "postgres",
            "SELECT a FROM t FETCH FIRST 50 ROWS ONLY",
        ),
        ("SELECT a FROM t FETCH FIRST 500 ROWS ONLY", "postgres", "SELECT a FROM t LIMIT 100"),
        ("SELECT a FROM t", "tsql", "SELECT TOP 100 a FROM t"),
        ("SELECT TOP 10 a FROM t", "tsql", "SELECT TOP 10 a FROM t"),
        ("SELECT TOP 50 PERCENT a FROM t", "tsql", "SELECT TOP 100 a FROM t"),
        (
            "SELECT a FROM t UNION SELECT a FROM u ORDER BY a",
            "tsql",
            "SELECT TOP 100 * FROM (SELECT a FROM t UNION SELECT a FROM u) AS capped ORDER BY a",
        ),
        (
            "SELECT a FROM t UNION ALL SELECT a FROM u",
            "snowflake",
            "SELECT a FROM t UNION ALL SELECT a FROM u LIMIT 100",
        ),
        ("SELECT a /* note; DROP */ FROM t -- x", "postgres", "SELECT a FROM t LIMIT 100"),
    ],
)
def test_enforce_row_cap(sql: str, dialect: str, expected: str) -> None:
    expr = check_sql(sql, dialect, allowed_tables={"t", "u"})
    assert enforce_row_cap(expr, dialect, 100) == expected


def test_row_cap_executes_and_caps_on_duckdb() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT range AS a FROM range(1000)")
    for sql in (
        "SELECT a FROM t",
        "SELECT a FROM t LIMIT 900",
        "SELECT a FROM t UNION SELECT a + 5000 FROM t",
    ):
        capped = enforce_row_cap(check_sql(sql, "duckdb", allowed_tables={"t"}), "duckdb", 11)
        assert len(con.execute(capped).fetchall()) == 11
    small = enforce_row_cap(
        check_sql("SELECT a FROM t LIMIT 3", "duckdb", allowed_tables={"t"}), "duckdb", 11
    )
    assert len(con.execute(small).fetchall()) == 3


def test_row_cap_rejects_bad_cap() -> None:
    with pytest.raises(ValueError):
        enforce_row_cap(check_sql("SELECT 1", "duckdb", allowed_tables=set()), "duckdb", 0)
