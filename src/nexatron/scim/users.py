"""SCIM Users: create, get, replace, patch, delete, list. Deactivating or deleting a user
deprovisions it (disabled, sessions and API keys revoked) in the same transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scim2_models import (
    Context,
    InvalidValueException,
    ListResponse,
    NotFoundException,
    SearchRequest,
    UniquenessException,
)
from sqlalchemy import Connection, func, or_, select, update

from nexatron import audit
from nexatron.clock import now
from nexatron.identity import events
from nexatron.identity.deprovision import deprovision
from nexatron.ids import new_id
from nexatron.scim import group_roles, models, query, resources, store
from nexatron.scim.models import UserModel
from nexatron.settings import Settings
from nexatron.store.tables import scim_group_members, scim_users, users
from nexatron.usage.limits import check_new_seat


@dataclass(frozen=True, slots=True)
class Caller:
    """The SCIM client: its tenant, token and the base URL resources are located under."""

    tenant_id: str
    token_id: str
    base: str
    plan: str = "default"
    settings: Settings | None = None  # for the plan's seat limit (none without settings)

    def check_seat(self, conn: Connection) -> None:
        """Before a user is created or re-enabled: the plan's seats."""
        if self.settings is not None:
            check_new_seat(conn, self.settings, self.tenant_id, self.plan)

    @property
    def actor(self) -> audit.Actor:
        return audit.Actor("scim", self.token_id)

    def event(self, action: str, user_id: str, name: str | None, **kw: Any) -> events.Event:
        return events.Event(
            action,
            self.tenant_id,
            "scim",
            self.token_id,
            target_type="user",
            target_id=user_id,
            target_name=name,
            **kw,
        )


def _load(conn: Connection, caller: Caller, user_ids: list[str] | None) -> list[Any]:
    statement = store.user_query(caller.tenant_id)
    if user_ids is not None:
        statement = statement.where(users.c.id.in_(user_ids))
    rows = list(conn.execute(statement))
    groups = store.groups_of(conn, caller.tenant_id, [r.id for r in rows])
    return [resources.user_resource(r, groups.get(r.id, []), caller.base) for r in rows]


def get_user(conn: Connection, caller: Caller, user_id: str) -> Any:
    found = _load(conn, caller, [user_id])
    if not found:
        raise NotFoundException(detail=f"User {user_id} not found.")
    return found[0]


def list_users(conn: Connection, caller: Caller, request: SearchRequest[Any]) -> ListResponse[Any]:
    statement = store.user_query(caller.tenant_id)
    equality = query.top_equality(request)
    if equality is not None and isinstance(equality[1], str):
        attr, value = equality
        if attr == "username":
            statement = statement.where(
                or_(
                    scim_users.c.user_name_key == value.lower(),
                    scim_users.c.user_id.is_(None) & (func.lower(users.c.email) == value.lower()),
                )
            )
        elif attr == "externalid":
            statement = statement.where(scim_users.c.external_id == value)
    rows = list(conn.execute(statement))
    groups = store.groups_of(conn, caller.tenant_id, [r.id for r in rows])
    found = [resources.user_resource(r, groups.get(r.id, []), caller.base) for r in rows]
    return query.page(UserModel, request, found)


def _user_name(user: Any) -> str:
    if not user.user_name:
        raise InvalidValueException(detail="userName is required.")
    return str(user.user_name)


def create_user(conn: Connection, caller: Caller, payload: Mapping[str, Any]) -> Any:
    user = models.parse(UserModel, payload, Context.RESOURCE_CREATION_REQUEST)
    user_name = _user_name(user)
    if store.user_name_taken(conn, caller.tenant_id, user_name, None):
        raise UniquenessException(detail=f"userName {user_name!r} is already in use.")
    revived = conn.execute(
        select(scim_users.c.user_id).where(
            scim_users.c.tenant_id == caller.tenant_id,
            scim_users.c.user_name_key == user_name.lower(),
            scim_users.c.deleted_at.is_not(None),
        )
    ).first()
    if user.active is not False:
        caller.check_seat(conn)
    if revived is not None:  # deleted earlier and provisioned again: the same person returns
        user_id = revived.user_id
        conn.execute(
            update(scim_users).where(scim_users.c.user_id == user_id).values(deleted_at=None)
        )
    else:
        user_id = new_id("user")
        conn.execute(
            users.insert().values(
                id=user_id,
                tenant_id=caller.tenant_id,
                email=_email(user),
                name=resources.display_name(user),
                password_hash=None,
                role=group_roles.get_mapping(conn, caller.tenant_id)["default_role"],
                disabled=False,
                created_at=now(),
            )
        )
    _write(conn, caller, user_id, user)
    conn.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(email=_email(user), name=resources.display_name(user), disabled=False)
    )
    group_roles.recompute(conn, caller.tenant_id, [user_id], caller.actor)
    if user.active is False:
        deprovision(conn, caller.tenant_id, user_id, reason="scim_deactivate")
    events.record(conn, caller.event("scim.user.create", user_id, user.user_name))
    return get_user(conn, caller, user_id)


def replace_user(conn: Connection, caller: Caller, user_id: str, payload: Mapping[str, Any]) -> Any:
    before = get_user(conn, caller, user_id)
    user = models.parse(UserModel, payload, Context.RESOURCE_REPLACEMENT_REQUEST)
    return _save(conn, caller, user_id, before, user, "scim.user.replace")


def patch_user(conn: Connection, caller: Caller, user_id: str, payload: Mapping[str, Any]) -> Any:
    before = get_user(conn, caller, user_id)
    after = models.patched(UserModel, before, payload)
    return _save(conn, caller, user_id, before, after, "scim.user.patch")


def delete_user(conn: Connection, caller: Caller, user_id: str) -> None:
    before = get_user(conn, caller, user_id)
    _write(conn, caller, user_id, before)
    conn.execute(update(scim_users).where(scim_users.c.user_id == user_id).values(deleted_at=now()))
    deprovision(conn, caller.tenant_id, user_id, reason="scim_delete")
    conn.execute(scim_group_members.delete().where(scim_group_members.c.user_id == user_id))
    events.record(conn, caller.event("scim.user.delete", user_id, before.user_name))


def _save(
    conn: Connection, caller: Caller, user_id: str, before: Any, after: Any, action: str
) -> Any:
    user_name = _user_name(after)
    if user_name.lower() != before.user_name.lower() and store.user_name_taken(
        conn, caller.tenant_id, user_name, user_id
    ):
        raise UniquenessException(detail=f"userName {user_name!r} is already in use.")
    _write(conn, caller, user_id, after)
    conn.execute(
        update(users)
        .where(users.c.tenant_id == caller.tenant_id, users.c.id == user_id)
        .values(email=_email(after), name=resources.display_name(after))
    )
    group_roles.recompute(conn, caller.tenant_id, [user_id], caller.actor)
    was_active, is_active = before.active is not False, after.active is not False
    if was_active and not is_active:
        deprovision(conn, caller.tenant_id, user_id, reason="scim_deactivate")
        action = "scim.user.deactivate"
    elif is_active and not was_active:
        caller.check_seat(conn)
        conn.execute(update(users).where(users.c.id == user_id).values(disabled=False))
        action = "scim.user.reactivate"
    shown = get_user(conn, caller, user_id)
    changed = tuple(resources.changed_attributes(before, shown))
    event = caller.event(action, user_id, after.user_name, changed_fields=changed)
    events.record(conn, event)  # one per request
    return shown


def _email(user: Any) -> str:
    """The address the user signs in with: the primary email, else the userName."""
    return (resources.primary_email(user) or user.user_name).strip().lower()


def _write(conn: Connection, caller: Caller, user_id: str, user: Any) -> None:
    """Upsert the user's SCIM row (userName, externalId, the other attributes)."""
    values = {
        "user_name": _user_name(user),
        "user_name_key": _user_name(user).lower(),
        "external_id": user.external_id,
        "attributes": resources.stored_attributes(user),
        "updated_at": now(),
    }
    done = conn.execute(
        update(scim_users).where(scim_users.c.user_id == user_id).values(**values)
    ).rowcount
    if not done:
        conn.execute(
            scim_users.insert().values(
                user_id=user_id,
                tenant_id=caller.tenant_id,
                created_at=values["updated_at"],
                **values,
            )
        )
