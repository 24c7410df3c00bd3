"""Base for engines reached through SQLAlchemy: a lazy pooled engine, read-only sessions with a
statement timeout, capped fetches, streaming, cancellation and scrubbed errors."""

from __future__ import annotations

import abc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, CursorResult

from nexatron.errors import NexatronError
from nexatron.warehouse import catalog
from nexatron.warehouse.base import Engine
from nexatron.warehouse.cancel import on_cancel
from nexatron.warehouse.convert import capped_result, result_columns
from nexatron.warehouse.policy import UNCHECKED, Gate
from nexatron.warehouse.probe import (
    bounded_test,
    config_secrets,
    connect_failure,
    query_error,
    require_modules,
)
from nexatron.warehouse.readonly import ensure_read_only, ensure_single_statement
from nexatron.warehouse.stream import Batches
from nexatron.warehouse.types import ResultColumn, ResultSet, SchemaSnapshot, TestResult
from nexatron.warehouse.watchdog import WATCHDOG, Deadline

Snapshot = tuple[str | None, list[Any], list[Any], list[Any]]


class SqlAlchemyEngine(Engine):
    """Subclasses give the URL, driver modules, session preparation and catalog queries."""

    driver_modules: ClassVar[tuple[str, ...]] = ()
    #: False where the database has no read-only session: statements are then checked first.
    read_only_session: ClassVar[bool] = True
    stream_results: ClassVar[bool] = True
    version_sql: ClassVar[str] = "SELECT version()"
    #: True where the server cannot time statements out itself: a timer cancels them instead.
    watchdog: ClassVar[bool] = False

    def __init__(
        self, config: Any, *, connect_timeout_s: float = 10.0, gate: Gate = UNCHECKED
    ) -> None:
        super().__init__(config, connect_timeout_s=connect_timeout_s, gate=gate)
        self._sa: sa.Engine | None = None
        self._lock = threading.Lock()
        self._active: dict[int, Any] = {}

    # -- what each engine provides -------------------------------------------------------
    @abc.abstractmethod
    def url(self) -> URL:
        """The SQLAlchemy URL (the password is carried here but never printed)."""

    def connect_args(self) -> dict[str, Any]:
        return {}

    def engine_options(self) -> dict[str, Any]:
        return {"pool_size": 5, "max_overflow": 5, "pool_pre_ping": True, "pool_recycle": 1800}

    def run_options(self, timeout_s: float) -> dict[str, Any]:
        """Per-statement SQLAlchemy execution options (e.g. a BigQuery job config)."""
        return {}

    def on_connect(self, dbapi_connection: Any) -> None:
        """Called once per new DBAPI connection (e.g. to make the session read-only)."""

    def route(self, cargs: list[Any], cparams: dict[str, Any]) -> None:
        """Before every new DBAPI connection: ask the policy for the address to connect to and
        give the driver that address (no second DNS lookup). The default suits drivers taking
        `host` and `port` keywords; engines whose driver differs override it."""
        host = cparams.get("host")
        if host:
            port = int(cparams.get("port") or self.default_port)
            cparams["host"] = self.gate.address(str(host), port)

    def check_identity(self, dbapi_connection: Any) -> None:
        """After every new DBAPI connection: refuse the metadata store reached by another
        route (engines whose database could be one override it)."""

    default_port: ClassVar[int] = 0

    def prepare(self, conn: Connection, timeout_s: float) -> None:
        """Start a read-only transaction and set the statement timeout."""

    def is_timeout(self, exc: BaseException) -> bool:
        return False

    def cancel_connection(self, dbapi_connection: Any) -> None:
        """Interrupt whatever runs on this DBAPI connection (best effort)."""

    @abc.abstractmethod
    def catalog_rows(self, conn: Connection) -> Snapshot:
        """(default_schema, table rows, column rows, key rows) from bulk catalog queries."""

    # -- the Engine interface ------------------------------------------------------------
    def engine(self) -> sa.Engine:
        """The pooled SQLAlchemy engine, created on first use."""
        with self._lock:
            if self._sa is None:
                require_modules(type(self), self.driver_modules)
                self._sa = sa.create_engine(
                    self.url(),
                    connect_args=self.connect_args(),
                    hide_parameters=True,
                    **self.engine_options(),
                )
                sa.event.listen(self._sa, "do_connect", self._do_connect)
                sa.event.listen(self._sa, "connect", self._connected)
            return self._sa

    def _do_connect(self, _dialect: Any, _record: Any, cargs: Any, cparams: Any) -> None:
        self.route(cargs, cparams)  # returning None lets SQLAlchemy connect with these args

    def _connected(self, dbapi_connection: Any, _record: Any) -> None:
        try:
            self.check_identity(dbapi_connection)
        except BaseException:
            dbapi_connection.close()
            raise
        self.on_connect(dbapi_connection)

    def connect(self) -> Connection:
        """A pooled connection; a failure to connect is a classified outcome, never the
        driver's text (banners, role names)."""
        try:
            return self.engine().connect()
        except NexatronError:
            raise
        except Exception as exc:
            raise connect_failure(exc) from None

    def test(self) -> TestResult:
        def probe() -> str | None:
            with self.connect() as conn:
                version = conn.exec_driver_sql(self.version_sql).scalar()
                conn.rollback()
                return str(version) if version is not None else None

        return bounded_test(self, probe)

    def introspect(self) -> SchemaSnapshot:
        with self.session(timeout_s=max(60.0, self.connect_timeout_s)) as conn:
            default_schema, tables, columns, keys = self.catalog_rows(conn)
        return catalog.build_snapshot(default_schema, tables, columns, keys)

    def execute(self, sql: str, *, timeout_s: float, row_cap: int) -> ResultSet:
        self.check_statement(sql)
        start = time.perf_counter()
        with self.session(timeout_s) as conn:
            result = conn.execution_options(**self.run_options(timeout_s)).exec_driver_sql(sql)
            if not result.returns_rows:
                return ResultSet(columns=[], rows=[], elapsed_ms=_ms(start))
            names = list(map(str, result.keys()))
            raw = result.fetchmany(row_cap + 1)
        return capped_result(names, raw, row_cap, start)

    def stream(
        self, sql: str, *, timeout_s: float, batch_size: int = 1000
    ) -> tuple[list[ResultColumn], Iterator[list[list[Any]]]]:
        self.check_statement(sql)
        ctx = self.session(timeout_s)
        conn = ctx.__enter__()
        try:
            options = self.run_options(timeout_s)
            if self.stream_results:
                options |= {"stream_results": True, "max_row_buffer": batch_size}
            run = conn.execution_options(**options)
            result: CursorResult[Any] = run.exec_driver_sql(sql)
            names = list(map(str, result.keys())) if result.returns_rows else []
            first = result.fetchmany(batch_size) if result.returns_rows else []
        except BaseException as exc:
            ctx.__exit__(type(exc), exc, exc.__traceback__)
            raise
        return result_columns(names, first), Batches(first, result.fetchmany, batch_size, ctx)

    def cancel(self) -> None:
        for dbapi_connection in list(self._active.values()):
            try:
                self.cancel_connection(dbapi_connection)
            except Exception:  # noqa: S112 - best effort; the connection may have just finished
                continue

    def dispose(self) -> None:
        with self._lock:
            if self._sa is not None:
                self._sa.dispose()
                self._sa = None

    # -- helpers -------------------------------------------------------------------------
    def check_statement(self, sql: str) -> None:
        ensure_single_statement(sql, self.dialect)
        if not self.read_only_session:
            ensure_read_only(sql, self.dialect)

    @contextmanager
    def session(self, timeout_s: float) -> Iterator[Connection]:
        """A connection in a read-only transaction with a timeout; always rolled back."""
        timer_fired = threading.Event()
        conn = self.connect()
        try:
            dbapi_connection = conn.connection.dbapi_connection
            key = id(dbapi_connection)
            self._active[key] = dbapi_connection
            forget = on_cancel(lambda: self.cancel_connection(dbapi_connection))
            timer = self._start_watchdog(dbapi_connection, timeout_s, timer_fired)
            try:
                self.prepare(conn, timeout_s)
                yield conn
            finally:
                if timer is not None:
                    timer.cancel()
                self._active.pop(key, None)
                forget()
                _release(conn)
        except NexatronError:
            raise
        except Exception as exc:
            error = query_error(exc, config_secrets(self), timeout_s, self.is_timeout(exc))
            if timer_fired.is_set():
                error = query_error(exc, [], timeout_s, True)
        else:
            return
        raise error from None

    def _start_watchdog(
        self, dbapi_connection: Any, timeout_s: float, fired: threading.Event
    ) -> Deadline | None:
        if not self.watchdog:
            return None

        def fire() -> None:
            fired.set()
            self.cancel_connection(dbapi_connection)

        return WATCHDOG.schedule(timeout_s, fire)


def _release(conn: Connection) -> None:
    try:
        conn.rollback()
    except Exception:
        conn.invalidate()
    finally:
        conn.close()


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)
