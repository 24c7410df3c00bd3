"""POST /query/stream: one server-sent event per stage, exactly one terminal event.

Events: `llm` (its stages, when the LLM planned), `plan`, `sql`, `rows` (batches), `summary`,
then `done` or `error`. Each has an id; keep-alive comments are sent while the database works.
A client that disconnects cancels the query and frees its slot.

The question's quota unit is taken before the stream starts, so a question over quota is a plain
429 and the response headers carry `X-Quota-*` (the unit of this question counted); the terminal
event's `quota` says what remains once the outcome is known (a question not answered gives its
unit back). The stages, what is recorded (a stream that fails after its question was understood
is `errored`; a client that leaves is not an outcome) and the refund are
`query/answer_stream.py`'s; this module only frames them.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from nexatron.api.encoding import dump_json
from nexatron.identity.roles import Principal
from nexatron.query import views
from nexatron.query.answer_stream import (
    Answered,
    Done,
    Failed,
    LlmPlanned,
    Planned,
    RowsBatch,
    SqlReady,
    Stage,
    answer_stream,
)
from nexatron.query.service import query_service
from nexatron.services import Services
from nexatron.usage.quota import Ticket
from nexatron.warehouse.stream import JsonRows


class _RowsEvent(ServerSentEvent):
    """A `rows` event: `{"offset": ..., "rows": [...]}` around rows already rendered as JSON text
    (the text `dump_json` makes of that payload), encoded without the generic line splitting:
    compact JSON holds no line break."""

    def __init__(self, offset: int, batch: JsonRows, event_id: str) -> None:
        super().__init__(f'{{"offset":{offset},"rows":[{batch.text}]}}', event="rows", id=event_id)

    def encode(self) -> bytes:
        return f"id: {self.id}\r\nevent: rows\r\ndata: {self.data}\r\n\r\n".encode()


class _Frames:
    """Stages as numbered events."""

    def __init__(self, ticket: Ticket | None) -> None:
        self.ticket = ticket
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

    def frame(self, stage: Stage) -> ServerSentEvent:
        if isinstance(stage, RowsBatch):
            self.seq += 1
            return _RowsEvent(stage.offset, stage.batch, str(self.seq))
        if isinstance(stage, LlmPlanned):
            prepared = stage.prepared
            usage = views.usage_view(prepared)
            return self.event("llm", {"stages": prepared.llm_stages, "usage": usage})
        if isinstance(stage, Planned):
            prepared = stage.prepared
            return self.event(
                "plan",
                {
                    "id": prepared.id,
                    "conversation_id": prepared.conversation_id,
                    "connection_id": prepared.context.connection.id,
                    "plan": views.plan_view(prepared),
                },
            )
        if isinstance(stage, SqlReady):
            prepared = stage.prepared
            return self.event(
                "sql",
                {
                    "sql": prepared.sql,
                    "dialect": prepared.context.dialect,
                    "columns": views.columns_view(prepared),
                },
            )
        if isinstance(stage, Answered):
            answer = stage.answer
            body = {"summary": answer.summary, "chart": answer.chart, "warnings": answer.warnings}
            return self.event("summary", body)
        if isinstance(stage, Done):
            answer = stage.answer
            return self.event(
                "done",
                {
                    "id": stage.prepared.id,
                    "row_count": stage.row_count,
                    "truncated": answer.truncated,
                    "execution_time_ms": answer.execution_time_ms,
                    **self.quota(),
                },
            )
        assert isinstance(stage, Failed)
        error = stage.error
        return self.event(
            "error", {"status": error.status_code, "detail": error.detail, **self.quota()}
        )


async def _events(
    stages: AsyncGenerator[Stage, None], frames: _Frames
) -> AsyncIterator[ServerSentEvent]:
    async with contextlib.aclosing(stages) as each:  # a client that left closes the stages
        async for stage in each:
            yield frames.frame(stage)


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
    stages = answer_stream(service, principal, question, connection_id, conversation_id, ticket)
    headers = ticket.headers() if ticket is not None else None
    return EventSourceResponse(
        _events(stages, _Frames(ticket)), ping=10, send_timeout=30, headers=headers
    )
