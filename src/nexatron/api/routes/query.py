"""The Query resource: ask (JSON or CSV), stream (server-sent events), history, get, delete."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response as RawResponse
from pydantic import Field
from sqlalchemy import Row

from nexatron import audit
from nexatron.api.deps import AppState, require
from nexatron.api.encoding import dump_json
from nexatron.api.schemas import Request as Body
from nexatron.api.schemas import Response
from nexatron.api.sse import stream_answer
from nexatron.identity.roles import Principal
from nexatron.query import views
from nexatron.query.service import query_service
from nexatron.services import Services

router = APIRouter(prefix="/query", tags=["query"])
# What asking can answer besides the route's own responses (documented on both ask routes).
BUSY: dict[int | str, dict[str, Any]] = {
    429: {
        "description": "Rate limit reached, the tenant's concurrent queries "
        "(NEXATRON_MAX_CONCURRENT_QUERIES_PER_TENANT) stayed busy for 5 s, or a monthly quota "
        "of the plan is used up (`detail.code` = `quota_exceeded`, `detail.meter`; Retry-After "
        "is the end of the period). With a question quota, answers carry X-Quota-Limit, "
        "X-Quota-Remaining, X-Quota-Reset (epoch seconds) and X-Quota-Meter."
    },
    503: {
        "description": "A service the answer needs is unavailable: the LLM provider, or Redis "
        "for query slots when NEXATRON_REDIS_FAIL_OPEN=0."
    },
}
Asker = Annotated[Principal, Depends(require("query:ask"))]


class AskBody(Body):
    question: str = Field(min_length=1, max_length=2000)
    conversation_id: str | None = Field(
        default=None,
        description="Continue a conversation "
        "(follow-ups start from its last plan); created when absent.",
    )
    connection_id: str | None = Field(
        default=None, description="May be omitted when the tenant has one default connection."
    )
    format: Literal["json", "csv"] = "json"


class Column(Response):
    name: str
    type: str
    role: str
    label: str


class QueryResult(Response):
    id: str
    question: str
    data: list[dict[str, Any]]
    summary: str | None
    conversation_id: str
    connection_id: str
    execution_time_ms: float | None
    created_at: dt.datetime
    sql: str | None = Field(default=None, description="Extension: the SQL that ran.")
    plan: dict[str, Any] | None = Field(
        default=None,
        description="Extension: the semantic query, what each word mapped to, resolved dates.",
    )
    columns: list[Column] = Field(default_factory=list, description="Extension.")
    row_count: int | None = None
    truncated: bool = False
    chart: dict[str, Any] | None = Field(default=None, description="Extension: Vega-Lite v5.")
    warnings: list[str] = Field(default_factory=list)
    cached: bool = False
    status: str = "answered"
    verified: bool = Field(
        default=False,
        description="Extension: planned from an admin-verified answer (PUT /query/{id}/verified).",
    )


class HistoryPage(Response):
    data: list[QueryResult]
    next_cursor: str | None


def _csv(columns: list[dict[str, Any]], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c["name"] for c in columns])
    writer.writerows(rows)
    return buffer.getvalue()


@router.post(
    "",
    response_model=QueryResult,
    responses={
        200: {"content": {"text/csv": {}}, "description": "JSON by default; CSV when format=csv"},
        422: {
            "description": "Refusal or clarification: `detail` names unmatched words, candidates "
            "and suggestions."
        },
        **BUSY,
    },
)
async def ask(body: AskBody, principal: Asker, services: AppState) -> Any:
    """Answer a question: rows, the SQL that produced them, and a one-sentence summary."""
    return await respond(services, principal, body)


async def respond(services: Services, principal: Principal, body: AskBody) -> RawResponse:
    """The response to POST /query (JSON, or CSV with format=csv): the route above's and, on
    its hot path, api/ask_hotpath.py's."""
    service = query_service(services)
    with service.recorder.answering():  # the history writer waits until the body is built
        prepared, answer = await service.ask_async(
            principal, body.question.strip(), body.connection_id, body.conversation_id
        )
        quota = prepared.quota.headers() if prepared.quota is not None else None
        if body.format == "csv":
            return RawResponse(
                _csv(views.columns_view(prepared), answer.rows),
                media_type="text/csv",
                headers={
                    "X-Query-Id": prepared.id,
                    "X-Conversation-Id": prepared.conversation_id,
                    **(quota or {}),
                },
            )
        # Rendered directly: the payload is built from typed stages, and skipping a second
        # validation of every row keeps large answers cheap (the schema above documents it).
        payload = dump_json(views.response(prepared, answer))
    return RawResponse(payload, media_type="application/json", headers=quota)


@router.post(
    "/stream",
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "Events: plan, sql, rows (batches), summary, then exactly one "
            "done or error.",
        },
        **BUSY,
    },
)
async def ask_stream(body: AskBody, request: Request, principal: Asker, services: AppState) -> Any:
    """Server-sent events, one per stage; a client that disconnects cancels the query.

    Extensions: on a plan with a question quota the response carries the `X-Quota-*` headers
    (this question counted) and the terminal `done` or `error` event a `quota` object (`meter`,
    `limit`, `remaining`, `reset`) with what remains once the outcome is known. A stream that
    fails after the question was understood is kept in the history as `errored`."""
    return await stream_answer(
        request,
        services,
        principal,
        body.question.strip(),
        body.connection_id,
        body.conversation_id,
    )


def _view(row: Row[Any]) -> dict[str, Any]:
    names = [c["name"] for c in (row.columns or [])]
    return {
        "id": row.id,
        "question": row.question,
        "data": [dict(zip(names, r, strict=False)) for r in (row.data or [])],
        "summary": row.summary,
        "conversation_id": row.conversation_id,
        "connection_id": row.connection_id,
        "execution_time_ms": row.execution_time_ms,
        "created_at": row.created_at,
        "sql": row.sql,
        "plan": row.plan,
        "columns": row.columns or [],
        "row_count": row.row_count,
        "truncated": row.truncated,
        "chart": row.chart,
        "warnings": row.warnings or [],
        "status": row.status,
        "verified": bool((row.plan or {}).get("verified")),
    }


@router.get(
    "/history",
    response_model=HistoryPage,
    responses={400: {"description": "The cursor is not a next_cursor this server issued."}},
)
def list_history(
    principal: Asker,
    services: AppState,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
    connection_id: str | None = None,
    conversation_id: str | None = None,
    status: Annotated[
        Literal["answered", "refused", "clarified", "errored", "all"],
        Query(description="Which outcomes to list: answered questions by default."),
    ] = "answered",
) -> dict[str, Any]:
    """Newest first. Users see their own queries; admins see the whole tenant's. Refused,
    clarified and failed questions are kept too (for usage analytics): ask for them by
    `status`."""
    rows, next_cursor = query_service(services).history.page(
        principal,
        limit=limit,
        cursor=cursor,
        connection_id=connection_id,
        conversation_id=conversation_id,
        status=status,
    )
    return {"data": [_view(r) for r in rows], "next_cursor": next_cursor}


@router.get("/{query_id}", response_model=QueryResult)
def get_query(query_id: str, principal: Asker, services: AppState) -> dict[str, Any]:
    """The stored answer (rows bounded to the first NEXATRON_STORED_ROWS).

    History is written just behind each answer; an id answered a moment ago by another worker
    process is waited for (up to 100 ms) before this returns 404.
    """
    return _view(query_service(services).history.query(principal, query_id))


@router.delete("/{query_id}", status_code=204, openapi_extra=audit.action("query.delete"))
def delete_query(query_id: str, principal: Asker, services: AppState) -> None:
    query_service(services).history.delete(principal, query_id)
