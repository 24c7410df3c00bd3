"""POST /api/v1/query without FastAPI's routing, dependency solving and body handling (issue 18).

The most requested route spent about a third of the event loop's CPU in FastAPI: matching the
route through the included routers, solving the Principal and services dependencies, reading and
validating the body. This pure-ASGI layer sits between the gateway and the FastAPI app and
answers the request itself only on the happy path, with the route's own stages: the gateway's
Principal checked by the dependencies' functions (`deps.principal_of`, `deps.permitted`), the
body validated by the route's model (`AskBody`), the answer built by the route's `respond`.
Anything else (no or refused credentials, a body that is not `application/json` or does not
validate, another method) goes to the FastAPI app with the body replayed, so every refusal is
FastAPI's own. An error raised while answering is rendered by the app's exception handlers, as
Starlette's middleware would (a handler for its class; otherwise the 500 handler, then
re-raised for the server to log). The request's scope gets the route FastAPI would have put
there (the audit log reads it) and its template for the metrics label (`gateway.route_label`).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette._utils import is_async_callable
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send

from nexatron.api.deps import permitted, principal_of
from nexatron.api.gateway import HOT_ROUTE_KEY
from nexatron.api.routes import query
from nexatron.errors import NexatronError
from nexatron.identity.roles import Principal
from nexatron.services import Services

PATH = "/api/v1/query"
JSON = b"application/json"


def _content_type(scope: Scope) -> bytes | None:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return bytes(value)
    return None


def _asker(scope: Scope) -> Principal | None:
    """The Principal allowed to ask, or None: the route's dependencies will refuse it."""
    try:
        return permitted(principal_of(scope), "query:ask")
    except NexatronError:
        return None


def _body(raw: bytes) -> query.AskBody | None:
    """The body as the route validates it (`json.loads`, as FastAPI reads it), or None."""
    try:
        return query.AskBody.model_validate(json.loads(raw))
    except (ValueError, ValidationError):  # JSONDecodeError and UnicodeDecodeError included
        return None


async def _read(receive: Receive) -> tuple[bytes | None, list[Message]]:
    """The whole body (None if the client left first) and the messages it came in."""
    messages: list[Message] = []
    chunks: list[bytes] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return None, messages
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), messages


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """`receive` that hands out `messages` again first."""
    queued = list(messages)

    async def replayed() -> Message:
        if queued:
            return queued.pop(0)
        return await receive()

    return replayed


def _ask_route() -> APIRoute:
    for route in query.router.routes:
        if isinstance(route, APIRoute) and route.endpoint is query.ask:
            return route
    raise LookupError("the POST /query route is not in its router")


class AskHotPath:
    def __init__(self, app: FastAPI, services: Services) -> None:
        self.app = app
        self.services = services
        self.route = _ask_route()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != PATH:
            await self.app(scope, receive, send)
            return
        principal = _asker(scope)
        if principal is None or _content_type(scope) != JSON:
            await self.app(scope, receive, send)
            return
        raw, messages = await _read(receive)
        body = _body(raw) if raw else None
        receive = _replay(messages, receive)
        if body is None:
            await self.app(scope, receive, send)
            return
        scope["app"] = self.app  # what FastAPI's Request.app reads (the exception handlers')
        scope["route"] = self.route
        scope[HOT_ROUTE_KEY] = PATH
        try:
            response = await query.respond(self.services, principal, body)
        except Exception as exc:
            await self._failed(scope, receive, send, exc)
            return
        await response(scope, receive, send)

    async def _failed(self, scope: Scope, receive: Receive, send: Send, exc: Exception) -> None:
        """The response Starlette's middleware makes of `exc` with the app's handlers."""
        handlers: dict[Any, Any] = self.app.exception_handlers
        request = Request(scope, receive, send)
        handler = None
        if isinstance(exc, HTTPException):
            handler = handlers.get(exc.status_code)
        for cls in type(exc).__mro__:
            if handler is None and cls is not Exception and cls in handlers:
                handler = handlers[cls]
        if handler is not None:
            await (await _call(handler, request, exc))(scope, receive, send)
            exc.__traceback__ = None  # as Starlette: reused instances gather tracebacks
            return
        unexpected = handlers.get(500) or handlers.get(Exception)
        if unexpected is not None:
            await (await _call(unexpected, request, exc))(scope, receive, send)
        raise exc


async def _call(handler: Any, request: Request, exc: Exception) -> Any:
    if is_async_callable(handler):
        return await handler(request, exc)
    return await run_in_threadpool(handler, request, exc)
