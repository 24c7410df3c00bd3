"""SCIM groups grant roles through the tenant's mapping (group display name -> role)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, update

from nexatron import audit
from nexatron.clock import now
from nexatron.errors import ValidationFailed
from nexatron.identity import events
from nexatron.identity.roles import ROLES, Role, rank
from nexatron.store.tables import scim_group_members, scim_groups, scim_settings, scim_users, users

DEFAULT_ROLE: Role = "viewer"


def get_mapping(conn: Connection, tenant_id: str) -> dict[str, Any]:
    row = conn.execute(select(scim_settings).where(scim_settings.c.tenant_id == tenant_id)).first()
    if row is None:
        return {"group_roles": {}, "default_role": DEFAULT_ROLE, "updated_at": None}
    return {
        "group_roles": dict(row.group_roles),
        "default_role": row.default_role,
        "updated_at": row.updated_at,
    }


def put_mapping(
    conn: Connection, tenant_id: str, actor_id: str, group_roles: dict[str, str], default_role: str
) -> dict[str, Any]:
    bad = [g for g, r in group_roles.items() if r not in ROLES or not g.strip()]
    if bad or default_role not in ROLES:
        raise ValidationFailed(
            f"Each group needs a non-empty name and a role among {', '.join(ROLES)}."
        )
    values = {"group_roles": group_roles, "default_role": default_role, "updated_at": now()}
    done = conn.execute(
        update(scim_settings).where(scim_settings.c.tenant_id == tenant_id).values(**values)
    ).rowcount
    if not done:
        conn.execute(scim_settings.insert().values(tenant_id=tenant_id, **values))
    managed = conn.execute(
        select(scim_users.c.user_id).where(
            scim_users.c.tenant_id == tenant_id, scim_users.c.deleted_at.is_(None)
        )
    )
    admin = audit.Actor("user", actor_id)
    recompute(conn, tenant_id, [r.user_id for r in managed], admin, via="SCIM role mapping")
    events.record(
        conn,
        events.Event(
            "scim.role_mapping.update",
            tenant_id,
            admin.type,
            admin.id,
            target_type="scim_role_mapping",
            target_id=tenant_id,
            changed_fields=("default_role", "group_roles"),
        ),
    )
    return get_mapping(conn, tenant_id)


def role_for(group_names: list[str], group_roles: dict[str, str], default: str) -> Role:
    """The highest role any of the groups grants, else the default."""
    caseless = {k.lower(): v for k, v in group_roles.items()}
    granted = [caseless[n.lower()] for n in group_names if n.lower() in caseless]
    best = max(granted, key=rank, default=default)
    return best if best in ROLES else DEFAULT_ROLE


def recompute(
    conn: Connection,
    tenant_id: str,
    user_ids: list[str],
    actor: audit.Actor,
    via: str = "SCIM groups",
) -> None:
    """Set the role of SCIM-provisioned users among `user_ids` from their groups, recording a
    `user.role_change` by `actor` for each role that changes. Users created outside SCIM (the
    first admin, users made through /api/v1/users) keep the role given there."""
    if not user_ids:
        return
    mapping = get_mapping(conn, tenant_id)
    managed = {
        r.user_id: r
        for r in conn.execute(
            select(scim_users.c.user_id, users.c.role, users.c.email)
            .join(users, users.c.id == scim_users.c.user_id)
            .where(scim_users.c.tenant_id == tenant_id, scim_users.c.user_id.in_(user_ids))
        )
    }
    names: dict[str, list[str]] = {u: [] for u in managed}
    for user_id, name in conn.execute(
        select(scim_group_members.c.user_id, scim_groups.c.display_name)
        .join(scim_groups, scim_groups.c.id == scim_group_members.c.group_id)
        .where(
            scim_group_members.c.tenant_id == tenant_id,
            scim_group_members.c.user_id.in_(list(managed)),
        )
    ):
        names[user_id].append(name)
    for user_id, groups in sorted(names.items()):
        role = role_for(groups, mapping["group_roles"], mapping["default_role"])
        before = managed[user_id]
        if role == before.role:
            continue
        conn.execute(
            update(users)
            .where(users.c.tenant_id == tenant_id, users.c.id == user_id)
            .values(role=role)
        )
        change = events.role_change(
            tenant_id, user_id, before.email, (before.role, role), actor, via
        )
        events.record(conn, change)
