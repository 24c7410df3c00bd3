"""The Starlette app behind the web pages: the HTML shell, versioned static files (gzip, long
cache), and the engine forms. Every response carries the security headers below."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

from nexatron.web.engines import engine_forms

STATIC = Path(__file__).parent / "static"
# Pages of the app (the shell answers them all; the browser-side router picks the page).
PAGES = ("/", "/login", "/ask", "/history", "/connections", "/semantic", "/settings")
WEB_PREFIXES = ("/static/", "/ui/")
IMMUTABLE = "public, max-age=31536000, immutable"
# No inline or eval'd script anywhere (charts use vega's expression interpreter); styles may be
# set inline because the chart library sets style attributes on the SVG it draws.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def is_web_path(path: str) -> bool:
    """Does this request path belong to the web app (rather than the API)?"""
    if path.startswith(WEB_PREFIXES):
        return True
    return any(path == p or path.startswith(p + "/") for p in PAGES if p != "/") or path == "/"


@lru_cache(maxsize=1)
def version() -> str:
    """A hash of every static file: the path segment that makes them cacheable for good."""
    digest = hashlib.sha256()
    for path in sorted(STATIC.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(STATIC)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@lru_cache(maxsize=1)
def _shell() -> bytes:
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    return html.replace("{{STATIC}}", f"/static/{version()}").encode()


async def shell(_request: Request) -> Response:
    return Response(
        _shell(),
        media_type="text/html; charset=utf-8",
        headers={"Cache-Control": "no-cache"},
    )


async def engines(_request: Request) -> Response:
    return Response(
        json.dumps({"engines": engine_forms()}),
        media_type="application/json",
        headers={"Cache-Control": "no-cache"},
    )


class _VersionedStatic:
    """`/static/<version>/path`: the file, cached for a year when the version is current (a
    stale page asking for an old version still gets today's file, not cached)."""

    def __init__(self) -> None:
        self.files = GZipMiddleware(StaticFiles(directory=STATIC), minimum_size=512)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        asked, _, rest = scope["path"].removeprefix("/static/").partition("/")
        if not rest or rest == "index.html":
            await PlainTextResponse("Not found", status_code=404)(scope, receive, send)
            return
        cache = IMMUTABLE if asked == version() else "no-cache"

        async def send_cached(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                headers = [(k, v) for k, v in message["headers"] if k.lower() != b"cache-control"]
                message = {**message, "headers": [*headers, (b"cache-control", cache.encode())]}
            await send(message)

        try:
            await self.files({**scope, "path": "/" + rest, "root_path": ""}, receive, send_cached)
        except HTTPException as exc:  # StaticFiles raises its 404 outside a Starlette app
            await PlainTextResponse(exc.detail, status_code=exc.status_code)(scope, receive, send)


class _WebApp:
    """Static files straight to their handler; pages and the engine forms through the router;
    the security headers on every response."""

    def __init__(self) -> None:
        routes = [Route(p, shell) for p in PAGES]
        routes += [Route(p + "/{rest:path}", shell) for p in PAGES if p != "/"]
        routes.append(Route("/ui/engines.json", engines))
        self.pages = Starlette(routes=routes)
        self.static = _VersionedStatic()
        self.raw = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *self.raw]}
            await send(message)

        app = self.static if scope["path"].startswith("/static/") else self.pages
        await app(scope, receive, send_with)


def web_app() -> Any:
    return _WebApp()
