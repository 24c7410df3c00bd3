"""The web app's session cookie: the refresh token of a browser sign-in.

httpOnly (scripts never read it), SameSite=Strict, Secure when the request came over TLS, and
scoped to /api/v1/auth so it is sent only to login, refresh and logout. Anything the cookie
authorises also needs the header `X-Nexatron-Web: 1`: a cross-site form or image cannot set a
custom header, and a cross-origin script cannot send one without a CORS preflight this server
never grants, so a request carrying it came from the app's own pages (CSRF protection).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from nexatron.errors import Forbidden

COOKIE = "nexatron_refresh"
PATH = "/api/v1/auth"
CSRF_HEADER = "X-Nexatron-Web"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def read(request: Request) -> str | None:
    value = request.cookies.get(COOKIE)
    return value or None


def require_csrf_header(request: Request) -> None:
    if request.headers.get(CSRF_HEADER) != "1":
        raise Forbidden(
            f"A browser session needs the header `{CSRF_HEADER}: 1` (sent by the web app); "
            "API clients send `refresh_token` in the body instead."
        )


def store(response: Response, request: Request, token: str, max_age_s: int) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=max_age_s,
        path=PATH,
        secure=_secure(request),
        httponly=True,
        samesite="strict",
    )


def clear(response: Response, request: Request) -> None:
    response.delete_cookie(
        COOKIE, path=PATH, secure=_secure(request), httponly=True, samesite="strict"
    )
