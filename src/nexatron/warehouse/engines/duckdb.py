"""DuckDB files via DuckDB's own Python API: read_only, external access off, configuration
locked, no extension autoload; duckdb_* catalog functions for introspection; streamed rows
rendered as JSON by DuckDB itself (engines/duckdb_json.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from pydantic import Field

from nexatron.warehouse.base import EngineConfig
from nexatron.warehouse.engines.duckdb_json import describe_sql, rows_sql
from nexatron.warehouse.local import FileEngine, Interrupt
from nexatron.warehouse.policy import UNCHECKED, Gate
from nexatron.warehouse.probe import require_modules
from nexatron.warehouse.readonly import ensure_single_statement
from nexatron.warehouse.sqla import Snapshot
from nexatron.warehouse.stream import JsonRows, JsonTextBatches
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

    def stream_json(
        self, sql: str, *, timeout_s: float, batch_size: int = 1000
    ) -> Iterator[JsonRows]:
        """DuckDB renders each row as JSON text in its own threads (duckdb_json.py); Python only
        joins a batch's strings. Results with a type rendered there only in Python (DECIMAL,
        dates, ...) or statements that are not a plain query take the Python path."""
        ensure_single_statement(sql, self.dialect)
        ctx = self.session(timeout_s)
        cursor = ctx.__enter__()
        rendered: tuple[str, bool] | None = None
        try:
            rendered = _rendered_sql(cursor, sql)
            if rendered is not None:
                cursor.execute(rendered[0])
                first = cursor.fetchmany(batch_size)
        except BaseException as exc:
            ctx.__exit__(type(exc), exc, exc.__traceback__)
            raise
        if rendered is None:
            ctx.__exit__(None, None, None)
            return super().stream_json(sql, timeout_s=timeout_s, batch_size=batch_size)
        batches = JsonTextBatches(first, cursor.fetchmany, batch_size, ctx)
        batches.flags_wide = rendered[1]
        return batches

    def dispose(self) -> None:
        """Close the file now, or when its last running statement ends."""
        with self._lock:
            if self._in_use:
                self._dispose_pending = True
            else:
                self._close_root()


def _rendered_sql(cursor: Any, sql: str) -> tuple[str, bool] | None:
    """`sql` wrapped so that DuckDB returns its rows as JSON text, or None (see rows_sql). The
    statement is bound (DESCRIBE), not run; one that cannot be a subquery takes the Python
    path, where it runs as it is."""
    import duckdb

    query = sql.strip().rstrip(";").rstrip()
    try:
        described = cursor.execute(describe_sql(query)).fetchall()
    except duckdb.Error:
        return None
    return rows_sql(query, [str(row[1]) for row in described])
