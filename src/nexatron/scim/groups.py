"""SCIM Groups: create, get, replace, patch (members included), delete, list. Membership
changes recompute the roles of the users they touch (scim/group_roles.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scim2_models import (
    Context,
    InvalidValueException,
    ListResponse,
    NotFoundException,
    SearchRequest,
    UniquenessException,
)
from sqlalchemy import Connection, select, update

from nexatron.clock import now
from nexatron.identity import events
from nexatron.ids import new_id
from nexatron.scim import group_roles, models, query, resources, store
from nexatron.scim.models import GroupModel
from nexatron.scim.users import Caller
from nexatron.store.tables import scim_group_members, scim_groups, scim_users, users


def _event(
    caller: Caller, action: str, group_id: str, name: str | None, changed: list[str] | None = None
) -> events.Event:
    return events.Event(
        action,
        caller.tenant_id,
        "scim",
        caller.token_id,
        target_type="group",
        target_id=group_id,
        target_name=name,
        changed_fields=tuple(changed or ()),
    )


def _load(conn: Connection, caller: Caller, rows: list[Any]) -> list[Any]:
    members = store.members_of(conn, caller.tenant_id, [r.id for r in rows])
    return [resources.group_resource(r, members.get(r.id, []), caller.base) for r in rows]


def get_group(conn: Connection, caller: Caller, group_id: str) -> Any:
    rows = list(
        conn.execute(store.group_query(caller.tenant_id).where(scim_groups.c.id == group_id))
    )
    if not rows:
        raise NotFoundException(detail=f"Group {group_id} not found.")
    return _load(conn, caller, rows)[0]


def list_groups(conn: Connection, caller: Caller, request: SearchRequest[Any]) -> ListResponse[Any]:
    statement = store.group_query(caller.tenant_id)
    equality = query.top_equality(request)
    if equality is not None and isinstance(equality[1], str):
        attr, value = equality
        if attr == "displayname":
            statement = statement.where(scim_groups.c.display_key == value.lower())
        elif attr == "externalid":
            statement = statement.where(scim_groups.c.external_id == value)
    return query.page(GroupModel, request, _load(conn, caller, list(conn.execute(statement))))


def create_group(conn: Connection, caller: Caller, payload: Mapping[str, Any]) -> Any:
    group = models.parse(GroupModel, payload, Context.RESOURCE_CREATION_REQUEST)
    display_name = _check_name(conn, caller, group.display_name, None)
    group_id = new_id("scim_group")
    at = now()
    conn.execute(
        scim_groups.insert().values(
            id=group_id,
            tenant_id=caller.tenant_id,
            display_name=display_name,
            display_key=display_name.lower(),
            external_id=group.external_id,
            created_at=at,
            updated_at=at,
        )
    )
    touched = _set_members(conn, caller, group_id, _members(group))
    group_roles.recompute(conn, caller.tenant_id, touched, caller.actor)
    events.record(conn, _event(caller, "scim.group.create", group_id, group.display_name))
    return get_group(conn, caller, group_id)


def replace_group(
    conn: Connection, caller: Caller, group_id: str, payload: Mapping[str, Any]
) -> Any:
    before = get_group(conn, caller, group_id)
    group = models.parse(GroupModel, payload, Context.RESOURCE_REPLACEMENT_REQUEST)
    return _save(conn, caller, group_id, before, group, "scim.group.replace")


def patch_group(conn: Connection, caller: Caller, group_id: str, payload: Mapping[str, Any]) -> Any:
    before = get_group(conn, caller, group_id)
    after = models.patched(GroupModel, before, payload)
    return _save(conn, caller, group_id, before, after, "scim.group.patch")


def delete_group(conn: Connection, caller: Caller, group_id: str) -> None:
    before = get_group(conn, caller, group_id)
    members = _member_ids(before)
    conn.execute(scim_groups.delete().where(scim_groups.c.id == group_id))
    group_roles.recompute(conn, caller.tenant_id, members, caller.actor)
    events.record(conn, _event(caller, "scim.group.delete", group_id, before.display_name))


def _save(
    conn: Connection, caller: Caller, group_id: str, before: Any, after: Any, action: str
) -> Any:
    display_name = after.display_name or ""
    if display_name.lower() != before.display_name.lower():
        _check_name(conn, caller, display_name, group_id)
    conn.execute(
        update(scim_groups)
        .where(scim_groups.c.id == group_id)
        .values(
            display_name=_check_name(conn, caller, display_name, group_id),
            display_key=display_name.lower(),
            external_id=after.external_id,
            updated_at=now(),
        )
    )
    touched = _set_members(conn, caller, group_id, _members(after))
    renamed = after.display_name != before.display_name
    # A rename changes what every member is granted; members added or removed change too.
    recomputed = sorted({*_member_ids(after), *touched}) if renamed else touched
    group_roles.recompute(conn, caller.tenant_id, recomputed, caller.actor)
    shown = get_group(conn, caller, group_id)
    changed = resources.changed_attributes(before, shown)
    events.record(conn, _event(caller, action, group_id, after.display_name, changed))
    return shown


def _check_name(conn: Connection, caller: Caller, name: str | None, but: str | None) -> str:
    if not name:
        raise InvalidValueException(detail="displayName is required.")
    statement = select(scim_groups.c.id).where(
        scim_groups.c.tenant_id == caller.tenant_id, scim_groups.c.display_key == name.lower()
    )
    if but is not None:
        statement = statement.where(scim_groups.c.id != but)
    if conn.execute(statement).first() is not None:
        raise UniquenessException(detail=f"displayName {name!r} is already in use.")
    return name


def _member_ids(group: Any) -> list[str]:
    return list(_members(group))


def _members(group: Any) -> dict[str, str | None]:
    """Member user id -> the display the client gave it."""
    return {str(m.value): m.display for m in (group.members or []) if m.value}


def _set_members(
    conn: Connection, caller: Caller, group_id: str, given: dict[str, str | None]
) -> list[str]:
    """Make the group's members exactly `given` (users of the tenant SCIM shows); returns the
    users added or removed."""
    wanted = list(given)
    known = {
        r.id
        for r in conn.execute(
            select(users.c.id)
            .select_from(users.outerjoin(scim_users, scim_users.c.user_id == users.c.id))
            .where(
                users.c.tenant_id == caller.tenant_id,
                users.c.id.in_(wanted),
                scim_users.c.deleted_at.is_(None),
            )
        )
    }
    unknown = [m for m in wanted if m not in known]
    if unknown:
        raise InvalidValueException(
            detail=f"members must be users of this tenant; unknown: {', '.join(unknown[:5])}"
        )
    current = {
        r.user_id
        for r in conn.execute(
            select(scim_group_members.c.user_id).where(scim_group_members.c.group_id == group_id)
        )
    }
    added, removed = set(wanted) - current, current - set(wanted)
    if removed:
        conn.execute(
            scim_group_members.delete().where(
                scim_group_members.c.group_id == group_id,
                scim_group_members.c.user_id.in_(removed),
            )
        )
    for user_id in sorted(added):
        conn.execute(
            scim_group_members.insert().values(
                group_id=group_id,
                user_id=user_id,
                tenant_id=caller.tenant_id,
                display=given[user_id],
            )
        )
    for user_id in sorted(set(wanted) & current):
        conn.execute(
            update(scim_group_members)
            .where(
                scim_group_members.c.group_id == group_id,
                scim_group_members.c.user_id == user_id,
            )
            .values(display=given[user_id])
        )
    return sorted(added | removed)
