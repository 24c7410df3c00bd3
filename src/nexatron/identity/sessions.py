"""Login, refresh-token rotation with reuse detection (RFC 9700), logout."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, select, update

from nexatron import audit
from nexatron.clock import now
from nexatron.crypto import keyed_hash
from nexatron.errors import Conflict, Forbidden, TenantSuspended, Unauthorized
from nexatron.identity.passwords import hash_password, needs_rehash, verify_password
from nexatron.identity.tokens import TokenCodec
from nexatron.identity.users import UserRecord, users_by_email
from nexatron.ids import new_id
from nexatron.sso.config import password_login_disabled
from nexatron.store.tables import auth_sessions, refresh_tokens, tenants, users

INVALID_LOGIN = "Invalid email or password."
INVALID_REFRESH = "Invalid or expired refresh token; log in again."
SEVERAL_TENANTS = (
    "This email address belongs to users in several tenants; log in again with `tenant` set "
    "to your tenant's slug."
)
MAX_CANDIDATES = 8  # password checks for one login at most (argon2 is slow on purpose)
SSO_ONLY = (
    "Your organization signs in with single sign-on: "
    "use GET /api/v1/auth/sso/start?email=<your address>."
)


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    expires_at: int
    session_id: str


class SessionService:
    def __init__(
        self,
        db: Engine,
        codec: TokenCodec,
        secret: str,
        *,
        refresh_ttl_s: int,
        reuse_grace_s: float,
    ) -> None:
        self._db = db
        self._codec = codec
        self._secret = secret
        self._refresh_ttl = dt.timedelta(seconds=refresh_ttl_s)
        self._grace = dt.timedelta(seconds=reuse_grace_s)

    def _login_refused(
        self, row: UserRecord | None, email: str, reason: str, *, denied: bool
    ) -> None:
        """`auth.login.failed` in a transaction of its own (the login makes no change)."""
        user_id = row.id if row else None
        with self._db.begin() as conn:
            audit.record(
                conn,
                tenant_id=row.tenant_id if row else None,
                actor=audit.Actor("user", user_id or "unknown", email.strip().lower()),
                action="auth.login.failed",
                target=audit.Target("user", user_id, email.strip().lower()),
                outcome="denied" if denied else "failure",
                reason=reason,
            )

    def login(self, email: str, password: str, tenant: str | None = None) -> TokenPair:
        """Log in; `tenant` (slug or id) is needed only when the address is in several tenants.

        Without it, an address in several tenants whose password matches one of them is a 409
        asking for the tenant (naming none); a wrong password is the same 401 as ever, so the
        reply tells nothing to someone who does not hold a password of that address.
        """
        with self._db.connect() as conn:
            found = users_by_email(conn, email, tenant)
        if len(found) > 1:
            candidates = found[:MAX_CANDIDATES]
            if any(verify_password(r.password_hash, password) for r in candidates):
                raise Conflict(SEVERAL_TENANTS)
            self._login_refused(None, email, "wrong password (several tenants)", denied=False)
            raise Unauthorized(INVALID_LOGIN)
        row = found[0] if found else None
        with self._db.connect() as conn:
            suspended = (
                row is not None
                and conn.execute(
                    select(tenants.c.suspended_at).where(tenants.c.id == row.tenant_id)
                ).scalar()
            )
        ok = verify_password(row.password_hash if row else None, password)
        if not ok or row is None or row.disabled:
            reason = "unknown email" if row is None else "user disabled" if ok else "wrong password"
            self._login_refused(row, email, reason, denied=False)
            raise Unauthorized(INVALID_LOGIN)
        if suspended:
            self._login_refused(row, email, "tenant suspended", denied=True)
            raise TenantSuspended(row.tenant_id)
        with self._db.begin() as conn:
            if password_login_disabled(conn, row.tenant_id):  # told only to the password holder
                raise Forbidden(SSO_ONLY)
            if row.password_hash is not None and needs_rehash(row.password_hash):
                conn.execute(
                    update(users)
                    .where(users.c.id == row.id)
                    .values(password_hash=hash_password(password))
                )
            session_id = new_id("session")
            conn.execute(
                auth_sessions.insert().values(
                    id=session_id, tenant_id=row.tenant_id, user_id=row.id, created_at=now()
                )
            )
            pair = self._issue(conn, row.id, row.tenant_id, session_id)
            audit.record(
                conn,
                tenant_id=row.tenant_id,
                actor=audit.Actor("user", row.id, row.email),
                action="auth.login",
                target=audit.Target("session", session_id),
            )
            return pair

    def start_session(self, user_id: str, tenant_id: str) -> TokenPair:
        """A session for a user whose identity was proven elsewhere (single sign-on)."""
        with self._db.begin() as conn:
            session_id = new_id("session")
            conn.execute(
                auth_sessions.insert().values(
                    id=session_id, tenant_id=tenant_id, user_id=user_id, created_at=now()
                )
            )
            return self._issue(conn, user_id, tenant_id, session_id)

    def _issue(self, conn: Connection, user_id: str, tenant_id: str, session_id: str) -> TokenPair:
        refresh = "nxr_" + secrets.token_urlsafe(32)
        created = now()
        conn.execute(
            refresh_tokens.insert().values(
                token_hash=keyed_hash(self._secret, refresh),
                session_id=session_id,
                created_at=created,
                expires_at=created + self._refresh_ttl,
            )
        )
        access, exp = self._codec.issue(user_id=user_id, tenant_id=tenant_id, session_id=session_id)
        return TokenPair(access, refresh, self._codec.ttl_s, exp, session_id)

    def refresh(self, token: str) -> TokenPair:
        """Rotate: exactly one concurrent caller wins; replaying a used token revokes the family."""
        digest = keyed_hash(self._secret, token)
        query = (
            select(
                refresh_tokens,
                auth_sessions.c.user_id,
                auth_sessions.c.tenant_id,
                auth_sessions.c.revoked_at.label("session_revoked"),
                users.c.disabled,
                tenants.c.suspended_at,
            )
            .join(auth_sessions, auth_sessions.c.id == refresh_tokens.c.session_id)
            .join(users, users.c.id == auth_sessions.c.user_id)
            .join(tenants, tenants.c.id == auth_sessions.c.tenant_id)
            .where(refresh_tokens.c.token_hash == digest)
        )
        with self._db.begin() as conn:
            # Claim first: the write lock orders concurrent refreshes, so exactly one wins.
            claimed = conn.execute(
                update(refresh_tokens)
                .where(refresh_tokens.c.token_hash == digest, refresh_tokens.c.used_at.is_(None))
                .values(used_at=now())
            ).rowcount
            row = conn.execute(query).first()
            if claimed == 1 and row is not None:
                if row.session_revoked is not None or row.expires_at <= now() or row.disabled:
                    raise Unauthorized(INVALID_REFRESH)
                if row.suspended_at is not None:
                    raise TenantSuspended(row.tenant_id)
                pair = self._issue(conn, row.user_id, row.tenant_id, row.session_id)
                audit.record(
                    conn,
                    tenant_id=row.tenant_id,
                    actor=audit.Actor("user", row.user_id, row.user_id),
                    action="auth.refresh",
                    target=audit.Target("session", row.session_id),
                )
                return pair
        if row is not None and (row.used_at is None or now() - row.used_at > self._grace):
            self.revoke_session(
                row.session_id,
                reason="refresh_token_reuse",
                tenant_id=row.tenant_id,
                actor=audit.Actor("user", row.user_id, row.user_id),
            )
        raise Unauthorized(INVALID_REFRESH)

    def revoke_session(
        self,
        session_id: str,
        *,
        reason: str,
        tenant_id: str | None = None,
        actor: audit.Actor | None = None,
    ) -> None:
        """End a session. With a tenant, the revocation is audited: `auth.logout`, or
        `auth.refresh.reuse_detected` (denied) when a used refresh token came back."""
        with self._db.begin() as conn:
            conn.execute(
                update(auth_sessions)
                .where(auth_sessions.c.id == session_id, auth_sessions.c.revoked_at.is_(None))
                .values(revoked_at=now(), revoked_reason=reason)
            )
            if tenant_id is None:
                return
            reuse = reason == "refresh_token_reuse"
            audit.record(
                conn,
                tenant_id=tenant_id,
                actor=actor,
                action="auth.refresh.reuse_detected" if reuse else "auth.logout",
                target=audit.Target("session", session_id),
                outcome="denied" if reuse else "success",
                reason="a used refresh token was presented again; session revoked"
                if reuse
                else None,
            )
