"""Portable upserts (SQLite and PostgreSQL share `INSERT ... ON CONFLICT`), built once per
dialect and table and executed with parameters, so SQLAlchemy's compiled cache is reused."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite

_STATEMENTS: dict[tuple[str, str, str], Any] = {}


def _insert(dialect: str, table: Table) -> Any:
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table)


def add_counts(
    conn: Connection, table: Table, keys: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    """Insert each row, or add its non-key numbers to the existing row with the same keys."""
    if not rows:
        return
    dialect = conn.dialect.name
    cache_key = (dialect, table.name, "add")
    statement = _STATEMENTS.get(cache_key)
    if statement is None:
        insert = _insert(dialect, table)
        adds = {
            c.name: c + insert.excluded[c.name]
            for c in table.c
            if c.name not in keys and c.name not in KEEP_FIRST and c.name != "suggestions"
        }
        if "suggestions" in table.c:
            adds["suggestions"] = insert.excluded["suggestions"]  # the latest suggestion wins
        statement = insert.on_conflict_do_update(index_elements=list(keys), set_=adds)
        _STATEMENTS[cache_key] = statement
    conn.execute(statement, rows)


KEEP_FIRST = frozenset({"sample", "term"})  # text columns: the first row's value stays


def insert_new(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> int:
    """Insert the rows whose key is not there yet; how many were new (only for one row at a
    time: executemany reports no per-row count)."""
    if not rows:
        return 0
    dialect = conn.dialect.name
    cache_key = (dialect, table.name, "new")
    statement = _STATEMENTS.get(cache_key)
    if statement is None:
        statement = _STATEMENTS[cache_key] = _insert(dialect, table).on_conflict_do_nothing()
    if len(rows) == 1:
        return int(conn.execute(statement, rows[0]).rowcount or 0)
    conn.execute(statement, rows)
    return len(rows)
