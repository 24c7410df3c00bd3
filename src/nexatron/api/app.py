"""The ASGI application: `create_app(settings)` wires services, gateway, routes and errors."""

from __future__ import annotations

import asyncio
import gc
import inspect
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse, Response
from starlette.routing import Route

from nexatron import __version__
from nexatron.api import error_handlers
from nexatron.api.ask_hotpath import AskHotPath
from nexatron.api.deps import OperatorAuthed
from nexatron.api.gateway import Gateway
from nexatron.api.routes import api_keys, audit_log, auth, operator, scim_admin, sso, users
from nexatron.api.scim_mount import PREFIX as SCIM_PREFIX
from nexatron.api.scim_mount import LazyScim
from nexatron.mcp_server.lazy import PATH as MCP_PATH
from nexatron.mcp_server.lazy import LazyMcp
from nexatron.mcp_server.lazy import installed as mcp_installed
from nexatron.observability import metrics
from nexatron.query.service import replay_journals
from nexatron.services import Services, build_services
from nexatron.settings import Settings
from nexatron.store.db import ping
from nexatron.web import is_web_path, web_app

API_PREFIX = "/api/v1"
ROUTERS: list[APIRouter] = [
    auth.router,
    sso.login_router,
    api_keys.router,
    users.router,
    audit_log.router,
    operator.router,
    scim_admin.router,
    sso.router,
]


def _optional_routers() -> list[APIRouter]:
    """Resource routers of later features, mounted when their modules exist."""
    import importlib

    found = []
    # /query first: routes are matched in order, and it is by far the most requested.
    names = ("query", "verified", "connections", "files", "semantic", "semantic_query", "llm")
    for name in (*names, "analytics", "billing"):
        try:
            module = importlib.import_module(f"nexatron.api.routes.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"nexatron.api.routes.{name}":
                raise
            continue
        found.append(module.router)
    return found


def mount_mcp(app: FastAPI) -> LazyMcp | None:
    """The MCP server at /mcp (behind the gateway), when the `mcp` extra is installed; the SDK
    is loaded on the first authenticated /mcp request (mcp_server/lazy.py)."""
    if not mcp_installed():
        return None
    endpoint = LazyMcp(app)
    app.router.routes.append(Route(MCP_PATH, endpoint=endpoint))
    return endpoint


PRUNE_EVERY_S = 3600.0
SAMPLE_EVERY_S = 5.0


def start_sampling(services: Services) -> asyncio.Task[None]:
    """Every few seconds: the metrics gauges (history queue, store pool) of this process."""

    async def loop() -> None:
        while True:
            try:
                metrics.sample(services)
            except Exception:
                logging.getLogger("nexatron.metrics").exception("metrics sampling failed")
            await asyncio.sleep(SAMPLE_EVERY_S)

    return asyncio.get_running_loop().create_task(loop())


def start_pruning(services: Services) -> asyncio.Task[None] | None:
    """With NEXATRON_AUDIT_RETENTION_DAYS set, prune the audit log now and then hourly."""
    days = services.settings.audit_retention_days
    if days is None:
        return None

    async def loop() -> None:
        from nexatron.audit.retention import prune

        while True:
            try:
                await anyio.to_thread.run_sync(prune, services.db, days)
            except Exception:
                logging.getLogger("nexatron.audit").exception("audit retention failed")
            await asyncio.sleep(PRUNE_EVERY_S)

    return asyncio.get_running_loop().create_task(loop())


def start_exporter(services: Services) -> Any:
    """With a billing sink configured (NEXATRON_OPENMETER_URL, NEXATRON_STRIPE_API_KEY), the
    metering outbox is delivered by a background thread in each process."""
    from nexatron.usage.exporter import Exporter

    exporter = Exporter(services.db, services.settings)
    if not exporter.enabled:
        exporter.close()
        return None
    exporter.start()
    return exporter


def _native_telemetry(settings: Settings) -> dict[str, Any]:
    """FastAPI's own OpenTelemetry hooks (FastAPI >= 0.165) only with NEXATRON_OTEL (the gateway
    and the stages make Nexatron's spans): otherwise FastAPI asked the global providers, reading
    os.environ, on every request (~3% of the event loop's time under load, issue 18)."""
    if settings.otel or "telemetry" not in inspect.signature(FastAPI.__init__).parameters:
        return {}
    return {"telemetry": {"tracing": False, "metrics": False, "logs": False}}


def create_app(settings: Settings, *, services: Services | None = None) -> Any:
    """Build the app. Returns the gateway-wrapped ASGI app; `.app` is the FastAPI instance."""
    services = services or build_services(settings)
    if settings.otel:
        from nexatron.observability import tracing

        tracing.enable()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # What is alive once the server has started (modules, the app, its caches so far) stays
        # for good: moved out of the cyclic collector's sight, a full collection walks only what
        # requests made since (without it, one took 96 ms in 600 new questions on the demo).
        # Answers of processes killed under this data directory whose history was not written.
        await anyio.to_thread.run_sync(replay_journals, services)
        gc.collect()
        gc.freeze()
        pruner = start_pruning(services)
        exporter = start_exporter(services)
        sampler = start_sampling(services)
        async with mcp.running() if mcp is not None else nullcontext():
            yield
        sampler.cancel()
        metrics.mark_dead()
        if exporter is not None:
            exporter.close()
        if pruner is not None:
            pruner.cancel()
        services.close()

    app = FastAPI(
        title="Nexatron API",
        version=__version__,
        description="Natural-language analytics over your own databases. All endpoints are under "
        "/api/v1 and need `Authorization: Bearer <API key or access token>`. Every response "
        "carries X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset.",
        lifespan=lifespan,
        **_native_telemetry(settings),
    )
    app.state.services = services
    error_handlers.install(app)

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        """Alive."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"])
    def readyz() -> JSONResponse:
        """Ready: the metadata store answers, and Redis when configured. With
        NEXATRON_REDIS_FAIL_OPEN (the default) a Redis outage leaves the node serving (each
        process limits alone), so it is reported (`degraded`) but stays 200: a proxy checking
        /readyz must not take every node out at once for it."""
        checks = {"metadata_store": ping(services.db)}
        if services.limiter.shared:
            checks["redis"] = services.limiter.ping()
        ok = all(checks.values())
        serving = checks["metadata_store"] and (ok or services.settings.redis_fail_open)
        status = "ok" if ok else ("degraded" if serving else "unavailable")
        return JSONResponse(
            {"status": status, "checks": checks}, status_code=200 if serving else 503
        )

    @app.get(
        "/metrics",
        tags=["health"],
        response_class=Response,
        responses={
            200: {"content": {"text/plain": {}}, "description": "Prometheus text format"},
            401: {"description": "No operator key"},
            403: {"description": "A tenant credential"},
        },
    )
    def prometheus_metrics(_operator: OperatorAuthed) -> Response:
        """Prometheus metrics (all worker processes): an operator key only. Or serve them
        without a credential on a separate address: NEXATRON_METRICS_ADDR."""
        body, content_type = metrics.exposition()
        return Response(body, media_type=content_type)

    for router in [*_optional_routers(), *ROUTERS]:
        app.include_router(router, prefix=API_PREFIX)
    app.mount(SCIM_PREFIX, LazyScim(services))
    mcp = mount_mcp(app)
    # With NEXATRON_OTEL FastAPI's own spans are wanted on every route: no hot path then.
    inner: Any = app if settings.otel else AskHotPath(app, services)
    return GatewayApp(Gateway(inner, services), app, web_app() if settings.web else None)


def app_from_env() -> Any:
    """`uvicorn --factory nexatron.api.app:app_from_env`: settings from NEXATRON_* variables
    (what `nexatron serve --workers N` runs in each worker process)."""
    from nexatron.settings import settings_from_env

    return create_app(settings_from_env())


class GatewayApp:
    """The outer ASGI callable; exposes the FastAPI app and services for tests and the CLI."""

    def __init__(self, gateway: Gateway, app: FastAPI, web: Any = None) -> None:
        self._gateway = gateway
        self.app = app
        self.services: Services = app.state.services
        self._web = web

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # The web app's pages and files need no credential: they skip the API's gateway.
        if self._web is not None and scope["type"] == "http" and is_web_path(scope["path"]):
            await self._web(scope, receive, send)
            return
        await self._gateway(scope, receive, send)
