"""API keys: issue (plaintext shown once), list, revoke. Stored as an HMAC of the key."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, Row, select, update

from nexatron.clock import now
from nexatron.crypto import keyed_hash
from nexatron.errors import Forbidden, NotFound
from nexatron.identity.apikeys import display_prefix, generate_key
from nexatron.identity.roles import Principal, Role, rank
from nexatron.ids import new_id
from nexatron.store.tables import api_keys


def create_key(
    conn: Connection,
    secret: str,
    principal: Principal,
    *,
    name: str | None,
    role: Role | None,
    expires_at: dt.datetime | None,
) -> tuple[dict[str, Any], str]:
    """Returns the stored record and the plaintext key (never retrievable again)."""
    granted: Role = role or principal.role
    if rank(granted) > rank(principal.role):
        raise Forbidden(f"A key cannot have a role above your own ({principal.role}).")
    plaintext = generate_key()
    key_id = new_id("api_key")
    values = {
        "id": key_id,
        "tenant_id": principal.tenant_id,
        "created_by": principal.user_id,
        "name": name,
        "prefix": display_prefix(plaintext),
        "key_hash": keyed_hash(secret, plaintext),
        "role": granted,
        "created_at": now(),
        "expires_at": expires_at,
    }
    conn.execute(api_keys.insert().values(**values))
    record = {k: v for k, v in values.items() if k != "key_hash"}
    record.update(revoked_at=None, last_used_at=None)
    return record, plaintext


def _visible(principal: Principal) -> Any:
    clause = api_keys.c.tenant_id == principal.tenant_id
    if not principal.can("users:manage"):
        clause = clause & (api_keys.c.created_by == principal.user_id)
    return clause


def list_keys(conn: Connection, principal: Principal) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(api_keys).where(_visible(principal)).order_by(api_keys.c.created_at.desc())
    )
    return [public_key(r) for r in rows]


def public_key(row: Row[Any]) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "prefix": row.prefix,
        "role": row.role,
        "created_by": row.created_by,
        "created_at": row.created_at,
        "expires_at": row.expires_at,
        "revoked_at": row.revoked_at,
        "last_used_at": row.last_used_at,
    }


def revoke_key(conn: Connection, principal: Principal, key_id: str) -> None:
    row = conn.execute(
        select(api_keys.c.id, api_keys.c.revoked_at).where(
            _visible(principal), api_keys.c.id == key_id
        )
    ).first()
    if row is None:
        raise NotFound("API key not found.")
    if row.revoked_at is None:
        conn.execute(update(api_keys).where(api_keys.c.id == key_id).values(revoked_at=now()))
