"""SCIM bearer tokens: `nxs_` + 40 base62 characters, shown once, stored as an HMAC, revocable.

A token belongs to a tenant, not to a user: it authenticates the tenant's identity provider on
/scim/v2 and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import Connection, Engine, Row, select, update

from nexatron.clock import now
from nexatron.crypto import keyed_hash
from nexatron.errors import NotFound, TenantSuspended, Unauthorized
from nexatron.identity import events
from nexatron.identity.roles import Principal
from nexatron.ids import new_id, random_base62
from nexatron.store.tables import scim_tokens, tenants

PREFIX = "nxs_"
_PATTERN = re.compile(rf"^{PREFIX}[0-9A-Za-z]{{40}}$")
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def create_token(
    conn: Connection, secret: str, principal: Principal, name: str | None
) -> tuple[dict[str, Any], str]:
    """The stored record and the plaintext token (never retrievable again)."""
    plaintext = PREFIX + random_base62(40)
    values = {
        "id": new_id("scim_token"),
        "tenant_id": principal.tenant_id,
        "name": name,
        "prefix": plaintext[: len(PREFIX) + 6],
        "token_hash": keyed_hash(secret, plaintext),
        "created_by": principal.user_id,
        "created_at": now(),
    }
    conn.execute(scim_tokens.insert().values(**values))
    events.record(
        conn,
        events.Event(
            "scim.token.create",
            principal.tenant_id,
            "user",
            principal.user_id,
            target_type="scim_token",
            target_id=str(values["id"]),
            target_name=name,
        ),
    )
    record = {k: v for k, v in values.items() if k != "token_hash"}
    return {**record, "revoked_at": None, "last_used_at": None}, plaintext


def public_token(row: Row[Any]) -> dict[str, Any]:
    return {
        k: getattr(row, k)
        for k in ("id", "name", "prefix", "created_by", "created_at", "revoked_at", "last_used_at")
    }


def list_tokens(conn: Connection, tenant_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(scim_tokens)
        .where(scim_tokens.c.tenant_id == tenant_id)
        .order_by(scim_tokens.c.created_at.desc())
    )
    return [public_token(r) for r in rows]


def revoke_token(conn: Connection, principal: Principal, token_id: str) -> None:
    row = conn.execute(
        select(scim_tokens.c.id, scim_tokens.c.revoked_at, scim_tokens.c.name).where(
            scim_tokens.c.tenant_id == principal.tenant_id, scim_tokens.c.id == token_id
        )
    ).first()
    if row is None:
        raise NotFound("SCIM token not found.")
    if row.revoked_at is None:
        conn.execute(
            update(scim_tokens).where(scim_tokens.c.id == token_id).values(revoked_at=now())
        )
        events.record(
            conn,
            events.Event(
                "scim.token.revoke",
                principal.tenant_id,
                "user",
                principal.user_id,
                target_type="scim_token",
                target_id=token_id,
                target_name=row.name,
            ),
        )


def authenticate(db: Engine, secret: str, token: str) -> Principal:
    """A SCIM token to its Principal, or 401 (a refused known token is audited)."""
    if not _PATTERN.match(token):
        raise Unauthorized("Malformed SCIM token.")
    digest = keyed_hash(secret, token)
    with db.connect() as conn:
        row = conn.execute(
            select(scim_tokens, tenants.c.plan, tenants.c.suspended_at)
            .join(tenants, tenants.c.id == scim_tokens.c.tenant_id)
            .where(scim_tokens.c.token_hash == digest)
        ).first()
    if row is None:
        raise Unauthorized("Invalid SCIM token.")
    if row.revoked_at is not None:
        with db.begin() as conn:
            events.record(
                conn,
                events.Event(
                    "scim.token.use",
                    row.tenant_id,
                    "scim",
                    row.id,
                    row.prefix,
                    target_type="scim_token",
                    target_id=row.id,
                    outcome="denied",
                    reason="revoked",
                ),
            )
        raise Unauthorized("Revoked SCIM token.")
    if row.suspended_at is not None:
        raise TenantSuspended(row.tenant_id)
    current = now()
    if row.last_used_at is None or current - row.last_used_at > LAST_USED_RESOLUTION:
        # Use is recorded with last_used_at, at most once a minute per token; every change a
        # SCIM client makes is recorded on its own, with the token as actor.
        with db.begin() as conn:
            conn.execute(
                update(scim_tokens).where(scim_tokens.c.id == row.id).values(last_used_at=current)
            )
            events.record(
                conn,
                events.Event(
                    "scim.token.use",
                    row.tenant_id,
                    "scim",
                    row.id,
                    row.prefix,
                    target_type="scim_token",
                    target_id=row.id,
                ),
            )
    return Principal(
        tenant_id=row.tenant_id,
        user_id=row.id,
        role="viewer",
        plan=row.plan,
        scim_token_id=row.id,
    )
