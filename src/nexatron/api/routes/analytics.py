"""Usage analytics (tenant admins): questions by outcome, latency, rows and tokens per period,
and what the parser most often fails to understand."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from nexatron.api.deps import AppState, require
from nexatron.errors import BadRequest
from nexatron.identity.roles import Principal
from nexatron.query.service import query_service
from nexatron.usage import analytics

router = APIRouter(prefix="/analytics", tags=["analytics"])
Admin = Annotated[Principal, Depends(require("tenant:admin"))]
MAX_DAYS = 400
FORBIDDEN: dict[int | str, dict[str, Any]] = {
    400: {"description": "`from` after `to`, or a window longer than 400 days."},
    403: {"description": "Only a tenant admin reads analytics."},
}


def window(first: dt.date | None, last: dt.date | None) -> tuple[dt.date, dt.date]:
    last = last or dt.datetime.now(dt.UTC).date()
    first = first or last - dt.timedelta(days=29)
    if first > last:
        raise BadRequest("`from` must not be after `to`.")
    if (last - first).days >= MAX_DAYS:
        raise BadRequest(f"The window is at most {MAX_DAYS} days.")
    return first, last


def _flushed(services: Any) -> None:
    """This process's answers still queued for the writer are counted too."""
    query_service(services).recorder.flush()


From = Annotated[
    dt.date | None, Query(alias="from", description="First UTC day (default: 29 days before to).")
]
To = Annotated[dt.date | None, Query(description="Last UTC day, included (default: today).")]


@router.get("/usage", responses=FORBIDDEN)
def usage(
    principal: Admin,
    services: AppState,
    first: From = None,
    to: To = None,
    granularity: analytics.Granularity = "day",
    group_by: analytics.GroupBy | None = None,
) -> dict[str, Any]:
    """Per period (and group): questions answered, refused, clarified and errored, cache hits,
    p50/p95 latency (from a histogram: exact to its bucket), rows, LLM tokens, active users and
    keys."""
    start, end = window(first, to)
    _flushed(services)
    with services.db.connect() as conn:
        data = analytics.usage(conn, principal.tenant_id, start, end, granularity, group_by)
    return {
        "from": start,
        "to": end,
        "granularity": granularity,
        "group_by": group_by,
        "data": data,
    }


@router.get("/questions", responses=FORBIDDEN)
def questions(
    principal: Admin,
    services: AppState,
    first: From = None,
    to: To = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> dict[str, Any]:
    """The most asked questions, and the words most often left unmatched by refusals and
    clarifications, with counts, sample questions and the suggested metrics or dimensions."""
    start, end = window(first, to)
    _flushed(services)
    with services.db.connect() as conn:
        found = analytics.questions(conn, principal.tenant_id, start, end, limit)
    return {"from": start, "to": end, **found}
