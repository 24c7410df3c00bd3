"""A question's rows as they come from the database, for the stream route.

`RowStream` owns everything between a prepared question and its batches: the tenant's slot, the
engine, the row caps and the cancel scope. A consumer that stops iterating (the client left)
interrupts exactly its own statement; the slot is given back only once the database has stopped.
LLM-written SQL (capped, and possibly corrected once after a database error) runs whole first and
is then handed out in batches.

Batches travel as JSON text (`JsonRows`): DuckDB renders it itself, other engines in Python a
batch at a time. Memory stays bounded: each worker-thread hop takes at most `PREFETCH` batches,
and the next hop starts only once the consumer has taken them all (the route's sends wait for the
client), so no more than that is ever held, whatever the result's size. Only the first `row_cap`
rows are parsed back into Python values, for the summary and the history.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncGenerator, Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
from starlette.concurrency import run_in_threadpool

from nexatron.warehouse.cancel import CURRENT, CancelScope
from nexatron.warehouse.stream import JsonRows
from nexatron.warehouse.types import ResultSet

if TYPE_CHECKING:
    from nexatron.query.service import QueryService
    from nexatron.query.types import Prepared

log = logging.getLogger("nexatron.stream")
T = TypeVar("T")
BATCH = 1000
#: Batches fetched per worker-thread hop (a hop costs ~0.1 ms; a batch of 1,000 rows is ~25 KB).
PREFETCH = 8

Rows = list[list[Any]]


class RowStream:
    """Iterate `batches()` for `(offset, rows)`; afterwards `result` holds the kept rows (up to
    the row cap), `row_count` every row sent and `cached` whether the result cache answered."""

    def __init__(self, service: QueryService, prepared: Prepared) -> None:
        self.service = service
        self.prepared = prepared
        self.row_count = 0
        self.cached = False
        self._kept: Rows = []
        self._truncated = False
        self._whole: ResultSet | None = None
        #: The engine's batches while the database streams them (None otherwise).
        self.source: Iterator[JsonRows] | None = None

    @property
    def result(self) -> ResultSet:
        truncated = self._truncated or self.row_count > len(self._kept)
        return ResultSet(columns=[], rows=self._kept, truncated=truncated)

    async def open(self) -> None:
        """Run LLM-written SQL whole (its correction round may change the SQL, so callers show
        `prepared.sql` after this); a compiled query starts streaming at the first batch."""
        if self.prepared.llm_sql and self._whole is None:
            result, self.cached = await run_in_threadpool(self.service.execute, self.prepared)
            self._whole = result

    async def batches(self) -> AsyncGenerator[tuple[int, JsonRows], None]:
        if not self.prepared.llm_sql:
            # aclosing: a consumer that closes this generator (not only one cancelled inside it)
            # stops the statement and frees the slot at once, not when the inner one is collected
            async with contextlib.aclosing(self._from_database()) as batches:
                async for batch in batches:
                    yield batch
            return
        await self.open()
        assert self._whole is not None
        rows = self._whole.rows
        self._kept, self._truncated, self.row_count = rows, self._whole.truncated, len(rows)
        for offset in range(0, max(len(rows), 1), BATCH):
            yield offset, JsonRows.of(rows[offset : offset + BATCH])

    async def _from_database(self) -> AsyncGenerator[tuple[int, JsonRows], None]:
        from nexatron.connections.service import engine_for

        service, prepared = self.service, self.prepared
        settings = service.services.settings
        engine = engine_for(service.services, prepared.context.connection)
        async with service.slots.hold_async(prepared.principal.tenant_id):
            finished = False
            scope = CancelScope()
            token = CURRENT.set(scope)  # worker threads inherit it; engines register interrupts
            try:
                self.source = await _abandonable(
                    engine.stream_json,
                    prepared.sql,
                    timeout_s=settings.statement_timeout_s,
                    batch_size=BATCH,
                )
                while not self._truncated:
                    taken = await _abandonable(_take, self.source, PREFETCH)
                    for batch in taken:
                        batch = self._keep(batch, settings.stream_row_cap, settings.row_cap)
                        yield self.row_count, batch
                        self.row_count += batch.count
                        if self._truncated:
                            break
                    if len(taken) < PREFETCH:
                        break
                finished = True
            finally:
                try:
                    await _stop(scope, self.source, finished)
                finally:
                    with contextlib.suppress(ValueError):  # finalised from another context
                        CURRENT.reset(token)

    def _keep(self, batch: JsonRows, stream_cap: int, row_cap: int) -> JsonRows:
        if self.row_count + batch.count > stream_cap:
            batch = batch.head(stream_cap - self.row_count)
            self._truncated = True
        if len(self._kept) < row_cap:
            self._kept.extend(batch.rows()[: row_cap - len(self._kept)])
        return batch


def _take(batches: Iterator[JsonRows], count: int) -> list[JsonRows]:
    """Up to `count` batches (fewer only at the end of the rows)."""
    taken: list[JsonRows] = []
    for batch in batches:
        taken.append(batch)
        if len(taken) == count:
            break
    return taken


async def _stop(scope: CancelScope, batches: Iterator[JsonRows] | None, finished: bool) -> None:
    """Close the cursor; when the consumer left early, interrupt the statement first and wait
    (in a shielded worker thread) for the interrupted fetch, so the slot is freed only once the
    database has stopped, without holding up the event loop."""
    if not finished:
        scope.cancel()
    if finished or batches is None:
        _close(batches)  # nothing is fetching
        return
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(_close, batches)


async def _abandonable(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run blocking database work in a thread without shielding it from cancellation: when the
    client leaves, the await ends at once and the cancel scope interrupts the statement."""
    return await anyio.to_thread.run_sync(partial(func, *args, **kwargs), abandon_on_cancel=True)


def _close(batches: Iterator[JsonRows] | None) -> None:
    """Return the cursor's connection (rolled back); any running statement was interrupted."""
    close = getattr(batches, "close", None)
    if close is not None:
        try:
            close()
        except Exception:  # the statement's own error was already reported, or nobody listens
            log.debug("closing an abandoned stream failed", exc_info=True)
