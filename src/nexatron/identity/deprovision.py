"""Disable a user and end every way they are signed in, at once (SCIM deprovisioning)."""

from __future__ import annotations

from sqlalchemy import Connection, update

from nexatron.clock import now
from nexatron.store.tables import api_keys, auth_sessions, users


def deprovision(conn: Connection, tenant_id: str, user_id: str, *, reason: str) -> None:
    """Disable the user, revoke their sessions (refresh tokens and access tokens with them) and
    their API keys, in the caller's transaction."""
    at = now()
    conn.execute(
        update(users)
        .where(users.c.tenant_id == tenant_id, users.c.id == user_id)
        .values(disabled=True)
    )
    conn.execute(
        update(auth_sessions)
        .where(
            auth_sessions.c.tenant_id == tenant_id,
            auth_sessions.c.user_id == user_id,
            auth_sessions.c.revoked_at.is_(None),
        )
        .values(revoked_at=at, revoked_reason=reason[:40])
    )
    conn.execute(
        update(api_keys)
        .where(
            api_keys.c.tenant_id == tenant_id,
            api_keys.c.created_by == user_id,
            api_keys.c.revoked_at.is_(None),
        )
        .values(revoked_at=at)
    )
