"""Pure-ASGI middleware: body-size cap, authentication, rate limiting and its headers.

Every HTTP response (errors and unknown routes included) carries X-RateLimit-* headers. An
authenticated caller is limited per user (all their keys and sessions share it) and per tenant,
both by the tenant's plan; anyone else by client address. Headers beyond
NEXATRON_MAX_HEADER_BYTES / _COUNT are a 431 before anything else is read. The resolved
Principal (or the authentication error) is left in `scope["state"]`.

Each request also gets an id (`X-Request-ID` on the response) and an audit context (request id,
client address, user agent, actor: `audit.request_context`) that the audit events written while
it runs use.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nexatron.audit import Actor, actor_of
from nexatron.audit.request_context import RequestInfo, begin_request, end_request
from nexatron.errors import Forbidden, NexatronError, TenantSuspended, Unauthorized
from nexatron.identity.apikeys import OPERATOR_PREFIX
from nexatron.identity.operators import Operator, authenticate_operator
from nexatron.identity.roles import Principal
from nexatron.observability.logs import log_access
from nexatron.observability.metrics import RATE_LIMITED, observe_request
from nexatron.observability.requestid import accept_request_id
from nexatron.observability.tracing import span
from nexatron.ratelimit import Decision
from nexatron.services import Services
from nexatron.store.db import DB_DROPPED, once_more_if_dropped

HOT_ROUTE_KEY = "nexatron.route"  # the route template a hot path left in the scope
OPERATOR_ON_TENANT_ROUTE = (
    "An operator key cannot call tenant routes; use a tenant API key or access token."
)


def _bearer(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            text = value.decode("latin-1").strip()
            scheme, _, credential = text.partition(" ")
            return credential.strip() if scheme.lower() == "bearer" else ""
    return None


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope["headers"]:
        if name == wanted:
            return str(value.decode("latin-1"))
    return None


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


async def send_json(send: Send, status: int, body: Any, headers: dict[str, str]) -> None:
    payload = json.dumps(body).encode()
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    raw += [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": payload})


class _DroppedOnce:
    """Forwards a response unless it is the 503 for a dropped store connection; then swallows it
    (and its body) and says so in `dropped`."""

    def __init__(self, send: Send, state: dict[str, Any]) -> None:
        self._send = send
        self._state = state
        self.dropped = False

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start" and self._state.pop(DB_DROPPED, False):
            self.dropped = message["status"] == 503
        if not self.dropped:
            await self._send(message)


UPLOAD_PATH = "/api/v1/files"
PROBES = frozenset({"/healthz", "/readyz"})  # not rate-limited (see Gateway._resolve)
RATE_LIMITED_DETAIL = (
    "Rate limit exceeded; retry after the number of seconds in the Retry-After header."
)
LIMITER_UNAVAILABLE = (
    "Service unavailable: the shared rate-limit store (Redis) cannot be reached and this server "
    "refuses requests until it can (NEXATRON_REDIS_FAIL_OPEN=0); retry in a few seconds."
)


def route_label(scope: Scope) -> str:
    """The route template the request matched (`/api/v1/query/{query_id}`), never its path: a
    bounded set of metric labels. Unknown paths are all `unmatched`."""
    answered = scope.get(HOT_ROUTE_KEY)  # set by the hot path of POST /query (ask_hotpath.py)
    if isinstance(answered, str):
        return answered
    # FastAPI >= 0.16x keeps an included router's routes under their own (prefix-less) path and
    # the full template in its per-request context; older ones set the full route.
    context = (scope.get("fastapi") or {}).get("effective_route_context")
    template = getattr(context, "path_format", None)
    if not isinstance(template, str):
        route = scope.get("route")
        template = getattr(route, "path_format", None)
    if isinstance(template, str):
        return template
    if scope["path"].startswith("/scim/"):
        return "/scim/v2"
    return "unmatched"


def _budget_label(principal: object, decision: Decision) -> str:
    if isinstance(principal, Operator):
        return "operator"
    if principal is None:
        return "anonymous"
    return decision.budget or "user"


class Gateway:
    def __init__(self, app: ASGIApp, services: Services) -> None:
        self.app = app
        self.services = services
        # Authentication reads the metadata store: inline when that is local (see local_io).
        self.inline = services.local_io

    def _resolve(
        self, scope: Scope, credential: str | None
    ) -> tuple[Principal | Operator | None, NexatronError | None, Decision]:
        settings = self.services.settings
        principal: Principal | Operator | None = None
        error: NexatronError | None = None
        if credential is not None:
            try:
                if not credential:
                    raise Unauthorized("Use the header `Authorization: Bearer <key or token>`.")
                if credential.startswith(OPERATOR_PREFIX):
                    principal = once_more_if_dropped(
                        authenticate_operator, self.services.db, settings.secret_key, credential
                    )
                else:
                    principal = once_more_if_dropped(
                        self.services.authenticator.authenticate, credential
                    )
            except NexatronError as exc:
                error = exc
        if principal is None and error is None and scope["path"] in PROBES:
            # Health probes spend no budget: a proxy checking N nodes from one address every
            # 500 ms would use up the anonymous budget (shared across nodes through Redis) in
            # seconds, and take every node out of rotation at once with its 429s.
            return None, None, self.services.limiter.unmetered(settings.anonymous_rate_limit)
        if principal is not None:
            if isinstance(principal, Operator):
                plans = settings.rate_limit_plans
                spec = plans[settings.default_plan]
                decision = self.services.limiter.hit(spec, "req", principal.rate_key)
            else:
                decision = self._budgets(principal)
        else:
            decision = self.services.limiter.hit(
                settings.anonymous_rate_limit, "anon", client_address(scope)
            )
        return principal, error, decision

    def _budgets(self, principal: Principal) -> Decision:
        """The user's budget, then the tenant's (both by the tenant's plan). The headers show the
        user's, or the tenant's when that one refuses (so an allowed request reads only the
        user's window). A user refused spends nothing of the tenant's."""
        settings = self.services.settings
        plans = settings.rate_limit_plans
        spec = plans.get(principal.plan, plans[settings.default_plan])
        user = self.services.limiter.hit(spec, "req", principal.rate_key)
        tenant_plans = settings.tenant_rate_limit_plans
        tenant_spec = tenant_plans.get(principal.plan, tenant_plans.get(settings.default_plan))
        if not user.allowed or tenant_spec is None:
            return user
        tenant = self.services.limiter.hit(tenant_spec, "tenant", principal.tenant_id, counts=False)
        return user if tenant.allowed else replace(tenant, budget="tenant")

    def _oversized_headers(self, scope: Scope) -> str | None:
        """Why the request's headers are refused (431), or None. The server caps them while
        reading (`serving.py`); this holds under any server, in-process tests included."""
        settings = self.services.settings
        headers = scope["headers"]
        if len(headers) > settings.max_header_count:
            return f"Too many request headers (at most {settings.max_header_count})."
        size = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
        for name, value in headers:
            size += len(name) + len(value) + 4  # ": " and CRLF
        if size > settings.max_header_bytes:
            return f"Request headers too large (at most {settings.max_header_bytes} bytes)."
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        info = RequestInfo(
            request_id=accept_request_id(_header(scope, b"x-request-id")),
            client_ip=client_address(scope),
            user_agent=_header(scope, b"user-agent"),
            enabled=self.services.settings.audit_enabled,
        )
        status = 500  # unless a response starts
        # The routing fills the route into this scope (the app gets it, and reads get copies).
        inner = dict(scope)

        async def observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        token = begin_request(info)
        try:
            oversized = self._oversized_headers(scope)
            if oversized is not None:
                args = (self.services.settings.anonymous_rate_limit, "anon", client_address(scope))
                hit = self.services.limiter.hit
                decision = hit(*args) if self.inline else await run_in_threadpool(hit, *args)
                headers = {**decision.headers(), "X-Request-ID": info.request_id}
                await send_json(observed, 431, {"detail": oversized}, headers)
                return
            with (
                span(
                    "gateway",
                    **{"http.method": scope["method"], "nexatron.request_id": info.request_id},
                ),
                self.services.rows.request(),  # one metadata-version read for auth + lookup
            ):
                await self._handle(inner, receive, observed, info)
        finally:
            route = route_label(inner)
            duration = time.perf_counter() - started
            observe_request(route, scope["method"], status, duration)
            log_access(scope["method"], route, status, duration)
            end_request(token)

    async def _handle(self, scope: Scope, receive: Receive, send: Send, info: RequestInfo) -> None:
        headers = dict(scope["headers"])
        upload = scope["method"] == "POST" and scope["path"] == UPLOAD_PATH
        settings = self.services.settings
        # An upload may be larger (plus room for the multipart framing), and must say its size.
        limit = settings.max_upload_bytes + 65536 if upload else settings.max_body_bytes
        length = headers.get(b"content-length")
        if self.inline:
            principal, error, decision = self._resolve(scope, _bearer(scope))
        else:
            principal, error, decision = await run_in_threadpool(
                self._resolve, scope, _bearer(scope)
            )
        operator: Operator | None = None
        if isinstance(principal, Operator):
            operator, principal = principal, None
            info.actor = Actor("operator", operator.key_id, operator.name)
            error = Forbidden(OPERATOR_ON_TENANT_ROUTE)
        elif principal is not None:
            info.actor = actor_of(principal)
            info.tenant_id = principal.tenant_id
        elif isinstance(error, TenantSuspended):
            info.tenant_id = error.tenant_id  # the refusals are recorded in the tenant's log
        rate_headers = {**decision.headers(), "X-Request-ID": info.request_id}
        if not decision.allowed:
            reason = "unavailable" if decision.unavailable else "limit"
            RATE_LIMITED.labels(_budget_label(principal or operator, decision), reason).inc()
            if decision.unavailable:
                await send_json(send, 503, {"detail": LIMITER_UNAVAILABLE}, rate_headers)
            else:
                await send_json(send, 429, {"detail": RATE_LIMITED_DETAIL}, rate_headers)
            return
        if length is not None and (not length.isdigit() or int(length) > limit):
            # After the budget check so that this refusal, too, carries X-RateLimit-* headers.
            await send_json(
                send, 413, {"detail": f"Request body larger than {limit} bytes."}, rate_headers
            )
            return
        if upload and length is None:
            await send_json(
                send, 411, {"detail": "Uploads need a Content-Length header."}, rate_headers
            )
            return
        state = scope.setdefault("state", {})
        state["principal"] = principal
        state["operator"] = operator
        state["auth_error"] = error
        state["rate_headers"] = rate_headers

        if length is None and scope["method"] in {"POST", "PUT", "PATCH", "DELETE"}:
            # Chunked upload: buffer it (bounded) so an oversized body is refused before routing.
            body = b""
            more = True
            while more:
                message = await receive()
                if message["type"] != "http.request":
                    return
                body += message.get("body", b"")
                more = message.get("more_body", False)
                if len(body) > limit:
                    await send_json(
                        send,
                        413,
                        {"detail": f"Request body larger than {limit} bytes."},
                        rate_headers,
                    )
                    return
            replayed = False

            async def replay() -> Message:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            receive = replay

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [
                    (k.lower().encode(), v.encode())
                    for k, v in rate_headers.items()
                    if k.lower().encode() not in present
                ]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        if scope["method"] not in {"GET", "HEAD"}:
            await self.app(scope, receive, send_with_headers)
            return
        # A read whose metadata-store connection dropped under it (errors.py answers 503 and
        # marks the state) is run once more, unseen by the client: reads are safe to repeat.
        retry = _DroppedOnce(send_with_headers, state)
        attempt = dict(scope)  # routing writes into its scope: each run gets a fresh copy
        await self.app(attempt, receive, retry.send)
        if retry.dropped:
            attempt = dict(scope)
            await self.app(attempt, receive, send_with_headers)
        for key in ("route", "fastapi"):  # what the metrics and access log read
            if key in attempt:
                scope[key] = attempt[key]
