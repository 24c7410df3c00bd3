"""The sign-in flow: find the tenant (email domain or slug), send the browser to its provider
with state, nonce and a PKCE verifier sealed in a short-lived cookie, then on the way back check
the state, validate the ID token, find or create (just in time) the user and open the product's
own session (access + refresh tokens, as POST /auth/login)."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from authlib.common.security import generate_token
from sqlalchemy import select, update

from nexatron import audit
from nexatron.crypto import DecryptionFailed
from nexatron.errors import BadRequest, Forbidden, NexatronError, NotFound, TenantSuspended
from nexatron.identity import events
from nexatron.identity.roles import ROLES, Role
from nexatron.identity.sessions import TokenPair
from nexatron.identity.users import create_user
from nexatron.services import Services
from nexatron.sso import config
from nexatron.sso.login_failures import LoginRejected
from nexatron.store.tables import tenants, users
from nexatron.usage.limits import check_new_seat
from nexatron.usage.plans import require_feature

if TYPE_CHECKING:
    from nexatron.sso.oidc import OidcClient

COOKIE = "nexatron_sso"
FLOW_TTL_S = 600
_AAD = "sso-flow"
SSO = audit.Actor("system", "sso")  # what the identity provider's claims change at sign-in


@dataclass(frozen=True, slots=True)
class Started:
    redirect_to: str
    cookie: str


def client(services: Services) -> OidcClient:
    """The process's OpenID client (authlib and joserfc load on the first sign-in, not at start)."""
    from nexatron.sso.oidc import OidcClient

    found = services.oidc
    if found is None:
        settings = services.settings
        found = services.oidc = OidcClient(
            timeout_s=settings.sso_http_timeout_s, allow_private=settings.sso_allow_private_hosts
        )
    assert isinstance(found, OidcClient)
    return found


def _provider_for(services: Services, tenant_id: str) -> config.Provider:
    with services.db.connect() as conn:
        tenant = conn.execute(
            select(tenants.c.plan, tenants.c.suspended_at).where(tenants.c.id == tenant_id)
        ).first()
        provider = config.load(conn, services.box, tenant_id)
    if provider is None or tenant is None:
        raise NotFound("Single sign-on is not set up for this tenant.")
    if tenant.suspended_at is not None:
        raise TenantSuspended(tenant_id)
    require_feature(services.settings, str(tenant.plan), "sso")
    return provider


def safe_next(value: str | None) -> str | None:
    """A path of this server to land on after a web sign-in (never another origin)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value[:500]
    return None


def web_flow(services: Services, cookie: str | None) -> tuple[bool, str | None]:
    """Was this sign-in started by the web app, and where does it land? (False when unknown.)"""
    try:
        flow = services.box.decrypt_json(cookie, _AAD) if cookie else None
    except DecryptionFailed:
        return False, None
    if not isinstance(flow, dict):
        return False, None
    return bool(flow.get("w")), safe_next(flow.get("x"))


def start(
    services: Services,
    redirect_uri: str,
    *,
    email: str | None,
    tenant: str | None,
    web: bool = False,
    next_path: str | None = None,
) -> Started:
    """Where to send the browser, and the sealed cookie that must come back with it."""
    with services.db.connect() as conn:
        if tenant:
            tenant_id = config.tenant_for_slug(conn, tenant)
            if tenant_id is None:
                raise NotFound(f"No tenant {tenant!r}.")
        elif email and "@" in email:
            domain = email.rsplit("@", 1)[1].strip().lower()
            tenant_id = config.tenant_for_domain(conn, domain)
            if tenant_id is None:
                raise NotFound(
                    f"No single sign-on is set up for {domain}; sign in with your password."
                )
        else:
            raise BadRequest("Send `email` (an address at your company) or `tenant` (its slug).")
    provider = _provider_for(services, tenant_id)
    flow = {
        "t": tenant_id,
        "s": generate_token(32),
        "n": generate_token(32),
        "v": generate_token(64),  # PKCE code verifier (43-128 characters)
        "r": redirect_uri,
        "e": int(time.time()) + FLOW_TTL_S,
        "w": web,  # the web app's sign-in: the callback sets its session cookie and redirects
        "x": safe_next(next_path),
    }
    url = client(services).authorization_url(
        provider, redirect_uri, state=flow["s"], nonce=flow["n"], verifier=flow["v"]
    )
    return Started(url, services.box.encrypt_json(flow, _AAD))


def _fail(services: Services, tenant_id: str | None, reason: str, who: str | None) -> None:
    with services.db.begin() as conn:
        events.record(
            conn,
            events.Event(
                "sso.login.failed",
                tenant_id,
                "user",
                who or "unknown",
                target_type="user",
                target_name=who,
                outcome="failure",
                reason=reason,
            ),
        )


def finish(services: Services, cookie: str | None, params: dict[str, str]) -> TokenPair:
    """The provider's redirect back: `code` and `state` (or `error`)."""
    try:
        flow = services.box.decrypt_json(cookie, _AAD) if cookie else None
    except DecryptionFailed:
        flow = None
    if not isinstance(flow, dict) or flow.get("e", 0) < time.time():
        raise BadRequest("The sign-in expired or was started in another browser; start again.")
    tenant_id = str(flow["t"])
    if not secrets.compare_digest(str(flow["s"]), params.get("state", "")):
        _fail(services, tenant_id, "state mismatch", None)
        raise BadRequest("The sign-in state does not match; start again.")
    if "error" in params:
        _fail(services, tenant_id, f"provider error {params['error'][:60]}", None)
        raise LoginRejected(f"The identity provider refused the sign-in ({params['error'][:60]}).")
    code = params.get("code")
    if not code:
        raise BadRequest("The identity provider sent no authorization code.")
    provider = _provider_for(services, tenant_id)
    oidc = client(services)
    try:
        id_token = oidc.exchange(provider, str(flow["r"]), code, str(flow["v"]))
        claims = oidc.validate(provider, id_token, str(flow["n"]))
        return _sign_in(services, provider, claims)
    except NexatronError as exc:
        _fail(services, tenant_id, str(exc.detail)[:200], None)
        raise


def _claimed_role(provider: config.Provider, claims: dict[str, Any]) -> Role | None:
    if not provider.role_claim:
        return None
    value = claims.get(provider.role_claim)
    values = value if isinstance(value, list) else [value]
    mapped = [provider.role_mapping[str(v)] for v in values if str(v) in provider.role_mapping]
    if not mapped:
        return None
    return max(mapped, key=ROLES.index)


def _sign_in(services: Services, provider: config.Provider, claims: dict[str, Any]) -> TokenPair:
    email = str(claims.get("email") or "").strip().lower()
    if "@" not in email:
        raise LoginRejected("The identity provider sent no email address for this user.")
    if claims.get("email_verified") is False:
        raise LoginRejected(f"The identity provider has not verified {email}.")
    domain = email.rsplit("@", 1)[1]
    if provider.allowed_domains and domain not in provider.allowed_domains:
        raise Forbidden(f"{domain} is not an allowed email domain for this tenant.")
    role = _claimed_role(provider, claims)
    tenant_id = provider.tenant_id
    with services.db.begin() as conn:
        row = conn.execute(
            select(users.c.id, users.c.disabled, users.c.role).where(
                users.c.tenant_id == tenant_id, users.c.email == email
            )
        ).first()
        if row is None:
            if not provider.jit_provisioning:
                raise Forbidden(
                    f"No account for {email} in this tenant, and just-in-time provisioning is "
                    "off; ask an admin to add you."
                )
            plan = conn.execute(select(tenants.c.plan).where(tenants.c.id == tenant_id)).scalar()
            check_new_seat(conn, services.settings, tenant_id, str(plan))
            user_id = create_user(
                conn,
                tenant_id=tenant_id,
                email=email,
                password=None,
                role=role or provider.default_role,
                name=str(claims["name"])[:200] if claims.get("name") else None,
            )
            events.record(
                conn,
                events.Event(
                    "sso.user.provision",
                    tenant_id,
                    SSO.type,
                    SSO.id,
                    target_type="user",
                    target_id=user_id,
                    target_name=email,
                ),
            )
        else:
            if row.disabled:
                raise Forbidden(f"The account {email} is disabled in this tenant.")
            user_id = row.id
            if role is not None and role != row.role:
                conn.execute(update(users).where(users.c.id == user_id).values(role=role))
                change = (row.role, role)
                events.record(
                    conn, events.role_change(tenant_id, user_id, email, change, SSO, "SSO claim")
                )
        events.record(
            conn,
            events.Event(
                "sso.login.success",
                tenant_id,
                "user",
                user_id,
                email,
                target_type="user",
                target_id=user_id,
                target_name=email,
            ),
        )
    return services.sessions.start_session(user_id, tenant_id)
