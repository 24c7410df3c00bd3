"""ClickHouse over the native protocol (clickhouse-driver): every statement carries the
settings readonly=1 and max_execution_time; system.* tables for introspection."""

from __future__ import annotations

import math
import queue
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import Field

from nexatron.errors import NexatronError
from nexatron.warehouse import catalog
from nexatron.warehouse.base import Engine, EngineConfig
from nexatron.warehouse.cancel import on_cancel
from nexatron.warehouse.convert import capped_result, result_columns
from nexatron.warehouse.policy import UNCHECKED, Gate
from nexatron.warehouse.probe import bounded_test, config_secrets, query_error, require_modules
from nexatron.warehouse.readonly import ensure_single_statement
from nexatron.warehouse.stream import Batches
from nexatron.warehouse.types import ResultColumn, ResultSet, SchemaSnapshot, TestResult


class ClickHouseConfig(EngineConfig):
    host: str = Field(min_length=1)
    port: int = Field(9000, ge=1, le=65535, description="Native protocol port (9440 with TLS).")
    database: str = "default"
    user: str = "default"
    password: str | None = None
    secure: bool = False
    verify: bool = True


_SYSTEM_DBS = "('system', 'INFORMATION_SCHEMA', 'information_schema')"
TABLES_SQL = f"""
SELECT t.database, t.name, if(t.engine IN ('View', 'MaterializedView'), 'view', 'table'),
       p.rows, NULL
FROM system.tables AS t
LEFT JOIN (SELECT database, table AS name, sum(rows) AS rows FROM system.parts
           WHERE active GROUP BY database, table) AS p USING (database, name)
WHERE t.database NOT IN {_SYSTEM_DBS} AND NOT t.is_temporary
"""
COLUMNS_SQL = f"""
SELECT database, table, name, type, startsWith(type, 'Nullable('), comment
FROM system.columns WHERE database NOT IN {_SYSTEM_DBS}
"""
_TIMEOUT_CODE = 159


class ClickHouseEngine(Engine):
    type_name = "clickhouse"
    label = "ClickHouse"
    dialect = "clickhouse"
    extra = "clickhouse"
    config_model = ClickHouseConfig
    config: ClickHouseConfig

    def __init__(
        self, config: Any, *, connect_timeout_s: float = 10.0, gate: Gate = UNCHECKED
    ) -> None:
        super().__init__(config, connect_timeout_s=connect_timeout_s, gate=gate)
        self._idle: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._active: dict[int, Any] = {}

    def _client(self, timeout_s: float) -> Any:
        require_modules(type(self), ("clickhouse_driver",))
        from clickhouse_driver import Client

        c = self.config
        address = self.gate.address(c.host, c.port)  # checked here, at every new client
        return Client(
            host=address,
            server_hostname=c.host if c.secure and address != c.host else None,
            port=c.port,
            database=c.database,
            user=c.user,
            password=c.password or "",
            secure=c.secure,
            verify=c.verify,
            connect_timeout=self.connect_timeout_s,
            send_receive_timeout=max(timeout_s, self.connect_timeout_s) + 5,
            client_name="nexatron",
        )

    @staticmethod
    def settings(timeout_s: float, **extra: Any) -> dict[str, Any]:
        return {"readonly": 1, "max_execution_time": max(1, math.ceil(timeout_s)), **extra}

    @contextmanager
    def session(self, timeout_s: float) -> Iterator[Any]:
        """A pooled client; errors are mapped and scrubbed; the client returns to the pool."""
        try:
            try:
                client = self._idle.get_nowait()
            except queue.Empty:
                client = self._client(timeout_s)
            self._active[id(client)] = client
            forget = on_cancel(client.disconnect)
            ok = False
            try:
                yield client
                ok = True
            finally:
                self._active.pop(id(client), None)
                forget()
                if ok:
                    self._idle.put(client)
                else:
                    client.disconnect()
        except NexatronError:
            raise
        except Exception as exc:
            timed_out = getattr(exc, "code", None) == _TIMEOUT_CODE
            error = query_error(exc, config_secrets(self), timeout_s, timed_out)
        else:
            return
        raise error from None

    def test(self) -> TestResult:
        def probe() -> str | None:
            client = self._client(self.connect_timeout_s)
            try:
                return str(client.execute("SELECT version()")[0][0])
            finally:
                client.disconnect()

        return bounded_test(self, probe)

    def introspect(self) -> SchemaSnapshot:
        with self.session(60.0) as client:
            s = self.settings(60.0)
            tables = client.execute(TABLES_SQL, settings=s)
            raw = client.execute(COLUMNS_SQL, settings=s)
        columns = [(*row[:4], bool(row[4]), row[5] or None, i) for i, row in enumerate(raw)]
        return catalog.build_snapshot(self.config.database, tables, columns, [])

    def execute(self, sql: str, *, timeout_s: float, row_cap: int) -> ResultSet:
        ensure_single_statement(sql, self.dialect)
        start = time.perf_counter()
        with self.session(timeout_s) as client:
            rows_iter = client.execute_iter(
                sql, with_column_types=True, settings=self.settings(timeout_s)
            )
            header = next(rows_iter, None)
            names = [str(n) for n, _ in header] if header else []
            raw: list[Any] = []
            for row in rows_iter:
                raw.append(row)
                if len(raw) > row_cap:
                    client.disconnect()  # stop the server sending the rest
                    break
        return capped_result(names, raw, row_cap, start)

    def stream(
        self, sql: str, *, timeout_s: float, batch_size: int = 1000
    ) -> tuple[list[ResultColumn], Iterator[list[list[Any]]]]:
        ensure_single_statement(sql, self.dialect)
        ctx = self.session(timeout_s)
        client = ctx.__enter__()
        try:
            settings = self.settings(timeout_s, max_block_size=batch_size)
            rows_iter = client.execute_iter(sql, with_column_types=True, settings=settings)
            header = next(rows_iter, None)
            names = [str(n) for n, _ in header] if header else []

            def fetch(n: int) -> list[Any]:
                return [row for _, row in zip(range(n), rows_iter, strict=False)]

            first = fetch(batch_size)
        except BaseException as exc:
            ctx.__exit__(type(exc), exc, exc.__traceback__)
            raise
        closing = _closing(ctx, client)
        closing.__enter__()
        return result_columns(names, first), Batches(first, fetch, batch_size, closing)

    def cancel(self) -> None:
        for client in list(self._active.values()):
            client.disconnect()

    def dispose(self) -> None:
        while True:
            try:
                self._idle.get_nowait().disconnect()
            except queue.Empty:
                return


@contextmanager
def _closing(ctx: Any, client: Any) -> Iterator[None]:
    """End a stream: drop the client's connection so an unfinished query stops."""
    try:
        yield
    except BaseException as exc:
        client.disconnect()
        ctx.__exit__(type(exc), exc, exc.__traceback__)
        raise
    else:
        client.disconnect()
        ctx.__exit__(None, None, None)
