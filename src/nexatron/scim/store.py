"""Reads of SCIM resources from the metadata store (always scoped by tenant)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, Select, func, or_, select

from nexatron.store.tables import scim_group_members, scim_groups, scim_users, users


def user_query(tenant_id: str) -> Select[Any]:
    """Tenant users as SCIM sees them: every user but those a SCIM client deleted."""
    return (
        select(
            users.c.id,
            users.c.email,
            users.c.name,
            users.c.role,
            users.c.disabled,
            users.c.created_at,
            scim_users.c.user_name,
            scim_users.c.external_id,
            scim_users.c.attributes,
            scim_users.c.created_at.label("scim_created_at"),
            scim_users.c.updated_at,
        )
        .select_from(users.outerjoin(scim_users, scim_users.c.user_id == users.c.id))
        .where(users.c.tenant_id == tenant_id, scim_users.c.deleted_at.is_(None))
        .order_by(users.c.created_at, users.c.id)
    )


def user_name_taken(conn: Connection, tenant_id: str, user_name: str, but: str | None) -> bool:
    """Is this userName (caseless) another visible user's? An unlinked user's is its email."""
    key = user_name.lower()
    query = user_query(tenant_id).where(
        or_(
            scim_users.c.user_name_key == key,
            (scim_users.c.user_id.is_(None)) & (func.lower(users.c.email) == key),
        )
    )
    if but is not None:
        query = query.where(users.c.id != but)
    return conn.execute(query.limit(1)).first() is not None


def groups_of(conn: Connection, tenant_id: str, user_ids: list[str]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = defaultdict(list)
    if not user_ids:
        return out
    rows = conn.execute(
        select(scim_group_members.c.user_id, scim_groups.c.id, scim_groups.c.display_name)
        .join(scim_groups, scim_groups.c.id == scim_group_members.c.group_id)
        .where(
            scim_group_members.c.tenant_id == tenant_id,
            scim_group_members.c.user_id.in_(user_ids),
        )
        .order_by(scim_groups.c.display_name)
    )
    for user_id, group_id, name in rows:
        out[user_id].append((group_id, name))
    return out


def group_query(tenant_id: str) -> Select[Any]:
    return (
        select(scim_groups)
        .where(scim_groups.c.tenant_id == tenant_id)
        .order_by(scim_groups.c.created_at, scim_groups.c.id)
    )


def members_of(conn: Connection, tenant_id: str, group_ids: list[str]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = defaultdict(list)
    if not group_ids:
        return out
    rows = conn.execute(
        select(
            scim_group_members.c.group_id,
            users.c.id,
            func.coalesce(scim_group_members.c.display, users.c.name, users.c.email),
        )
        .join(users, users.c.id == scim_group_members.c.user_id)
        .where(
            scim_group_members.c.tenant_id == tenant_id,
            scim_group_members.c.group_id.in_(group_ids),
        )
        .order_by(users.c.created_at)
    )
    for group_id, user_id, display in rows:
        out[group_id].append((user_id, display))
    return out
