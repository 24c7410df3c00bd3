"""Per-tenant LLM planner settings (an extension of the contract; admin only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends

from nexatron import audit
from nexatron.api.deps import AppState, require
from nexatron.errors import NotFound
from nexatron.identity.roles import Principal
from nexatron.query import planners
from nexatron.usage.plans import has_feature, require_feature

router = APIRouter(prefix="/llm", tags=["llm"])
Admin = Annotated[Principal, Depends(require("tenant:admin"))]


@router.get("/settings")
def get_settings(principal: Admin, services: AppState) -> dict[str, Any]:
    """The tenant's provider, base URL and model; `has_api_key` instead of the key. Falls back
    to the server-wide configuration (`source: server`) when the tenant has none. `in_plan`
    false: the tenant's plan has no `llm` feature, so the deterministic parser answers alone."""
    in_plan = has_feature(services.settings, principal.plan, "llm")
    config = planners.tenant_config(services, principal.tenant_id)
    if config is not None:
        return {"source": "tenant", **config.public_view(), "in_plan": in_plan}
    server = planners.server_config(services)
    if server is None:
        raise NotFound("No LLM is configured; the deterministic parser answers alone.")
    return {"source": "server", **server.public_view(), "in_plan": in_plan}


@router.put("/settings", openapi_extra=audit.action("llm_settings.update"))
def put_settings(
    principal: Admin,
    services: AppState,
    body: Annotated[
        dict[str, Any],
        Body(
            description=(
                "provider (openai|anthropic), base_url, model, api_key (encrypted at rest; "
                "send ******** to keep the stored key), timeout_s, max_retries, "
                "context_tokens, allow_sql"
            )
        ),
    ],
) -> dict[str, Any]:
    require_feature(services.settings, principal.plan, "llm")  # 403 feature_not_in_plan
    config = planners.save_tenant_config(services, principal.tenant_id, dict(body))
    return {"source": "tenant", **config.public_view()}


@router.delete("/settings", status_code=204, openapi_extra=audit.action("llm_settings.delete"))
def delete_settings(principal: Admin, services: AppState) -> None:
    planners.delete_tenant_config(services, principal.tenant_id)
