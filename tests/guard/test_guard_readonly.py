"""With the guard bypassed, a read-only session still leaves every table unchanged.

Each engine's write statements from the corpus run directly on the driver, the way an engine
class should open its session. Characterisation tests record what is NOT enough on its own.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import duckdb
import psycopg
import psycopg2
import pymysql
import pytest

from .guard_support import (
    CORPUS,
    duckdb_snapshot,
    maria_connect,
    maria_snapshot,
    pg_connect,
    pg_snapshot,
    sqlite_snapshot,
)

PG_DSN = "host=127.0.0.1 user=postgres dbname=test"


def writes(dialect: str) -> list[str]:
    found = [a["sql"] for a in CORPUS if a["write"] and a["dialect"] == dialect]
    assert len(found) >= 5, dialect
    return found


def test_postgres_read_only_transaction(pg_schema: str) -> None:
    """psycopg 3 with the extended protocol refuses multi-statement strings outright."""
    before = pg_snapshot(pg_schema)
    with psycopg.connect(PG_DSN, options=f"-c search_path={pg_schema}", autocommit=True) as con:
        con.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        for sql in writes("postgres"):
            con.execute("BEGIN READ ONLY")
            with contextlib.suppress(psycopg.Error):
                con.execute(sql, prepare=True)
            con.execute("ROLLBACK")
    assert pg_snapshot(pg_schema) == before


def test_postgres_psycopg2_single_statements(pg_schema: str) -> None:
    """psycopg2 (simple protocol): every single-statement write fails or is rolled back."""
    before = pg_snapshot(pg_schema)
    con = pg_connect(pg_schema)
    single = [sql for sql in writes("postgres") if ";" not in sql]
    with con.cursor() as cur:
        cur.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        for sql in single:
            cur.execute("BEGIN READ ONLY")
            with contextlib.suppress(psycopg2.Error):
                cur.execute(sql)
            cur.execute("ROLLBACK")
    con.close()
    assert pg_snapshot(pg_schema) == before


@pytest.mark.parametrize(
    ("session_read_only", "sql"),
    [
        (False, "COMMIT; DROP TABLE audit"),
        (True, "COMMIT; SET default_transaction_read_only = off; COMMIT; DROP TABLE audit"),
    ],
)
def test_postgres_multi_statement_strings_escape_read_only(
    pg_schema: str, session_read_only: bool, sql: str
) -> None:
    """Characterisation: over psycopg2's simple protocol, COMMIT inside one string escapes
    BEGIN READ ONLY (and a session default). Engines must execute only the guard's regenerated
    single statement, preferably over psycopg 3's extended protocol, or use a read-only role.
    """
    con = pg_connect(pg_schema)
    with con.cursor() as cur:
        if session_read_only:
            cur.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        cur.execute("BEGIN READ ONLY")
        cur.execute(sql)
        cur.execute("ROLLBACK")
    con.close()
    assert "audit" not in pg_snapshot(pg_schema)


def test_duckdb_read_only_connection(duckdb_path: Path) -> None:
    before = duckdb_snapshot(duckdb_path)
    failures = 0
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        for sql in writes("duckdb"):
            try:
                con.execute(sql)
            except duckdb.Error:
                failures += 1
    assert failures == len(writes("duckdb"))
    assert duckdb_snapshot(duckdb_path) == before


def test_sqlite_read_only_uri(sqlite_path: Path) -> None:
    before = sqlite_snapshot(sqlite_path)
    failures = 0
    con = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    for sql in writes("sqlite"):
        try:
            con.executescript(sql)  # executescript even allows several statements
        except sqlite3.Error:
            failures += 1
    con.close()
    assert failures == len(writes("sqlite"))
    assert sqlite_snapshot(sqlite_path) == before


def test_mariadb_read_only_session_and_transaction(maria_db: str) -> None:
    before = maria_snapshot(maria_db)
    con = maria_connect(maria_db)  # PyMySQL's default: no multi-statement strings
    failures = 0
    with con.cursor() as cur:
        cur.execute("SET SESSION TRANSACTION READ ONLY")
        for sql in writes("mysql"):
            cur.execute("START TRANSACTION READ ONLY")
            try:
                cur.execute(sql)
            except pymysql.Error:
                failures += 1
            cur.execute("ROLLBACK")
    con.close()
    assert failures == len(writes("mysql"))
    assert maria_snapshot(maria_db) == before


@pytest.mark.parametrize("sql", ["DROP TABLE audit", "CREATE TABLE stolen (id INT)"])
def test_mariadb_start_transaction_read_only_alone_does_not_stop_ddl(
    maria_db: str, sql: str
) -> None:
    """Characterisation: DDL commits implicitly and then runs outside the read-only transaction.

    Engines must set `SET SESSION TRANSACTION READ ONLY` (or use a SELECT-only account).
    """
    before = maria_snapshot(maria_db)
    con = maria_connect(maria_db)
    with con.cursor() as cur:
        cur.execute("START TRANSACTION READ ONLY")
        cur.execute(sql)
        cur.execute("ROLLBACK")
    con.close()
    assert maria_snapshot(maria_db) != before
