"""Usage analytics (tenant admins): questions by outcome, latency, rows and tokens per period,
and what the parser most often fails to understand."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response as RawResponse
from pydantic import Field

from nexatron.api.deps import AppState, require
from nexatron.api.encoding import dump_json
from nexatron.api.schemas import Response
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


class Latency(Response):
    p50: float | None
    p95: float | None
    mean: float | None


class Group(Response):
    by: str
    value: str | None


class UsageBucket(Response):
    period_start: str
    group: Group | None = None
    questions: int
    answered: int
    refused: int
    clarified: int
    errored: int
    cache_hits: int
    latency_ms: Latency
    rows_returned: int
    llm_tokens_in: int
    llm_tokens_out: int
    active_users: int
    active_keys: int


class UsageReport(Response):
    from_: dt.date = Field(alias="from")
    to: dt.date
    granularity: str
    group_by: str | None
    data: list[UsageBucket]


class Votes(Response):
    up: int
    down: int


class TopQuestion(Response):
    question: str = Field(description="The question normalised (lower case, spaces collapsed).")
    count: int
    sample: str | None = Field(description="One of the questions as asked.")
    feedback: Votes = Field(
        description="Extension: votes on the answers to this question in the window "
        "(POST /query/{id}/feedback)."
    )
    verified: bool = Field(
        description="Extension: an admin verified an answer to this question (the same words)."
    )


class UnmatchedWord(Response):
    word: str
    count: int
    sample_questions: list[str]
    suggestions: dict[str, Any]


class QuestionsReport(Response):
    from_: dt.date = Field(alias="from")
    to: dt.date
    top_questions: list[TopQuestion]
    unmatched_words: list[UnmatchedWord]


def window(first: dt.date | None, last: dt.date | None) -> tuple[dt.date, dt.date]:
    last = last or dt.datetime.now(dt.UTC).date()
    if first is None:
        if last < dt.date(1, 1, 30):
            raise BadRequest("`to` is too early for a 30-day window; give `from` too.")
        first = last - dt.timedelta(days=29)
    if first > last:
        raise BadRequest("`from` must not be after `to`.")
    if (last - first).days >= MAX_DAYS:
        raise BadRequest(f"The window is at most {MAX_DAYS} days.")
    return first, last


From = Annotated[
    dt.date | None, Query(alias="from", description="First UTC day (default: 29 days before to).")
]
To = Annotated[dt.date | None, Query(description="Last UTC day, included (default: today).")]


@router.get("/usage", response_model=UsageReport, responses=FORBIDDEN)
def usage(
    principal: Admin,
    services: AppState,
    first: From = None,
    to: To = None,
    granularity: analytics.Granularity = "day",
    group_by: analytics.GroupBy | None = None,
) -> Any:
    """Per period (and group): questions answered, refused, clarified and errored, cache hits,
    p50/p95 latency (from a histogram: exact to its bucket), rows, LLM tokens, active users and
    keys."""
    start, end = window(first, to)
    reads = query_service(services).usage_reads
    data = reads.usage(principal.tenant_id, start, end, granularity, group_by)
    # Rendered directly (the model above documents it): a grouped report has thousands of
    # entries, and FastAPI's encoder would cost more than computing them.
    body = {
        "from": start,
        "to": end,
        "granularity": granularity,
        "group_by": group_by,
        "data": data,
    }
    return RawResponse(dump_json(body), media_type="application/json")


@router.get("/questions", response_model=QuestionsReport, responses=FORBIDDEN)
def questions(
    principal: Admin,
    services: AppState,
    first: From = None,
    to: To = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> Any:
    """The most asked questions, and the words most often left unmatched by refusals and
    clarifications, with counts, sample questions and the suggested metrics or dimensions."""
    start, end = window(first, to)
    found = query_service(services).usage_reads.questions(principal.tenant_id, start, end, limit)
    return RawResponse(
        dump_json({"from": start, "to": end, **found}), media_type="application/json"
    )
