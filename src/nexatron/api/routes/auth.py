"""POST /auth/login, /auth/refresh, /auth/logout and GET /auth/me."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Request
from fastapi import Response as HttpResponse
from pydantic import Field

from nexatron import audit
from nexatron.api import session_cookie
from nexatron.api.deps import AppState, Authed
from nexatron.api.gateway import client_address
from nexatron.api.schemas import Request as Body
from nexatron.api.schemas import Response
from nexatron.errors import RateLimited, Unauthorized
from nexatron.identity.roles import PERMISSIONS
from nexatron.identity.sessions import TokenPair
from nexatron.identity.users import get_user
from nexatron.services import Services

router = APIRouter(prefix="/auth", tags=["auth"])


class LoginBody(Body):
    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=1024)
    tenant: str | None = Field(
        default=None,
        min_length=1,
        max_length=63,
        description="Your tenant's slug (or id); needed only when the address is in several.",
    )
    session_cookie: bool = Field(
        default=False,
        description="Browser sign-in (the web app): the refresh token is set as an httpOnly, "
        "SameSite=Strict cookie scoped to /api/v1/auth instead of being returned. Needs the "
        f"header `{session_cookie.CSRF_HEADER}: 1`, which later refresh and logout calls must "
        "carry too.",
    )


class RefreshBody(Body):
    refresh_token: str | None = Field(
        default=None,
        min_length=1,
        max_length=512,
        description="Omit it to use the session cookie set by a browser sign-in.",
    )


class Tokens(Response):
    access_token: str
    refresh_token: str | None = Field(
        description="null when the refresh token was set as the session cookie"
    )
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_in: int
    expires_at: int


class Me(Response):
    id: str
    tenant_id: str
    email: str
    name: str | None
    role: str
    created_at: dt.datetime
    api_key_id: str | None = None
    # Extension: what this caller may do (identity/roles.py), so clients need no copy of it.
    permissions: list[str] = Field(
        default_factory=list,
        description="The permissions of the caller's role, e.g. `semantic:write`, sorted.",
    )


def _tokens(pair: TokenPair) -> Tokens:
    return Tokens(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        expires_in=pair.expires_in,
        expires_at=pair.expires_at,
    )


@router.post(
    "/login",
    response_model=Tokens,
    openapi_extra=audit.action("auth.login"),
    responses={
        401: {"description": "Invalid email or password (or tenant)."},
        403: {"description": "session_cookie without the web app's request header"},
        409: {"description": "The address is in several tenants: send `tenant` (its slug)."},
        429: {"description": "Too many login attempts for this address or client address."},
    },
)
def login(body: LoginBody, request: Request, response: HttpResponse, services: AppState) -> Tokens:
    """Email and password for an access token (short-lived JWT) and a rotating refresh token."""
    settings = services.settings
    for spec, ident in (
        (settings.login_rate_limit_email, "email:" + body.email.strip().lower()),
        (settings.login_rate_limit_ip, "ip:" + client_address(request.scope)),
    ):
        decision = services.limiter.hit(spec, "login", ident)
        if not decision.allowed:
            raise RateLimited(
                "Too many login attempts; retry after the number of seconds in Retry-After.",
                headers=decision.headers(),
            )
    if body.session_cookie:
        session_cookie.require_csrf_header(request)
    pair = services.sessions.login(body.email, body.password, body.tenant)
    if body.session_cookie:
        return _cookie_tokens(pair, request, response, services)
    return _tokens(pair)


@router.post(
    "/refresh",
    response_model=Tokens,
    openapi_extra=audit.action("auth.refresh"),
    responses={403: {"description": "the session cookie without the web app's request header"}},
)
def refresh(
    body: RefreshBody, request: Request, response: HttpResponse, services: AppState
) -> Tokens:
    """Rotates the refresh token. Presenting an already-used one revokes the whole session.

    Without `refresh_token` in the body, the session cookie of a browser sign-in is used (and
    rotated in a new cookie); that needs the web app's request header (CSRF protection)."""
    if body.refresh_token is not None:
        return _tokens(services.sessions.refresh(body.refresh_token))
    token = session_cookie.read(request)
    if token is None:
        raise Unauthorized("No refresh token: send `refresh_token`, or sign in again.")
    session_cookie.require_csrf_header(request)
    pair = services.sessions.refresh(token)
    return _cookie_tokens(pair, request, response, services)


@router.post(
    "/logout",
    status_code=204,
    openapi_extra=audit.action("auth.logout"),
    responses={403: {"description": "the session cookie without the web app's request header"}},
)
def logout(principal: Authed, request: Request, response: HttpResponse, services: AppState) -> None:
    """Revokes the current session (access-token callers); API keys are revoked via /api-keys.
    A browser sign-in's session cookie is cleared."""
    if session_cookie.read(request) is not None:
        session_cookie.require_csrf_header(request)
        session_cookie.clear(response, request)
    if principal.session_id:
        services.sessions.revoke_session(
            principal.session_id, reason="logout", tenant_id=principal.tenant_id
        )
        return
    with services.db.begin() as conn:
        audit.record(
            conn,
            tenant_id=principal.tenant_id,
            action="auth.logout",
            target=audit.Target("api_key", principal.api_key_id),
            reason="an API key has no session to end (revoke it under /api-keys)",
        )


def _cookie_tokens(
    pair: TokenPair, request: Request, response: HttpResponse, services: Services
) -> Tokens:
    session_cookie.store(
        response, request, pair.refresh_token, services.settings.refresh_token_ttl_s
    )
    return Tokens(
        access_token=pair.access_token,
        refresh_token=None,
        expires_in=pair.expires_in,
        expires_at=pair.expires_at,
    )


@router.get("/me", response_model=Me)
def me(principal: Authed, services: AppState) -> Me:
    with services.db.connect() as conn:
        user = get_user(conn, principal.tenant_id, principal.user_id)
    return Me(
        id=user.id,
        tenant_id=user.tenant_id,
        email=user.email,
        name=user.name,
        role=principal.role,
        created_at=user.created_at,
        api_key_id=principal.api_key_id,
        permissions=sorted(p for p in PERMISSIONS if principal.can(p)),
    )
