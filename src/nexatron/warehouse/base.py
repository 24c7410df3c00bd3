"""The interface every engine class implements. One subclass per engine, registered by name."""

from __future__ import annotations

import abc
from collections.abc import Iterator
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from nexatron.warehouse.policy import UNCHECKED, Gate
from nexatron.warehouse.stream import JsonRows, RenderedBatches
from nexatron.warehouse.types import ResultColumn, ResultSet, SchemaSnapshot, TestResult


class EngineConfig(BaseModel):
    """Base of each engine's typed config. Fields named in `secret_fields` are encrypted at rest
    and never returned by the API."""

    model_config = ConfigDict(extra="forbid")
    secret_fields: ClassVar[tuple[str, ...]] = ("password",)


class Engine(abc.ABC):
    """A live handle on one connection: pooled, read-only, with timeouts and a row cap."""

    type_name: ClassVar[str]  # e.g. "postgres"
    label: ClassVar[str]  # e.g. "PostgreSQL"
    dialect: ClassVar[str]  # the sqlglot dialect name, e.g. "postgres"
    extra: ClassVar[str | None]  # the pip extra that brings the driver, e.g. "postgres"
    config_model: ClassVar[type[EngineConfig]]

    def __init__(
        self, config: EngineConfig, *, connect_timeout_s: float = 10.0, gate: Gate = UNCHECKED
    ) -> None:
        self.config = config
        self.connect_timeout_s = connect_timeout_s
        #: The connection policy for this tenant; asked at every connect (warehouse/policy.py).
        self.gate = gate

    @abc.abstractmethod
    def test(self) -> TestResult:
        """A real round trip; never raises for connectivity problems, classifies them instead."""

    @abc.abstractmethod
    def introspect(self) -> SchemaSnapshot:
        """Bulk catalog queries: tables, views, columns, keys, approximate row counts."""

    @abc.abstractmethod
    def execute(self, sql: str, *, timeout_s: float, row_cap: int) -> ResultSet:
        """Run one read-only statement; fetch at most `row_cap` rows (truncated flags more)."""

    @abc.abstractmethod
    def stream(
        self, sql: str, *, timeout_s: float, batch_size: int = 1000
    ) -> tuple[list[ResultColumn], Iterator[list[list[Any]]]]:
        """Run one read-only statement and yield JSON-safe row batches without holding them all.
        Closing the iterator (or `cancel()`) stops the query."""

    def stream_json(
        self, sql: str, *, timeout_s: float, batch_size: int = 1000
    ) -> Iterator[JsonRows]:
        """`stream`'s batches as JSON text, for the stream route. Engines whose database can
        render the JSON itself (DuckDB) override this; the text must be exactly what
        `JsonRows.of` makes of the converted rows. Closing the iterator stops the query."""
        _columns, batches = self.stream(sql, timeout_s=timeout_s, batch_size=batch_size)
        return RenderedBatches(batches)

    def cancel(self) -> None:  # noqa: B027 - optional for engines that cannot cancel
        """Best-effort cancellation of running statements."""

    @abc.abstractmethod
    def dispose(self) -> None:
        """Close pooled connections (on update and delete of the connection)."""
