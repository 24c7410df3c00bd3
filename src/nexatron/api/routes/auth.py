"""POST /auth/login, /auth/refresh, /auth/logout and GET /auth/me."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import Field

from nexatron.api.deps import AppState, Authed
from nexatron.api.gateway import client_address
from nexatron.api.schemas import Request as Body
from nexatron.api.schemas import Response
from nexatron.errors import RateLimited
from nexatron.identity.sessions import TokenPair
from nexatron.identity.users import get_user

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


class RefreshBody(Body):
    refresh_token: str = Field(min_length=1, max_length=512)


class Tokens(Response):
    access_token: str
    refresh_token: str
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
    responses={
        401: {"description": "Invalid email or password (or tenant)."},
        409: {"description": "The address is in several tenants: send `tenant` (its slug)."},
        429: {"description": "Too many login attempts for this address or client address."},
    },
)
def login(body: LoginBody, request: Request, services: AppState) -> Tokens:
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
    return _tokens(services.sessions.login(body.email, body.password, body.tenant))


@router.post("/refresh", response_model=Tokens)
def refresh(body: RefreshBody, services: AppState) -> Tokens:
    """Rotates the refresh token. Presenting an already-used one revokes the whole session."""
    return _tokens(services.sessions.refresh(body.refresh_token))


@router.post("/logout", status_code=204)
def logout(principal: Authed, services: AppState) -> None:
    """Revokes the current session (access-token callers); API keys are revoked via /api-keys."""
    if principal.session_id:
        services.sessions.revoke_session(principal.session_id, reason="logout")


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
    )
