"""Real databases holding two small tables (`accounts`, `audit`) and snapshots of their state."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import psycopg2
import pymysql
import pytest
import yaml

from ..throwaway import maria_db_with, pg_schema_with

CORPUS = yaml.safe_load((Path(__file__).parent / "attack_corpus.yaml").read_text("utf-8"))[
    "attacks"
]
ALLOWED = {"accounts", "audit"}
ROWS = [(1, "alice", 100.5), (2, "bob", 20.0), (3, "carol", 0.0)]
DDL = [
    "CREATE TABLE accounts (id INT PRIMARY KEY, name VARCHAR(50), balance DECIMAL(12, 2))",
    "CREATE TABLE audit (id INT PRIMARY KEY, note VARCHAR(50))",
]
INSERTS = [
    "INSERT INTO accounts VALUES (1, 'alice', 100.50), (2, 'bob', 20.00), (3, 'carol', 0.00)",
    "INSERT INTO audit VALUES (1, 'opened'), (2, 'closed')",
]
Snapshot = dict[str, tuple[Any, ...]]


def _digest(rows: list[tuple[Any, ...]]) -> str:
    return hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()


def snapshot_rows(tables: dict[str, list[str]], fetch: Any) -> Snapshot:
    """Per table: column names, row count and a checksum of every row."""
    state: Snapshot = {}
    for table, columns in sorted(tables.items()):
        rows = fetch(f"SELECT * FROM {table}")
        state[table] = (tuple(columns), len(rows), _digest(rows))
    return state


@pytest.fixture
def duckdb_path(tmp_path: Path) -> Path:
    path = tmp_path / "guard.duckdb"
    with duckdb.connect(str(path)) as con:
        for sql in DDL + INSERTS:
            con.execute(sql)
    return path


def duckdb_snapshot(path: Path) -> Snapshot:
    with duckdb.connect(str(path), read_only=True) as con:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        tables = {t: [c[0] for c in con.execute(f"DESCRIBE {t}").fetchall()] for t in names}
        return snapshot_rows(tables, lambda sql: con.execute(sql).fetchall())


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    path = tmp_path / "guard.sqlite"
    con = sqlite3.connect(path)
    for sql in DDL + INSERTS:
        con.execute(sql)
    con.commit()
    con.close()
    return path


def sqlite_snapshot(path: Path) -> Snapshot:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        tables = {t: [c[1] for c in con.execute(f"PRAGMA table_info({t})")] for t in names}
        state = snapshot_rows(tables, lambda sql: con.execute(sql).fetchall())
        state["__schema__"] = (_digest(con.execute("SELECT * FROM sqlite_master").fetchall()),)
        return state
    finally:
        con.close()


@pytest.fixture
def pg_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema (random name) with the two tables; dropped afterwards."""
    with pg_schema_with("guard", lambda _schema: DDL + INSERTS) as schema:
        yield schema


def pg_connect(schema: str, **options: Any) -> Any:
    con = psycopg2.connect(
        host="127.0.0.1",
        user="postgres",
        dbname="test",
        options=f"-c search_path={schema}",
        **options,
    )
    con.autocommit = True
    return con


def pg_snapshot(schema: str) -> Snapshot:
    con = pg_connect(schema)
    try:
        with con.cursor() as cur:
            cur.execute(
                "SELECT table_name, string_agg(column_name, ',' ORDER BY ordinal_position) "
                "FROM information_schema.columns WHERE table_schema = %s GROUP BY table_name",
                (schema,),
            )
            tables = {name: cols.split(",") for name, cols in cur.fetchall()}

            def fetch(sql: str) -> list[tuple[Any, ...]]:
                cur.execute(sql)
                return list(cur.fetchall())

            state = snapshot_rows(tables, fetch)
            cur.execute("SELECT count(*) FROM pg_largeobject_metadata")
            state["__largeobjects__"] = tuple(cur.fetchone() or ())
            cur.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s",
                (schema,),
            )
            state["__relations__"] = tuple(cur.fetchone() or ())
            return state
    finally:
        con.close()


@pytest.fixture
def maria_db() -> Iterator[str]:
    """A fresh MariaDB database (random name) with the two tables; dropped afterwards."""
    with maria_db_with("guard", lambda _name: DDL + INSERTS) as name:
        yield name


def maria_connect(name: str, **options: Any) -> Any:
    return pymysql.connect(
        host="127.0.0.1", user="root", password="", database=name, autocommit=True, **options
    )


def maria_snapshot(name: str) -> Snapshot:
    con = maria_connect(name)
    try:
        with con.cursor() as cur:
            cur.execute(
                "SELECT table_name, group_concat(column_name ORDER BY ordinal_position) "
                "FROM information_schema.columns WHERE table_schema = %s GROUP BY table_name",
                (name,),
            )
            tables = {t: str(cols).split(",") for t, cols in cur.fetchall()}

            def fetch(sql: str) -> list[tuple[Any, ...]]:
                cur.execute(sql)
                return list(cur.fetchall())

            return snapshot_rows(tables, fetch)
    finally:
        con.close()
