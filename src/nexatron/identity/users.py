"""Tenants and users: creation, lookup, listing (always scoped by tenant)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, or_, select

from nexatron.clock import now
from nexatron.errors import Conflict, NotFound, ValidationFailed
from nexatron.identity.passwords import MIN_PASSWORD_LENGTH, hash_password
from nexatron.identity.roles import ROLES, Role
from nexatron.ids import new_id
from nexatron.store.records import Record
from nexatron.store.tables import tenants, users

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


@dataclass(frozen=True, slots=True)
class UserRecord(Record):
    id: str
    tenant_id: str
    email: str
    name: str | None
    password_hash: str | None
    role: Role
    disabled: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TenantUserRecord(UserRecord):
    """A user with its tenant's slug (a login by address may find it in several tenants)."""

    tenant_slug: str


def slug_from_name(name: str) -> str:
    """`Acme Corp.` -> `acme-corp` (at most 50 characters; `tenant` when nothing is left)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:50].strip("-") or "tenant"


def _slug_taken(conn: Connection, slug: str) -> bool:
    return conn.execute(select(tenants.c.id).where(tenants.c.slug == slug)).first() is not None


def create_tenant(
    conn: Connection, name: str, plan: str = "default", *, slug: str | None = None
) -> str:
    """A tenant; without a slug one is made from the name (`-2`, `-3`... when taken)."""
    if slug is not None:
        if not SLUG.fullmatch(slug):
            raise ValidationFailed(
                [
                    {
                        "loc": ["body", "slug"],
                        "msg": "lowercase letters, digits and inner hyphens, at most 63",
                        "type": "value_error",
                    }
                ]
            )
        if _slug_taken(conn, slug):
            raise Conflict(f"A tenant with the slug {slug!r} already exists.")
    else:
        base = slug_from_name(name)
        slug, n = base, 1
        while _slug_taken(conn, slug):
            n += 1
            slug = f"{base}-{n}"
    tenant_id = new_id("tenant")
    conn.execute(
        tenants.insert().values(
            id=tenant_id, name=name, slug=slug, plan=plan, settings={}, created_at=now()
        )
    )
    return tenant_id


def create_user(
    conn: Connection,
    *,
    tenant_id: str,
    email: str,
    password: str | None,
    role: Role,
    name: str | None = None,
) -> str:
    email = email.strip().lower()
    if role not in ROLES:
        raise ValidationFailed([{"loc": ["body", "role"], "msg": "unknown role", "type": "enum"}])
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            [
                {
                    "loc": ["body", "password"],
                    "msg": f"must be at least {MIN_PASSWORD_LENGTH} characters",
                    "type": "value_error",
                }
            ]
        )
    taken = select(users.c.id).where(users.c.tenant_id == tenant_id, users.c.email == email)
    if conn.execute(taken).first():  # unique per tenant: other tenants' addresses are not seen
        raise Conflict("A user with this email already exists in this tenant.")
    if conn.execute(select(tenants.c.id).where(tenants.c.id == tenant_id)).first() is None:
        raise NotFound("Tenant not found.")
    user_id = new_id("user")
    conn.execute(
        users.insert().values(
            id=user_id,
            tenant_id=tenant_id,
            email=email,
            name=name,
            password_hash=hash_password(password) if password else None,
            role=role,
            disabled=False,
            created_at=now(),
        )
    )
    return user_id


def user_public(row: UserRecord) -> dict[str, Any]:
    return {
        "id": row.id,
        "tenant_id": row.tenant_id,
        "email": row.email,
        "name": row.name,
        "role": row.role,
        "disabled": row.disabled,
        "created_at": row.created_at,
    }


def get_user(conn: Connection, tenant_id: str, user_id: str) -> UserRecord:
    row = conn.execute(
        select(users).where(users.c.tenant_id == tenant_id, users.c.id == user_id)
    ).first()
    if row is None:
        raise NotFound("User not found.")
    return UserRecord.from_row(row)


def list_users(conn: Connection, tenant_id: str) -> list[UserRecord]:
    query = select(users).where(users.c.tenant_id == tenant_id).order_by(users.c.created_at)
    return [UserRecord.from_row(row) for row in conn.execute(query)]


def users_by_email(
    conn: Connection, email: str, tenant: str | None = None
) -> list[TenantUserRecord]:
    """Every user with this address, each with its tenant's slug; only in `tenant` (a slug or
    id) when given. Several rows mean the address is in several tenants."""
    query = (
        select(users, tenants.c.slug.label("tenant_slug"))
        .join(tenants, tenants.c.id == users.c.tenant_id)
        .where(users.c.email == email.strip().lower())
    )
    if tenant is not None:
        query = query.where(or_(tenants.c.slug == tenant, tenants.c.id == tenant))
    rows = conn.execute(query.order_by(users.c.created_at).limit(50))
    return [TenantUserRecord.from_row(row) for row in rows]


def find_by_email(
    conn: Connection, email: str, tenant: str | None = None
) -> TenantUserRecord | None:
    """The one user with this address (in `tenant` when given); None when none or several."""
    found = users_by_email(conn, email, tenant)
    return found[0] if len(found) == 1 else None
