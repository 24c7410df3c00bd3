"""DuckDB files via DuckDB's own Python API: read_only, external access off, configuration
locked, no extension autoload; duckdb_* catalog functions for introspection."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from pydantic import Field

from nexatron.warehouse.base import EngineConfig
from nexatron.warehouse.local import FileEngine, Interrupt
from nexatron.warehouse.policy import UNCHECKED, Gate
from nexatron.warehouse.probe import require_modules
from nexatron.warehouse.sqla import Snapshot
from nexatron.warehouse.watchdog import WATCHDOG


class DuckDBConfig(EngineConfig):
    secret_fields = ()
    path: str = Field(min_length=1, description="Path of the DuckDB database file.")
    threads: int | None = Field(
        default=None,
        ge=1,
        le=256,
        description="Threads one query may use (DuckDB's default: every core). One suits small "
        "databases on a server answering many questions at once: less memory per query and no "
        "thread start-up on millisecond queries.",
    )


SAFE_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "lock_configuration": True,
}

_USER_TABLES = "database_name = current_database() AND NOT internal AND NOT temporary"

TABLES_SQL = f"""
SELECT schema_name, table_name, 'table', estimated_size, comment FROM duckdb_tables()
WHERE {_USER_TABLES}
UNION ALL
SELECT schema_name, view_name, 'view', NULL, comment FROM duckdb_views()
WHERE {_USER_TABLES}
"""

COLUMNS_SQL = """
SELECT schema_name, table_name, column_name, data_type, is_nullable, comment, column_index
FROM duckdb_columns() WHERE database_name = current_database() AND NOT internal
"""

KEYS_SQL = """
SELECT schema_name, table_name, constraint_name,
       CASE constraint_type WHEN 'PRIMARY KEY' THEN 'p' ELSE 'f' END,
       constraint_column_names[pos], pos,
       CASE WHEN referenced_table IS NOT NULL THEN schema_name END,
       referenced_table, referenced_column_names[pos]
FROM (
    SELECT *, unnest(generate_series(1, len(constraint_column_names))) AS pos
    FROM duckdb_constraints()
    WHERE database_name = current_database()
      AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')
)
"""


class DuckDBEngine(FileEngine):
    type_name = "duckdb"
    label = "DuckDB"
    dialect = "duckdb"
    extra = None
    config_model = DuckDBConfig
    config: DuckDBConfig

    #: A file handle idle this long is closed, so other processes can write the file again.
    idle_close_s: float = 30.0

    def __init__(
        self, config: Any, *, connect_timeout_s: float = 10.0, gate: Gate = UNCHECKED
    ) -> None:
        super().__init__(config, connect_timeout_s=connect_timeout_s, gate=gate)
        self._root: Any = None
        self._root_path = ""
        self._lock = threading.Lock()
        self._in_use = 0
        self._last_used = 0.0
        self._dispose_pending = False
        self._idle_check_pending = False

    def open_cursor(self) -> tuple[Any, Interrupt, Callable[[], None]]:
        # At every cursor: the file may have been swapped since. A new cursor on the open
        # connection reuses the last check while the file there is unchanged.
        path = self.checked_path(reusing=self._root is not None)
        with self._lock:
            if self._root is not None and self._root_path != path and not self._in_use:
                self._close_root()
            if self._root is None:
                require_modules(type(self), ("duckdb",))
                import duckdb

                config = dict(SAFE_CONFIG)
                if self.config.threads is not None:
                    config["threads"] = self.config.threads
                self._root = duckdb.connect(path, read_only=True, config=config)
                self._root_path = path
            cursor = self._root.cursor()
            self._in_use += 1

        def close() -> None:
            cursor.close()
            with self._lock:
                self._in_use -= 1
                self._last_used = time.monotonic()
                if self._dispose_pending and self._in_use == 0:
                    self._close_root()
                check = not self._idle_check_pending
                self._idle_check_pending = True
            if check:  # one pending idle check per engine, not one per query
                WATCHDOG.schedule(self.idle_close_s, self._close_if_idle)

        return cursor, cursor.interrupt, close

    def _close_if_idle(self) -> None:
        with self._lock:
            remaining = self._last_used + self.idle_close_s - time.monotonic()
            if self._in_use == 0 and remaining <= self.idle_close_s * 0.01:
                self._close_root()
                self._idle_check_pending = False
                return
            if self._root is None:
                self._idle_check_pending = False
                return
        # Used since: look again when it will have been idle long enough.
        WATCHDOG.schedule(max(remaining, self.idle_close_s * 0.05), self._close_if_idle)

    def _close_root(self) -> None:
        if self._root is not None:
            self._root.close()
            self._root = None
        self._dispose_pending = False

    def server_version(self, cursor: Any) -> str:
        return f"DuckDB {cursor.execute('SELECT version()').fetchone()[0]}"

    def catalog_rows(self, cursor: Any) -> Snapshot:
        default = cursor.execute("SELECT current_schema()").fetchone()[0]
        tables = cursor.execute(TABLES_SQL).fetchall()
        columns = cursor.execute(COLUMNS_SQL).fetchall()
        keys = cursor.execute(KEYS_SQL).fetchall()
        return default, tables, columns, keys

    def dispose(self) -> None:
        """Close the file now, or when its last running statement ends."""
        with self._lock:
            if self._in_use:
                self._dispose_pending = True
            else:
                self._close_root()
