"""The operator's tenant operations; each writes its audit event in its own transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from nexatron import audit
from nexatron.clock import now
from nexatron.errors import Conflict, NotFound, ValidationFailed
from nexatron.identity.keys import create_key
from nexatron.identity.roles import Principal
from nexatron.identity.users import create_tenant, create_user
from nexatron.settings import Settings
from nexatron.store.records import TenantRecord
from nexatron.store.tables import tenants


@dataclass(frozen=True, slots=True)
class CreatedTenant:
    tenant: dict[str, Any]
    admin_user_id: str
    admin_email: str
    api_key: str  # the first admin key: shown once


def public(row: TenantRecord) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "slug": row.slug,
        "plan": row.plan,
        "status": "suspended" if row.suspended_at is not None else "active",
        "suspended_at": row.suspended_at,
        "created_at": row.created_at,
    }


def get_row(conn: Connection, tenant_id: str) -> TenantRecord:
    """By id or slug."""
    row = conn.execute(
        select(tenants).where((tenants.c.id == tenant_id) | (tenants.c.slug == tenant_id))
    ).first()
    if row is None:
        raise NotFound("Tenant not found.")
    return TenantRecord.from_row(row)


def list_rows(conn: Connection) -> list[TenantRecord]:
    rows = conn.execute(select(tenants).order_by(tenants.c.created_at, tenants.c.id))
    return [TenantRecord.from_row(row) for row in rows]


def check_plan(settings: Settings, plan: str) -> str:
    if plan not in settings.rate_limit_plans:
        known = ", ".join(sorted(settings.rate_limit_plans))
        raise ValidationFailed(
            [{"loc": ["body", "plan"], "msg": f"unknown plan; one of: {known}", "type": "enum"}]
        )
    return plan


def _target(row: TenantRecord) -> audit.Target:
    return audit.Target("tenant", row.id, row.slug)


def create(
    conn: Connection,
    settings: Settings,
    *,
    name: str,
    slug: str,
    plan: str,
    admin_email: str,
    actor: audit.Actor | None = None,
) -> CreatedTenant:
    """The tenant, its first admin (no password: they sign in with the key, or an admin sets
    one) and that admin's first API key."""
    tenant_id = create_tenant(conn, name, check_plan(settings, plan), slug=slug)
    user_id = create_user(
        conn, tenant_id=tenant_id, email=admin_email, password=None, role="admin", name=None
    )
    principal = Principal(tenant_id=tenant_id, user_id=user_id, role="admin")
    _record, key = create_key(
        conn, settings.secret_key, principal, name="first admin key", role="admin", expires_at=None
    )
    row = get_row(conn, tenant_id)
    audit.record(
        conn,
        tenant_id=tenant_id,
        actor=actor,
        action="tenant.create",
        target=_target(row),
        changed_fields=["name", "slug", "plan", "admin_email"],
    )
    return CreatedTenant(public(row), user_id, admin_email.strip().lower(), key)


def change_plan(
    conn: Connection,
    settings: Settings,
    tenant_id: str,
    plan: str,
    actor: audit.Actor | None = None,
) -> dict[str, Any]:
    row = get_row(conn, tenant_id)
    conn.execute(
        update(tenants).where(tenants.c.id == row.id).values(plan=check_plan(settings, plan))
    )
    audit.record(
        conn,
        tenant_id=row.id,
        actor=actor,
        action="tenant.plan_change",
        target=_target(row),
        changed_fields=["plan"],
        reason=f"{row.plan} -> {plan}",
    )
    return public(get_row(conn, row.id))


def set_suspended(
    conn: Connection, tenant_id: str, suspended: bool, actor: audit.Actor | None = None
) -> dict[str, Any]:
    """Suspend or resume. Authentication reads `suspended_at` with every key and session
    (cached rows are re-read: tenants move the metadata version), so it holds at once."""
    row = get_row(conn, tenant_id)
    if suspended and row.suspended_at is not None:
        raise Conflict("The tenant is already suspended.")
    if not suspended and row.suspended_at is None:
        raise Conflict("The tenant is not suspended.")
    conn.execute(
        update(tenants)
        .where(tenants.c.id == row.id)
        .values(suspended_at=now() if suspended else None)
    )
    audit.record(
        conn,
        tenant_id=row.id,
        actor=actor,
        action="tenant.suspend" if suspended else "tenant.resume",
        target=_target(row),
        changed_fields=["suspended_at"],
    )
    return public(get_row(conn, row.id))
