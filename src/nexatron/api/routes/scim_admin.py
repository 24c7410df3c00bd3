"""SCIM administration (admin only): SCIM tokens and the group -> role mapping."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import Field

from nexatron import audit
from nexatron.api.deps import AppState, require
from nexatron.api.schemas import Request as Body
from nexatron.api.schemas import Response
from nexatron.identity.roles import Principal, Role
from nexatron.scim import group_roles, tokens
from nexatron.usage.plans import require_feature

router = APIRouter(prefix="/scim", tags=["scim"])


async def _scim_admin(
    principal: Annotated[Principal, Depends(require("tenant:admin"))], services: AppState
) -> Principal:
    require_feature(services.settings, principal.plan, "scim")
    return principal


Admin = Annotated[Principal, Depends(_scim_admin)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such SCIM token in your tenant."}
}
FORBIDDEN: dict[int | str, dict[str, Any]] = {
    403: {"description": "Not an admin (or the plan lacks SCIM)."}
}


class CreateToken(Body):
    name: str | None = Field(default=None, max_length=200)


class ScimToken(Response):
    id: str
    name: str | None
    prefix: str
    created_by: str | None
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


class CreatedToken(ScimToken):
    token: str = Field(description="The SCIM bearer token. Shown only in this response.")


class TokenList(Response):
    data: list[ScimToken]


class RoleMapping(Body):
    group_roles: dict[str, Role] = Field(
        default_factory=dict,
        description="SCIM group display name (caseless) -> role it grants; a user gets the "
        "highest role of their groups.",
    )
    default_role: Role = Field(default="viewer", description="Role of users in no mapped group.")


class RoleMappingView(Response):
    group_roles: dict[str, str]
    default_role: str
    updated_at: dt.datetime | None


@router.get("/tokens", response_model=TokenList, responses=FORBIDDEN)
def list_tokens(principal: Admin, services: AppState) -> TokenList:
    with services.db.connect() as conn:
        return TokenList(
            data=[ScimToken(**t) for t in tokens.list_tokens(conn, principal.tenant_id)]
        )


@router.post(
    "/tokens",
    response_model=CreatedToken,
    status_code=201,
    responses=FORBIDDEN,
    openapi_extra=audit.action("scim.token.create"),
)
def create_token(body: CreateToken, principal: Admin, services: AppState) -> CreatedToken:
    """A bearer token for your identity provider's SCIM client (base URL `/scim/v2`)."""
    with services.db.begin() as conn:
        record, plaintext = tokens.create_token(
            conn, services.settings.secret_key, principal, body.name
        )
    return CreatedToken(**record, token=plaintext)


@router.delete(
    "/tokens/{token_id}",
    status_code=204,
    responses={**FORBIDDEN, **NOT_FOUND},
    openapi_extra=audit.action("scim.token.revoke"),
)
def revoke_token(token_id: str, principal: Admin, services: AppState) -> None:
    """The token stops working at once."""
    with services.db.begin() as conn:
        tokens.revoke_token(conn, principal, token_id)


@router.get("/role-mapping", response_model=RoleMappingView, responses=FORBIDDEN)
def get_role_mapping(principal: Admin, services: AppState) -> RoleMappingView:
    with services.db.connect() as conn:
        return RoleMappingView(**group_roles.get_mapping(conn, principal.tenant_id))


@router.put(
    "/role-mapping",
    response_model=RoleMappingView,
    responses=FORBIDDEN,
    openapi_extra=audit.action("scim.role_mapping.update"),
)
def put_role_mapping(body: RoleMapping, principal: Admin, services: AppState) -> RoleMappingView:
    """Replace the mapping; the roles of SCIM-provisioned users are recomputed at once."""
    with services.db.begin() as conn:
        mapping = group_roles.put_mapping(
            conn, principal.tenant_id, principal.user_id, dict(body.group_roles), body.default_role
        )
    return RoleMappingView(**mapping)
