"""First run: a tenant, an admin and one API key (printed once); later runs create nothing."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from nexatron.identity.keys import create_key
from nexatron.identity.roles import Principal
from nexatron.identity.users import create_tenant, create_user
from nexatron.services import Services
from nexatron.store.tables import tenants


@dataclass(frozen=True)
class FirstRun:
    tenant_id: str
    user_id: str
    email: str
    password: str | None  # only when generated
    api_key: str
    extras: dict[str, Any]


def first_run(services: Services) -> FirstRun | None:
    """Create the first tenant, admin and key when the store is empty; else return None."""
    settings = services.settings
    from nexatron.demo.install import adopt_shared_demo

    adopt_shared_demo(services)  # a data dir from before per-tenant file areas
    with services.db.begin() as conn:
        if conn.execute(select(func.count()).select_from(tenants)).scalar_one() > 0:
            return None
        tenant_id = create_tenant(conn, settings.tenant_name)
        email = settings.admin_email or "admin@localhost"
        generated = None if settings.admin_password else secrets.token_urlsafe(12)
        password = settings.admin_password or generated
        user_id = create_user(
            conn,
            tenant_id=tenant_id,
            email=email,
            password=password,
            role="admin",
            name="Administrator",
        )
        principal = Principal(tenant_id=tenant_id, user_id=user_id, role="admin")
        _record, key = create_key(
            conn, settings.secret_key, principal, name="first-run", role="admin", expires_at=None
        )
    extras: dict[str, Any] = {}
    if settings.demo:
        from nexatron.demo.install import install_demo

        extras["demo_connection_id"] = install_demo(services, principal)
    return FirstRun(tenant_id, user_id, email, generated, key, extras)


def describe(run: FirstRun) -> str:
    lines = [
        "Nexatron first run: created a tenant and an admin.",
        f"  admin email:    {run.email}",
    ]
    if run.password:
        lines.append(f"  admin password: {run.password}   (shown once)")
    lines.append(f"  API key:        {run.api_key}   (shown once; store it now)")
    if "demo_connection_id" in run.extras:
        lines.append(f"  demo connection: {run.extras['demo_connection_id']}")
    return "\n".join(lines)
