"""POST /query/stream: one server-sent event per stage, exactly one terminal event.

Events: `llm` (its stages, when the LLM planned), `plan`, `sql`, `rows` (batches), `summary`,
then `done` or `error`. Each has an id; keep-alive comments are sent while the database works.
A client that disconnects cancels the query and frees its slot.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from nexatron.api.encoding import dump_json
from nexatron.errors import NexatronError
from nexatron.identity.roles import Principal
from nexatron.query import views
from nexatron.query.service import QueryService, query_service
from nexatron.query.types import Prepared
from nexatron.services import Services

log = logging.getLogger("nexatron.stream")


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
        ticket = await run_in_threadpool(self.service.quotas.admit, self.principal)
        answered = False
        try:
            async for event in self._answer():
                if event.event == "done":
                    answered = True
                yield event
        finally:
            if ticket is not None and not answered:
                ticket.refund()  # not answered: the quota unit goes back

    async def _answer(self) -> AsyncIterator[ServerSentEvent]:
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
        rows = service.stream(prepared)
        await rows.open()
        yield self.sql_event(prepared)
        async for offset, batch in rows.batches():
            yield self.event("rows", {"offset": offset, "rows": batch})
        count = rows.row_count
        answer = service.answer(prepared, rows.result, cached=rows.cached)
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
