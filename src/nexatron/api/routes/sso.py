"""Single sign-on: the tenant's OpenID provider settings (admin) and the browser sign-in
(GET /auth/sso/start -> the provider -> GET /auth/sso/callback -> tokens)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Response as FastAPIResponse
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from nexatron import audit
from nexatron.api import session_cookie
from nexatron.api.deps import AppState, require
from nexatron.api.routes.auth import Tokens, _tokens
from nexatron.api.schemas import Request as Body
from nexatron.api.schemas import Response
from nexatron.errors import NexatronError, NotFound
from nexatron.identity.roles import Principal, Role
from nexatron.sso import config, login
from nexatron.usage.plans import require_feature

router = APIRouter(prefix="/sso", tags=["sso"])
login_router = APIRouter(prefix="/auth/sso", tags=["auth"])


async def _sso_admin(
    principal: Annotated[Principal, Depends(require("tenant:admin"))], services: AppState
) -> Principal:
    require_feature(services.settings, principal.plan, "sso")
    return principal


Admin = Annotated[Principal, Depends(_sso_admin)]
FORBIDDEN: dict[int | str, dict[str, Any]] = {
    403: {"description": "Not an admin (or the plan lacks SSO)."}
}


class ProviderSettings(Body):
    issuer: str = Field(
        min_length=8,
        max_length=500,
        description="The OpenID provider's issuer URL (discovery "
        "is read from <issuer>/.well-known/openid-configuration).",
    )
    client_id: str = Field(min_length=1, max_length=255)
    client_secret: str | None = Field(
        default=None,
        max_length=2000,
        description="Encrypted at rest, never returned; send ******** (or omit it) to keep it, "
        '"" to remove it (a public client).',
    )
    scopes: str = Field(default=config.DEFAULT_SCOPES, max_length=500)
    allowed_domains: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="Email domains that sign in through this provider (each in one tenant only).",
    )
    role_claim: str | None = Field(default=None, max_length=100)
    role_mapping: dict[str, Role] = Field(
        default_factory=dict, description="Value of `role_claim` -> role; the highest wins."
    )
    default_role: Role = "viewer"
    jit_provisioning: bool = Field(default=True, description="Create unknown users at sign-in.")
    password_login_disabled: bool = Field(
        default=False, description="Refuse POST /auth/login for this tenant's users."
    )


class ProviderView(Response):
    issuer: str
    client_id: str
    has_client_secret: bool
    scopes: str
    allowed_domains: list[str]
    role_claim: str | None
    role_mapping: dict[str, str]
    default_role: str
    jit_provisioning: bool
    password_login_disabled: bool
    redirect_uri: str = Field(description="Register this redirect URI at the provider.")


def redirect_uri(request: Request, services: Any) -> str:
    base = services.settings.public_url or str(request.base_url)
    return base.rstrip("/") + "/api/v1/auth/sso/callback"


def _view(provider: config.Provider, request: Request, services: Any) -> ProviderView:
    return ProviderView(**provider.public_view(), redirect_uri=redirect_uri(request, services))


@router.get(
    "/settings",
    response_model=ProviderView,
    responses={**FORBIDDEN, 404: {"description": "Single sign-on is not set up."}},
)
def get_settings(principal: Admin, request: Request, services: AppState) -> ProviderView:
    with services.db.connect() as conn:
        provider = config.load(conn, services.box, principal.tenant_id)
    if provider is None:
        raise NotFound("Single sign-on is not set up for this tenant.")
    return _view(provider, request, services)


@router.put(
    "/settings",
    response_model=ProviderView,
    responses={**FORBIDDEN, 409: {"description": "A domain belongs to another tenant."}},
    openapi_extra=audit.action("sso.settings.update"),
)
def put_settings(
    body: ProviderSettings, principal: Admin, request: Request, services: AppState
) -> ProviderView:
    """Create or replace the tenant's OpenID provider."""
    config.check_issuer(body.issuer, allow_private=services.settings.sso_allow_private_hosts)
    with services.db.begin() as conn:
        provider = config.save(
            conn,
            services.box,
            principal.tenant_id,
            principal.user_id,
            body.model_dump(exclude_unset=False),
        )
    return _view(provider, request, services)


@router.delete(
    "/settings",
    status_code=204,
    responses={**FORBIDDEN, 404: {"description": "Single sign-on is not set up."}},
    openapi_extra=audit.action("sso.settings.delete"),
)
def delete_settings(principal: Admin, services: AppState) -> None:
    """Turn single sign-on off (password login works again)."""
    with services.db.begin() as conn:
        config.remove(conn, principal.tenant_id, principal.user_id)


def _web_error(detail: object) -> RedirectResponse:
    """Back to the web app's sign-in page, which shows the reason."""
    text = detail if isinstance(detail, str) else "Single sign-on failed."
    if isinstance(detail, dict) and isinstance(detail.get("message"), str):
        text = detail["message"]
    return RedirectResponse("/login?" + urlencode({"sso_error": text}), status_code=302)


@login_router.get(
    "/start",
    status_code=302,
    response_class=RedirectResponse,
    responses={
        302: {
            "description": "To the identity provider's sign-in page (or, for the web app, "
            "back to /login with `sso_error`)."
        },
        400: {"description": "Neither email nor tenant."},
        404: {"description": "No single sign-on for this email domain or tenant."},
        503: {"description": "The identity provider did not answer."},
    },
)
async def start(
    request: Request,
    services: AppState,
    email: Annotated[str | None, Query(max_length=320)] = None,
    tenant: Annotated[str | None, Query(max_length=63, description="Tenant slug")] = None,
    web: Annotated[
        bool,
        Query(
            description="Signed in by the web app: the callback sets its session "
            "cookie and redirects to `next` instead of answering with tokens."
        ),
    ] = False,
    next: Annotated[str | None, Query(max_length=500, description="Web app path")] = None,
) -> RedirectResponse:
    """Start signing in with the tenant's identity provider (found from the email's domain, or
    named by `tenant`)."""
    try:
        started = await run_in_threadpool(
            lambda: login.start(
                services,
                redirect_uri(request, services),
                email=email,
                tenant=tenant,
                web=web,
                next_path=next,
            )
        )
    except NexatronError as exc:
        if web:
            return _web_error(exc.detail)
        raise
    response = RedirectResponse(started.redirect_to, status_code=302)
    response.set_cookie(
        login.COOKIE,
        started.cookie,
        max_age=login.FLOW_TTL_S,
        path="/api/v1/auth/sso",
        httponly=True,
        secure=request.url.scheme == "https",
        samesite="lax",
    )
    return response


@login_router.get(
    "/callback",
    response_model=Tokens,
    responses={
        302: {"description": "A web app sign-in: its session cookie is set, on to the app."},
        400: {"description": "State missing, expired or from another browser."},
        401: {"description": "The provider refused, or its ID token did not validate."},
        403: {"description": "Disabled user, domain not allowed, or unknown user with JIT off."},
        503: {"description": "The identity provider did not answer."},
    },
)
async def callback(request: Request, services: AppState) -> Any:
    """The identity provider's redirect back: the product's session tokens, as POST /auth/login
    (a web app sign-in gets the web app's session cookie and a redirect instead)."""
    cookie = request.cookies.get(login.COOKIE)
    web, next_path = login.web_flow(services, cookie)
    try:
        pair = await run_in_threadpool(login.finish, services, cookie, dict(request.query_params))
    except NexatronError as exc:
        if not web:
            raise
        response: FastAPIResponse = _web_error(exc.detail)
    else:
        if web:
            response = RedirectResponse(next_path or "/ask", status_code=302)
            session_cookie.store(
                response, request, pair.refresh_token, services.settings.refresh_token_ttl_s
            )
        else:
            response = JSONResponse(_tokens(pair).model_dump())
    response.delete_cookie(login.COOKIE, path="/api/v1/auth/sso")  # one flow, one callback
    return response
