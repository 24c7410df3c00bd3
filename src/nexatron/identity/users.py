"""Tenants and users: creation, lookup, listing (always scoped by tenant)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, select

from nexatron.errors import Conflict, NotFound, ValidationFailed
from nexatron.identity.passwords import MIN_PASSWORD_LENGTH, hash_password
from nexatron.identity.roles import ROLES, Role
from nexatron.ids import new_id
from nexatron.store.tables import tenants, users


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def create_tenant(conn: Connection, name: str, plan: str = "default") -> str:
    tenant_id = new_id("tenant")
    conn.execute(
        tenants.insert().values(id=tenant_id, name=name, plan=plan, settings={}, created_at=now())
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
    if conn.execute(select(users.c.id).where(users.c.email == email)).first():
        raise Conflict("A user with this email already exists.")
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


def user_public(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "tenant_id": row.tenant_id,
        "email": row.email,
        "name": row.name,
        "role": row.role,
        "disabled": row.disabled,
        "created_at": row.created_at,
    }


def get_user(conn: Connection, tenant_id: str, user_id: str) -> Any:
    row = conn.execute(
        select(users).where(users.c.tenant_id == tenant_id, users.c.id == user_id)
    ).first()
    if row is None:
        raise NotFound("User not found.")
    return row


def list_users(conn: Connection, tenant_id: str) -> list[Any]:
    return list(
        conn.execute(
            select(users).where(users.c.tenant_id == tenant_id).order_by(users.c.created_at)
        )
    )


def find_by_email(conn: Connection, email: str) -> Any:
    return conn.execute(select(users).where(users.c.email == email.strip().lower())).first()
