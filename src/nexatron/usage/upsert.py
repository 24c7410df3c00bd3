"""Portable upserts (SQLite and PostgreSQL share `INSERT ... ON CONFLICT`), rendered once per
dialect, table and set of columns to SQL text with typed parameters.

SQLAlchemy 2.0 never caches the compiled form of a dialect's `INSERT ... ON CONFLICT` construct
(its `Insert` has `inherit_cache = False`): executing one compiles it every time, 1-8 ms per
statement, five statements per history batch. A `text()` with typed bind parameters is cached
like any other statement, and its types still convert values (JSON, UTC datetimes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Table, TextClause, bindparam, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine.interfaces import BindTyping

_STATEMENTS: dict[tuple[str, str, str, tuple[str, ...]], TextClause] = {}


def _module(dialect: str) -> Any:
    return postgresql if dialect == "postgresql" else sqlite


def _rendered(
    conn: Connection, table: Table, kind: str, columns: tuple[str, ...], build: Callable[[Any], Any]
) -> TextClause:
    """`build(insert)`'s statement as SQL text with `:name` parameters typed like the columns."""
    dialect = conn.dialect.name
    cache_key = (dialect, table.name, kind, columns)
    statement = _STATEMENTS.get(cache_key)
    if statement is None:
        module = _module(dialect)
        built = build(module.insert(table))
        renderer = module.dialect(paramstyle="named")
        # No `:name::JSON` casts in the text (text() would not see the parameter); executing it
        # renders whatever casts the real dialect needs for the typed parameters.
        renderer.bind_typing = BindTyping.NONE
        sql = str(built.compile(dialect=renderer, column_keys=columns))
        params = [bindparam(name, type_=table.c[name].type) for name in columns]
        statement = _STATEMENTS[cache_key] = text(sql).bindparams(*params)
    return statement


def add_counts(
    conn: Connection, table: Table, keys: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    """Insert each row, or add its non-key numbers to the existing row with the same keys."""
    if not rows:
        return

    def build(insert: Any) -> Any:
        adds = {
            c.name: c + insert.excluded[c.name]
            for c in table.c
            if c.name not in keys and c.name not in KEEP_FIRST and c.name != "suggestions"
        }
        if "suggestions" in table.c:
            adds["suggestions"] = insert.excluded["suggestions"]  # the latest suggestion wins
        return insert.on_conflict_do_update(index_elements=list(keys), set_=adds)

    conn.execute(_rendered(conn, table, "add", tuple(rows[0]), build), rows)


KEEP_FIRST = frozenset({"sample", "term"})  # text columns: the first row's value stays


def insert_new(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> int:
    """Insert the rows whose key is not there yet; how many were new (only for one row at a
    time: executemany reports no per-row count)."""
    if not rows:
        return 0
    statement = _rendered(
        conn, table, "new", tuple(rows[0]), lambda insert: insert.on_conflict_do_nothing()
    )
    if len(rows) == 1:
        return int(conn.execute(statement, rows[0]).rowcount or 0)
    conn.execute(statement, rows)
    return len(rows)
