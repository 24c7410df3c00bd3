"""POST /query/stream: one server-sent event per stage, exactly one terminal event.

Events: `llm` (its stages, when the LLM planned), `plan`, `sql`, `rows` (batches), `summary`,
then `done` or `error`. Each has an id; keep-alive comments are sent while the database works.
A client that disconnects cancels the query and frees its slot.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from functools import partial
from typing import Any, TypeVar

import anyio
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from nexatron.api.encoding import dump_json
from nexatron.connections.service import engine_for
from nexatron.errors import NexatronError
from nexatron.identity.roles import Principal
from nexatron.query import views
from nexatron.query.service import QueryService, query_service
from nexatron.query.types import Prepared
from nexatron.services import Services
from nexatron.warehouse.cancel import CURRENT, CancelScope
from nexatron.warehouse.types import ResultSet

log = logging.getLogger("nexatron.stream")
T = TypeVar("T")
BATCH = 1000


def _next(batches: Iterator[list[list[Any]]]) -> list[list[Any]] | None:
    return next(batches, None)


class _Stream:
    def __init__(
        self,
        service: QueryService,
        principal: Principal,
        question: str,
        connection_id: str | None,
        conversation_id: str | None,
    ) -> None:
        self.service = service
        self.principal = principal
        self.question = question
        self.connection_id = connection_id
        self.conversation_id = conversation_id
        self.seq = 0

    def event(self, name: str, data: Any) -> ServerSentEvent:
        self.seq += 1
        return ServerSentEvent(data=dump_json(data), event=name, id=str(self.seq))

    async def run(self) -> AsyncIterator[ServerSentEvent]:
        try:
            async for event in self._stages():
                yield event
        except NexatronError as exc:
            yield self.event("error", {"status": exc.status_code, "detail": exc.detail})
        except Exception:
            log.exception("stream failed")
            yield self.event("error", {"status": 500, "detail": "Internal server error."})

    async def _stages(self) -> AsyncIterator[ServerSentEvent]:
        service = self.service
        prepared: Prepared = await run_in_threadpool(
            service.prepare, self.principal, self.question, self.connection_id, self.conversation_id
        )
        if prepared.llm_stages:
            yield self.event(
                "llm", {"stages": prepared.llm_stages, "usage": views.usage_view(prepared)}
            )
        yield self.event(
            "plan",
            {
                "id": prepared.id,
                "conversation_id": prepared.conversation_id,
                "connection_id": prepared.context.connection.id,
                "plan": views.plan_view(prepared),
            },
        )
        if prepared.llm_sql:
            # LLM-written SQL is capped and may need its correction round: run it whole first.
            result, cached = await run_in_threadpool(service.execute, prepared)
            yield self.sql_event(prepared)
            for offset in range(0, max(len(result.rows), 1), BATCH):
                yield self.event(
                    "rows", {"offset": offset, "rows": result.rows[offset : offset + BATCH]}
                )
            count, kept, truncated = len(result.rows), result.rows, result.truncated
        else:
            yield self.sql_event(prepared)
            holder: list[Any] = []
            async for event in self._stream_rows(prepared, holder):
                yield event
            count, kept, truncated = holder
            cached = False
        result = ResultSet(columns=[], rows=kept, truncated=truncated or count > len(kept))
        answer = service.answer(prepared, result, cached=cached)
        answer.row_count = count
        yield self.event(
            "summary",
            {"summary": answer.summary, "chart": answer.chart, "warnings": answer.warnings},
        )
        service.record(prepared, answer)  # queued: written behind the answer
        yield self.event(
            "done",
            {
                "id": prepared.id,
                "row_count": count,
                "truncated": answer.truncated,
                "execution_time_ms": answer.execution_time_ms,
            },
        )

    def sql_event(self, prepared: Prepared) -> ServerSentEvent:
        return self.event(
            "sql",
            {
                "sql": prepared.sql,
                "dialect": prepared.context.dialect,
                "columns": views.columns_view(prepared),
            },
        )

    async def _stream_rows(
        self, prepared: Prepared, out: list[Any]
    ) -> AsyncIterator[ServerSentEvent]:
        """Rows in batches straight from the database; `out` receives (count, kept, truncated)."""
        settings = self.service.services.settings
        engine = engine_for(self.service.services, prepared.context.connection)
        sem = await run_in_threadpool(self.service.slots.acquire, self.principal.tenant_id)
        kept: list[list[Any]] = []
        count = 0
        truncated = False
        finished = False
        batches: Iterator[list[list[Any]]] | None = None
        scope = CancelScope()
        token = CURRENT.set(scope)  # worker threads inherit it; engines register interrupts
        try:
            _cols, opened = await _abandonable(
                engine.stream,
                prepared.sql,
                timeout_s=settings.statement_timeout_s,
                batch_size=BATCH,
            )
            batches = opened
            while True:
                batch = await _abandonable(_next, opened)
                if batch is None:
                    break
                if count + len(batch) > settings.stream_row_cap:
                    batch = batch[: settings.stream_row_cap - count]
                    truncated = True
                if len(kept) < settings.row_cap:
                    kept.extend(batch[: settings.row_cap - len(kept)])
                yield self.event("rows", {"offset": count, "rows": batch})
                count += len(batch)
                if truncated:
                    break
            finished = True
        finally:
            try:
                if not finished:  # the client went away (or the stream failed): stop the database
                    scope.cancel()
                if finished or batches is None:
                    _close(batches)  # nothing is fetching
                else:
                    with anyio.CancelScope(shield=True):
                        # Waits in a thread for the interrupted fetch, so the slot is freed only
                        # once the database has stopped, without holding up the event loop.
                        await anyio.to_thread.run_sync(_close, batches)
            finally:
                with contextlib.suppress(ValueError):  # finalised from another context
                    CURRENT.reset(token)
                sem.release()
        out.extend([count, kept, truncated])


async def _abandonable(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run blocking database work in a thread without shielding it from cancellation: when the
    client leaves, the await ends at once and the cancel scope interrupts the statement."""
    return await anyio.to_thread.run_sync(partial(func, *args, **kwargs), abandon_on_cancel=True)


def _close(batches: Iterator[list[list[Any]]] | None) -> None:
    """Return the cursor's connection (rolled back); any running statement was interrupted."""
    close = getattr(batches, "close", None)
    if close is not None:
        try:
            close()
        except Exception:  # the statement's own error was already reported, or nobody listens
            log.debug("closing an abandoned stream failed", exc_info=True)


def stream_answer(
    request: Request,
    services: Services,
    principal: Principal,
    question: str,
    connection_id: str | None,
    conversation_id: str | None,
) -> EventSourceResponse:
    stream = _Stream(query_service(services), principal, question, connection_id, conversation_id)
    return EventSourceResponse(stream.run(), ping=10, send_timeout=30)
