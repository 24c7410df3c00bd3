"""Feedback on answers and verified answers (extensions): POST /query/{id}/feedback,
PUT/DELETE /query/{id}/verified, GET /verified-answers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import Field

from nexatron import audit
from nexatron.api.deps import AppState, require
from nexatron.api.schemas import Request as Body
from nexatron.api.schemas import Response
from nexatron.errors import NotFound
from nexatron.identity.roles import Principal
from nexatron.query.service import query_service
from nexatron.semantic.model import SemanticQuery

router = APIRouter(tags=["query"])
Asker = Annotated[Principal, Depends(require("query:ask"))]
Verifier = Annotated[Principal, Depends(require("query:verify"))]


class FeedbackBody(Body):
    vote: Literal["up", "down"]
    comment: str | None = Field(default=None, max_length=4000)
    corrected_plan: SemanticQuery | None = Field(
        default=None, description="The semantic query the question should have had."
    )
    clarification: str | None = Field(
        default=None, max_length=500, description="The clarification option chosen."
    )


class FeedbackOut(Response):
    id: str
    query_id: str
    user_id: str
    vote: str
    comment: str | None = None
    corrected_plan: dict[str, Any] | None = None
    clarification: str | None = None
    created_at: dt.datetime


class VerifyBody(Body):
    question: str | None = Field(
        default=None,
        max_length=2000,
        description="The question as it should be matched (default: the one asked).",
    )
    plan: SemanticQuery | None = Field(
        default=None, description="A corrected plan (default: the answer's own plan)."
    )


class VerifiedOut(Response):
    id: str
    query_id: str
    connection_id: str
    question: str
    plan: dict[str, Any]
    verified_by: str
    created_at: dt.datetime
    updated_at: dt.datetime


class VerifiedList(Response):
    data: list[VerifiedOut]


@router.post(
    "/query/{query_id}/feedback",
    status_code=201,
    response_model=FeedbackOut,
    openapi_extra=audit.action("query.feedback"),
    responses={404: {"description": "No such answer visible to you."}},
)
def give_feedback(
    query_id: str, body: FeedbackBody, principal: Asker, services: AppState
) -> dict[str, Any]:
    """Thumbs up or down on an answer you can see, with an optional comment, corrected plan or
    chosen clarification (kept for the admins and usage analytics)."""
    service = query_service(services)
    row = service.history.query(principal, query_id)
    values = body.model_dump(mode="json", exclude_none=True)
    return service.verified.feedback(principal, row, values)


@router.put(
    "/query/{query_id}/verified",
    response_model=VerifiedOut,
    openapi_extra=audit.action("query.verify"),
    responses={
        404: {"description": "No such answer in this tenant."},
        422: {"description": "The answer was refused or has no semantic plan (pass `plan`)."},
    },
)
def verify_answer(
    query_id: str, principal: Verifier, services: AppState, body: VerifyBody | None = None
) -> dict[str, Any]:
    """Admins: mark an answer verified (or replace its question or plan). A later question with
    the same normalised words, or one the parser maps to the same plan (other dates and filter
    values allowed), reuses this plan and answers `verified: true`."""
    service = query_service(services)
    row = service.history.query(principal, query_id)
    body = body or VerifyBody()
    return service.verified.verify(principal, row, body.question, body.plan)


@router.delete(
    "/query/{query_id}/verified",
    status_code=204,
    openapi_extra=audit.action("query.unverify"),
    responses={404: {"description": "The answer is not verified (or not in this tenant)."}},
)
def unverify_answer(query_id: str, principal: Verifier, services: AppState) -> None:
    """Admins: the answer is no longer verified."""
    if not query_service(services).verified.unverify(principal, query_id):
        raise NotFound("This answer is not verified.")


@router.get("/verified-answers", response_model=VerifiedList)
def list_verified(
    principal: Asker,
    services: AppState,
    connection_id: Annotated[str | None, Query(description="Only this connection's")] = None,
) -> dict[str, Any]:
    """The tenant's verified answers, newest first."""
    return {"data": query_service(services).verified.listing(principal, connection_id)}
