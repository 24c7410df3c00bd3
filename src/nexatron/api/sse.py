"""POST /query/stream: one server-sent event per stage, exactly one terminal event.

Events: `llm` (its stages, when the LLM planned), `plan`, `sql`, `rows` (batches), `summary`,
then `done` or `error`. Each has an id; keep-alive comments are sent while the database works.
A client that disconnects cancels the query and frees its slot.

The question's quota unit is taken before the stream starts, so a question over quota is a plain
429 and the response headers carry `X-Quota-*` (the unit of this question counted); the terminal
event's `quota` says what remains once the outcome is known (a question not answered gives its
unit back). A stream that fails after its question was understood (the database fails while
rows are sent, or anything else) is recorded in the history as `errored`, like the ask route's
failures; a client that leaves is not an outcome and is not recorded.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from nexatron.api.encoding import dump_json
from nexatron.errors import NexatronError, RateLimited
from nexatron.identity.roles import Principal
from nexatron.query import views
from nexatron.query.service import QueryService, query_service
from nexatron.query.types import Prepared
from nexatron.services import Services
from nexatron.usage.quota import QuotaExceeded, Ticket
from nexatron.warehouse.stream import JsonRows


class StreamFailed(NexatronError):
    """What the history keeps for a stream that failed on an unexpected error."""

    status_code = 500

    @classmethod
    def default_detail(cls) -> str:
        return "Internal server error."


log = logging.getLogger("nexatron.stream")


class _RowsEvent(ServerSentEvent):
    """A `rows` event: `{"offset": ..., "rows": [...]}` around rows already rendered as JSON text
    (the text `dump_json` makes of that payload), encoded without the generic line splitting:
    compact JSON holds no line break."""

    def __init__(self, offset: int, batch: JsonRows, event_id: str) -> None:
        super().__init__(f'{{"offset":{offset},"rows":[{batch.text}]}}', event="rows", id=event_id)

    def encode(self) -> bytes:
        return f"id: {self.id}\r\nevent: rows\r\ndata: {self.data}\r\n\r\n".encode()


class _Stream:
    def __init__(
        self,
        service: QueryService,
        principal: Principal,
        question: str,
        connection_id: str | None,
        conversation_id: str | None,
        ticket: Ticket | None,
    ) -> None:
        self.service = service
        self.ticket = ticket
        self.principal = principal
        self.question = question
        self.connection_id = connection_id
        self.conversation_id = conversation_id
        self.seq = 0

    def event(self, name: str, data: Any) -> ServerSentEvent:
        self.seq += 1
        return ServerSentEvent(data=dump_json(data), event=name, id=str(self.seq))

    def quota(self) -> dict[str, Any]:
        """The terminal events' `quota` (empty without a question quota)."""
        if self.ticket is None:
            return {}
        headers = self.ticket.headers()
        return {
            "quota": {
                "meter": headers["X-Quota-Meter"],
                "limit": int(headers["X-Quota-Limit"]),
                "remaining": int(headers["X-Quota-Remaining"]),
                "reset": int(headers["X-Quota-Reset"]),
            }
        }

    async def run(self) -> AsyncIterator[ServerSentEvent]:
        answered = False
        try:
            async for event in self._answer():
                if event.event == "summary":
                    answered = True  # recorded as answered: the unit is spent
                yield event
        except NexatronError as exc:
            self._give_back(answered)
            detail = {"status": exc.status_code, "detail": exc.detail, **self.quota()}
            yield self.event("error", detail)
        except Exception:
            log.exception("stream failed")
            self._give_back(answered)
            failed = {"status": 500, "detail": "Internal server error.", **self.quota()}
            yield self.event("error", failed)
        finally:
            self._give_back(answered)  # a client that left: not answered either

    def _give_back(self, answered: bool) -> None:
        if self.ticket is not None and not answered:
            self.ticket.refund()  # once only

    async def _answer(self) -> AsyncIterator[ServerSentEvent]:
        service = self.service
        prepared: Prepared = await run_in_threadpool(
            service.prepare, self.principal, self.question, self.connection_id, self.conversation_id
        )  # refusals and clarifications are recorded by prepare
        prepared.quota = self.ticket
        recorded = False
        try:
            async for event in self._stream(prepared):
                if event.event == "summary":
                    recorded = True
                yield event
        except (RateLimited, QuotaExceeded):
            raise  # the tenant's slots or token quota: not an outcome (as on the ask route)
        except NexatronError as error:
            if not recorded:
                self._record_failure(prepared, error)
            raise
        except Exception:
            if not recorded:
                self._record_failure(prepared, StreamFailed())
            raise

    def _record_failure(self, prepared: Prepared, error: NexatronError) -> None:
        self.service.record_failure(
            prepared.principal, prepared.context.connection, prepared.conversation_id,
            prepared.question, prepared.planner, error, prepared.started, prepared.id, prepared,
        )  # fmt: skip

    async def _stream(self, prepared: Prepared) -> AsyncIterator[ServerSentEvent]:
        service = self.service
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
        rows = service.stream(prepared)
        await rows.open()
        yield self.sql_event(prepared)
        async with contextlib.aclosing(rows.batches()) as batches:  # closed even if we fail
            async for offset, batch in batches:
                yield self.rows_event(offset, batch)
        count = rows.row_count
        answer = service.answer(prepared, rows.result, cached=rows.cached)
        answer.row_count = count
        service.record(prepared, answer)  # queued: written behind the answer
        yield self.event(
            "summary",
            {"summary": answer.summary, "chart": answer.chart, "warnings": answer.warnings},
        )
        yield self.event(
            "done",
            {
                "id": prepared.id,
                "row_count": count,
                "truncated": answer.truncated,
                "execution_time_ms": answer.execution_time_ms,
                **self.quota(),
            },
        )

    def rows_event(self, offset: int, batch: JsonRows) -> ServerSentEvent:
        self.seq += 1
        return _RowsEvent(offset, batch, str(self.seq))

    def sql_event(self, prepared: Prepared) -> ServerSentEvent:
        return self.event(
            "sql",
            {
                "sql": prepared.sql,
                "dialect": prepared.context.dialect,
                "columns": views.columns_view(prepared),
            },
        )


async def stream_answer(
    request: Request,
    services: Services,
    principal: Principal,
    question: str,
    connection_id: str | None,
    conversation_id: str | None,
) -> EventSourceResponse:
    """Takes the question's quota unit first: over quota is a 429 before any event."""
    service = query_service(services)
    ticket = await run_in_threadpool(service.quotas.admit, principal)
    stream = _Stream(service, principal, question, connection_id, conversation_id, ticket)
    headers = ticket.headers() if ticket is not None else None
    return EventSourceResponse(stream.run(), ping=10, send_timeout=30, headers=headers)
