"""Operator routes (`/operator/tenants`): an operator key only (`nexatron operator-key create`);
tenant keys and tokens get a 403 here, and operator keys get a 403 on every tenant route."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from pydantic import Field

from nexatron import audit
from nexatron.api.deps import AppState, OperatorAuthed
from nexatron.api.schemas import Request as Body
from nexatron.api.schemas import Response
from nexatron.tenants import service
from nexatron.tenants.erase import delete_tenant

router = APIRouter(
    prefix="/operator/tenants",
    tags=["operator"],
    responses={
        401: {"description": "no operator key, or an unknown or revoked one"},
        403: {"description": "a tenant API key or access token (operator routes need nxo_ keys)"},
        422: {"description": "invalid body"},
    },
)
SLUG = r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$"


class CreateTenant(Body):
    name: str = Field(min_length=1, max_length=200)
    slug: str = Field(pattern=SLUG, description="lowercase letters, digits, inner hyphens")
    plan: str = Field(default="default", description="a key of NEXATRON_RATE_LIMIT_PLANS")
    admin_email: str = Field(
        min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$", description="first admin"
    )


class ChangeTenant(Body):
    plan: str = Field(description="a key of NEXATRON_RATE_LIMIT_PLANS")


class Tenant(Response):
    id: str
    name: str
    slug: str
    plan: str
    status: str = Field(description="active or suspended")
    suspended_at: dt.datetime | None
    created_at: dt.datetime


class FirstAdmin(Response):
    id: str
    email: str
    api_key: str = Field(description="The admin's API key. Shown only in this response.")


class CreatedTenant(Response):
    tenant: Tenant
    admin: FirstAdmin


class TenantList(Response):
    data: list[Tenant]


@router.post(
    "",
    response_model=CreatedTenant,
    status_code=201,
    openapi_extra=audit.action("tenant.create"),
    responses={409: {"description": "slug taken"}},
)
def create_tenant(body: CreateTenant, _op: OperatorAuthed, services: AppState) -> CreatedTenant:
    """A tenant with a first admin (by email, no password) and that admin's API key."""
    with services.db.begin() as conn:
        made = service.create(
            conn,
            services.settings,
            name=body.name,
            slug=body.slug,
            plan=body.plan,
            admin_email=body.admin_email,
        )
    return CreatedTenant(
        tenant=Tenant(**made.tenant),
        admin=FirstAdmin(id=made.admin_user_id, email=made.admin_email, api_key=made.api_key),
    )


@router.get("", response_model=TenantList)
def list_tenants(_op: OperatorAuthed, services: AppState) -> TenantList:
    with services.db.connect() as conn:
        return TenantList(data=[Tenant(**service.public(r)) for r in service.list_rows(conn)])


@router.get("/{tenant_id}", response_model=Tenant, responses={404: {"description": "unknown"}})
def get_tenant(tenant_id: str, _op: OperatorAuthed, services: AppState) -> Tenant:
    """By id or slug."""
    with services.db.connect() as conn:
        return Tenant(**service.public(service.get_row(conn, tenant_id)))


@router.patch(
    "/{tenant_id}",
    response_model=Tenant,
    openapi_extra=audit.action("tenant.plan_change"),
    responses={404: {"description": "unknown tenant"}},
)
def change_plan(
    tenant_id: str, body: ChangeTenant, _op: OperatorAuthed, services: AppState
) -> Tenant:
    with services.db.begin() as conn:
        return Tenant(**service.change_plan(conn, services.settings, tenant_id, body.plan))


@router.post(
    "/{tenant_id}/suspend",
    response_model=Tenant,
    openapi_extra=audit.action("tenant.suspend"),
    responses={404: {"description": "unknown tenant"}, 409: {"description": "already suspended"}},
)
def suspend(tenant_id: str, _op: OperatorAuthed, services: AppState) -> Tenant:
    """Its API keys, sessions and logins are refused with a 403 until resumed."""
    with services.db.begin() as conn:
        return Tenant(**service.set_suspended(conn, tenant_id, True))


@router.post(
    "/{tenant_id}/resume",
    response_model=Tenant,
    openapi_extra=audit.action("tenant.resume"),
    responses={404: {"description": "unknown tenant"}, 409: {"description": "not suspended"}},
)
def resume(tenant_id: str, _op: OperatorAuthed, services: AppState) -> Tenant:
    with services.db.begin() as conn:
        return Tenant(**service.set_suspended(conn, tenant_id, False))


@router.delete(
    "/{tenant_id}",
    openapi_extra=audit.action("tenant.delete"),
    responses={
        200: {"description": "the export of everything that was erased"},
        404: {"description": "unknown tenant"},
    },
)
def delete(tenant_id: str, _op: OperatorAuthed, services: AppState) -> dict[str, Any]:
    """Exports the tenant's metadata (layer YAML per connection, connections without secrets,
    users, keys, query history, audit log), then erases every row of the tenant in the same
    transaction. The export is this response: keep it."""
    from nexatron.connections.service import pool

    with services.db.begin() as conn:
        document = delete_tenant(conn, services, tenant_id)
    for connection in document["connections"]:
        pool(services).evict(connection["id"])
    return document
