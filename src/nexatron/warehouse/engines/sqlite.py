"""SQLite files via the standard library: opened read-only (mode=ro) with query_only and
trusted_schema off, introspected in bulk with the pragma_* table-valued functions."""

from __future__ import annotations

import pathlib
import sqlite3
from collections.abc import Callable
from typing import Any

from pydantic import Field

from nexatron.warehouse.base import EngineConfig
from nexatron.warehouse.local import FileEngine, Interrupt
from nexatron.warehouse.policy import STAMP_TABLE
from nexatron.warehouse.sqla import Snapshot


class SQLiteConfig(EngineConfig):
    secret_fields = ()
    path: str = Field(min_length=1, description="Path of the SQLite database file.")


_USER = (
    "t.schema = 'main' AND t.type IN ('table', 'view') AND t.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
)

TABLES_SQL = f"""
SELECT 'main', t.name, t.type, NULL, NULL FROM pragma_table_list t WHERE {_USER}
"""

COLUMNS_SQL = f"""
SELECT 'main', t.name, c.name, c.type, NOT c."notnull", NULL, c.cid
FROM pragma_table_list t JOIN pragma_table_xinfo(t.name) c WHERE {_USER} AND c.hidden = 0
"""

KEYS_SQL = f"""
SELECT 'main', t.name, 'pk', 'p', c.name, c.pk, NULL, NULL, NULL
FROM pragma_table_list t JOIN pragma_table_info(t.name) c WHERE {_USER} AND c.pk > 0
UNION ALL
SELECT 'main', t.name, 'fk' || f.id, 'f', f."from", f.seq, 'main', f."table", f."to"
FROM pragma_table_list t JOIN pragma_foreign_key_list(t.name) f WHERE {_USER}
"""

STATS_SQL = "SELECT tbl, stat FROM sqlite_stat1 WHERE idx IS NULL OR idx = tbl"


_DENIED = {sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH}
_CATALOG_PRAGMAS = {"table_list", "table_info", "table_xinfo", "foreign_key_list", "index_list"}


def _authorize(action: int, arg1: str | None, arg2: str | None, *_: str | None) -> int:
    """Refuse ATTACH/DETACH (ATTACH would create files) and pragmas given a value, except the
    catalog pragmas whose argument is a table name."""
    if action in _DENIED:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_PRAGMA and arg2 is not None:
        return (
            sqlite3.SQLITE_OK if (arg1 or "").lower() in _CATALOG_PRAGMAS else sqlite3.SQLITE_DENY
        )
    return sqlite3.SQLITE_OK


def _stamps(conn: sqlite3.Connection) -> list[str]:
    """Installation ids in the file (a copy of, or a link to, a metadata store)."""
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (STAMP_TABLE,)
    ).fetchone()
    if not found:
        return []
    return [str(r[0]) for r in conn.execute(f"SELECT id FROM {STAMP_TABLE}")]


class SQLiteEngine(FileEngine):
    type_name = "sqlite"
    label = "SQLite"
    dialect = "sqlite"
    extra = None
    config_model = SQLiteConfig
    config: SQLiteConfig

    def open_cursor(self) -> tuple[Any, Interrupt, Callable[[], None]]:
        uri = pathlib.Path(self.checked_path()).as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=5.0)
        try:
            # Before the schema is read: functions and virtual tables that views, triggers and
            # defaults of the (tenant-supplied) file use must be innocuous.
            conn.execute("PRAGMA trusted_schema = OFF")
            conn.execute("PRAGMA query_only = 1")
            if not self.gate.trusted:
                self.gate.check_identity(_stamps(conn))
        except BaseException:
            conn.close()
            raise
        conn.set_authorizer(_authorize)
        return conn.cursor(), conn.interrupt, conn.close

    def server_version(self, cursor: Any) -> str:
        return f"SQLite {cursor.execute('SELECT sqlite_version()').fetchone()[0]}"

    def catalog_rows(self, cursor: Any) -> Snapshot:
        tables = cursor.execute(TABLES_SQL).fetchall()
        counts = self._row_counts(cursor)
        tables = [(s, n, k, counts.get(n), c) for s, n, k, _, c in tables]
        return (
            "main",
            tables,
            cursor.execute(COLUMNS_SQL).fetchall(),
            cursor.execute(KEYS_SQL).fetchall(),
        )

    @staticmethod
    def _row_counts(cursor: Any) -> dict[str, int]:
        """Approximate counts from ANALYZE statistics, when the file has them."""
        try:
            stats = cursor.execute(STATS_SQL).fetchall()
        except sqlite3.OperationalError:
            return {}
        return {tbl: int(str(stat).split()[0]) for tbl, stat in stats if stat}

    def dispose(self) -> None:
        """Nothing pooled: each statement opens its own read-only connection."""
