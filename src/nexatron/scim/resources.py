"""Stored rows to SCIM resources (scim2-models' User and Group) and back.

A tenant user without a SCIM row is shown with its email as userName, so an identity provider
can match users created before provisioning started.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import validate_email
from pydantic_core import PydanticCustomError
from scim2_models import Context, Group, Resource, User
from sqlalchemy import Row

from nexatron.scim.models import UserModel

# Set by the server on read; never stored in `scim_users.attributes`.
SERVER_OWNED = ("schemas", "id", "meta", "userName", "externalId", "groups", "password")
# Not a change a client made: the server's bookkeeping.
NOT_CHANGES = ("schemas", "id", "meta")
_ATTRIBUTE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


def _meta(kind: str, base: str, object_id: str, created: dt.datetime, modified: dt.datetime) -> Any:
    return {
        "resourceType": kind,
        "created": created.isoformat(),
        "lastModified": modified.isoformat(),
        "location": f"{base}/{kind}s/{object_id}",
    }


def user_resource(row: Row[Any], groups: list[tuple[str, str]], base: str) -> User[Any]:
    """`row`: users LEFT JOIN scim_users (the columns of `scim.store.user_query`)."""
    if row.user_name is not None:
        payload: dict[str, Any] = dict(row.attributes or {})
        created, modified = row.scim_created_at, row.updated_at
    else:
        payload = {}
        if _deliverable(row.email):  # `admin@localhost` is a user's address, not a SCIM email
            payload["emails"] = [{"value": row.email, "primary": True, "type": "work"}]
        if row.name:
            payload["displayName"] = row.name
        created = modified = row.created_at
    # A disabled user is inactive whatever was sent; `active` removed by a client stays absent.
    if row.disabled:
        payload["active"] = False
    elif row.user_name is None or "active" in payload:
        payload["active"] = True
    payload.update(
        schemas=[str(User.__schema__), *_extensions(payload)],
        id=row.id,
        userName=row.user_name if row.user_name is not None else row.email,
        meta=_meta("User", base, row.id, created, modified),
    )
    if row.external_id is not None:
        payload["externalId"] = row.external_id
    if groups:
        payload["groups"] = [
            {"value": gid, "display": name, "$ref": f"{base}/Groups/{gid}", "type": "direct"}
            for gid, name in groups
        ]
    return UserModel.model_validate(payload)


def group_resource(row: Row[Any], members: list[tuple[str, str]], base: str) -> Group:
    payload: dict[str, Any] = {
        "schemas": [str(Group.__schema__)],
        "id": row.id,
        "displayName": row.display_name,
        "meta": _meta("Group", base, row.id, row.created_at, row.updated_at),
    }
    if row.external_id is not None:
        payload["externalId"] = row.external_id
    if members:
        payload["members"] = [
            {"value": uid, "display": name, "$ref": f"{base}/Users/{uid}", "type": "User"}
            for uid, name in members
        ]
    return Group.model_validate(payload)


def stored_attributes(user: User[Any]) -> dict[str, Any]:
    """What `scim_users.attributes` keeps of a User: everything the client owns, minus the
    columns of its own and write-only values (a password is never stored)."""
    data = user.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    return {k: v for k, v in data.items() if k not in SERVER_OWNED}


def primary_email(user: User[Any]) -> str | None:
    emails = [e for e in (user.emails or []) if e.value]
    chosen = next((e for e in emails if e.primary), emails[0] if emails else None)
    return str(chosen.value) if chosen is not None else None


def display_name(user: User[Any]) -> str | None:
    if user.display_name:
        return user.display_name
    name = user.name
    if name is None:
        return None
    if name.formatted:
        return name.formatted
    parts = [p for p in (name.given_name, name.family_name) if p]
    return " ".join(parts) or None


def _deliverable(email: str) -> bool:
    try:
        validate_email(email)
    except PydanticCustomError:
        return False
    return True


def _extensions(payload: dict[str, Any]) -> list[str]:
    """Extension schema URNs present in the stored attributes (e.g. the enterprise user)."""
    return [k for k in payload if k.startswith("urn:")]


def changed_attributes(before: Resource[Any], after: Resource[Any]) -> list[str]:
    """The names of the attributes that differ between two renderings of a resource, for the
    audit log (names only): `displayName`, `emails`, `name.givenName`, `enterprise.department`.
    A complex attribute (`name`, an extension) is named down to its sub-attribute."""
    old = before.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    new = after.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    names: list[str] = []
    for key in sorted(set(old) | set(new)):
        was, now = old.get(key), new.get(key)
        if key in NOT_CHANGES or was == now:
            continue
        name = _attribute_name(key)
        if isinstance(was, dict | None) and isinstance(now, dict | None):
            was, now = was or {}, now or {}
            subs = sorted(k for k in set(was) | set(now) if was.get(k) != now.get(k))
            names += [f"{name}.{_attribute_name(k)}" for k in subs]
        else:
            names.append(name)
    return names


def _attribute_name(key: str) -> str:
    """An attribute's name as the audit log keeps it: an extension by its short name
    (`urn:...:extension:enterprise:2.0:User` -> `enterprise`); anything else odd as `?`."""
    if key.startswith("urn:"):
        key = key.split(":extension:", 1)[-1].split(":", 1)[0]
    return key if _ATTRIBUTE.fullmatch(key) else "?"
