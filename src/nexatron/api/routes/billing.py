"""The tenant's bill so far (tenant admins): plan, period, usage per meter, limits, projection."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from nexatron.api.deps import AppState, require
from nexatron.identity.roles import Principal
from nexatron.query.service import query_service

router = APIRouter(prefix="/billing", tags=["billing"])
Admin = Annotated[Principal, Depends(require("tenant:admin"))]


@router.get("", responses={403: {"description": "Only a tenant admin reads billing."}})
def get_billing(principal: Admin, services: AppState) -> dict[str, Any]:
    """The plan, the calendar month (UTC) so far, usage per meter (questions answered, LLM
    tokens in and out, rows returned, active seats, connections), the plan's limits, and the
    overage projected linearly to the end of the month."""
    return query_service(services).usage_reads.billing(principal.tenant_id, principal.plan)
