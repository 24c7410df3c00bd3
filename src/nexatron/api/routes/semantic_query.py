"""POST /semantic/query: the structured query (metrics, dimensions, filters, time) that BI tools
and agents send when they already know what they want. Same answer as POST /query."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response as RawResponse

from nexatron.api.deps import AppState
from nexatron.api.encoding import dump_json
from nexatron.api.routes.query import BUSY, Asker, QueryResult
from nexatron.query import views
from nexatron.query.service import query_service
from nexatron.query.structured import StructuredQuery

router = APIRouter(prefix="/semantic", tags=["semantic layer"])


@router.post(
    "/query",
    response_model=QueryResult,
    responses={
        404: {"description": "The connection is not one of this tenant's."},
        422: {
            "description": 'One entry per bad field (`loc` like ["body", "metrics", 0]): '
            "unknown metric, dimension or time dimension (with the closest known names), a "
            "filter's values that do not fit its operator, an order field outside the query, a "
            "date range that cannot be read, or a combination the layer cannot join."
        },
        **BUSY,
    },
)
async def structured_query(body: StructuredQuery, principal: Asker, services: AppState) -> Any:
    """Run a structured query against a connection's semantic layer: rows, the SQL that produced
    them, a summary, a chart and the columns, exactly as POST /query answers a question. It
    passes the same SQL guard, concurrency slots, result cache, quota and history."""
    prepared, answer = await query_service(services).ask_structured_async(principal, body)
    quota = prepared.quota.headers() if prepared.quota is not None else None
    return RawResponse(
        dump_json(views.response(prepared, answer)),
        media_type="application/json",
        headers=quota,
    )
