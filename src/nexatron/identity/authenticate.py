"""Turns a bearer credential (API key, SCIM token or access token) into a Principal, or raises
401 (403 when the tenant is suspended). The tenant's `suspended_at` is read with the key or
session row, so the rows cached under the metadata version (tenants are watched) see a
suspension at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, bindparam, select, update

from nexatron.clock import now
from nexatron.crypto import keyed_hash
from nexatron.errors import TenantSuspended, Unauthorized
from nexatron.identity.apikeys import PREFIX, is_well_formed
from nexatron.identity.roles import Principal, Role, min_role
from nexatron.identity.tokens import TokenCodec
from nexatron.scim import tokens as scim_tokens
from nexatron.scim.tokens import PREFIX as SCIM_PREFIX
from nexatron.store.tables import api_keys, auth_sessions, tenants, users
from nexatron.store.version import VersionedRows

LAST_USED_RESOLUTION = dt.timedelta(minutes=5)

# Built once: these run on every request, and building a select costs more than running it.
_KEY_LOOKUP = (
    select(
        api_keys.c.id,
        api_keys.c.role,
        api_keys.c.expires_at,
        api_keys.c.revoked_at,
        api_keys.c.last_used_at,
        users.c.id.label("user_id"),
        users.c.role.label("user_role"),
        users.c.disabled,
        tenants.c.id.label("tenant_id"),
        tenants.c.plan,
        tenants.c.suspended_at,
    )
    .join(users, users.c.id == api_keys.c.created_by)
    .join(tenants, tenants.c.id == api_keys.c.tenant_id)
    .where(api_keys.c.key_hash == bindparam("digest"))
)
_SESSION_LOOKUP = (
    select(
        users.c.role,
        users.c.disabled,
        auth_sessions.c.revoked_at,
        tenants.c.plan,
        tenants.c.suspended_at,
    )
    .join(auth_sessions, auth_sessions.c.user_id == users.c.id)
    .join(tenants, tenants.c.id == users.c.tenant_id)
    .where(
        users.c.id == bindparam("u"),
        users.c.tenant_id == bindparam("t"),
        auth_sessions.c.id == bindparam("s"),
    )
)


class Authenticator:
    def __init__(
        self, db: Engine, codec: TokenCodec, secret: str, rows: VersionedRows | None = None
    ) -> None:
        self._db = db
        self._codec = codec
        self._secret = secret
        self._rows = rows  # cached under the metadata version: revocations still count at once

    def _lookup(self, key: tuple[str, ...], statement: Any, params: dict[str, str]) -> Any:
        def load() -> Any:
            with self._db.connect() as conn:
                return conn.execute(statement, params).first()

        return load() if self._rows is None else self._rows.get(key, load)

    def authenticate(self, credential: str) -> Principal:
        if credential.startswith(PREFIX):
            return self._api_key(credential)
        if credential.startswith(SCIM_PREFIX):
            return scim_tokens.authenticate(self._db, self._secret, credential)
        return self._access_token(credential)

    def _api_key(self, key: str) -> Principal:
        if not is_well_formed(key):
            raise Unauthorized("Malformed API key.")
        digest = keyed_hash(self._secret, key)
        row = self._lookup(("key", digest), _KEY_LOOKUP, {"digest": digest})
        current = now()
        if row is None or row.revoked_at is not None or row.disabled:
            raise Unauthorized("Invalid or revoked API key.")
        if row.expires_at is not None and row.expires_at <= current:
            raise Unauthorized("API key expired.")
        if row.suspended_at is not None:
            raise TenantSuspended(row.tenant_id)
        if row.last_used_at is None or current - row.last_used_at > LAST_USED_RESOLUTION:
            with self._db.begin() as conn:
                conn.execute(
                    update(api_keys).where(api_keys.c.id == row.id).values(last_used_at=current)
                )
        role: Role = min_role(row.role, row.user_role)  # never above the creator's current role
        return Principal(
            tenant_id=row.tenant_id,
            user_id=row.user_id,
            role=role,
            plan=row.plan,
            api_key_id=row.id,
        )

    def _access_token(self, token: str) -> Principal:
        claims = self._codec.decode(token)
        params = {"u": claims.user_id, "t": claims.tenant_id, "s": claims.session_id}
        row = self._lookup(("session", *params.values()), _SESSION_LOOKUP, params)
        if row is None or row.disabled or row.revoked_at is not None:
            raise Unauthorized("Session ended; log in again.")
        if row.suspended_at is not None:
            raise TenantSuspended(claims.tenant_id)
        return Principal(
            tenant_id=claims.tenant_id,
            user_id=claims.user_id,
            role=row.role,
            plan=row.plan,
            session_id=claims.session_id,
        )
