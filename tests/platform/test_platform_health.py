"""/healthz and /readyz, including an unreachable metadata store and an unreachable Redis."""

from __future__ import annotations

import gc
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from nexatron.api.app import create_app
from nexatron.services import build_services
from nexatron.testing import make_settings

pytestmark = pytest.mark.anyio


def closed_port() -> int:
    """A local port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def client_for(tmp_path: Path, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    settings, cleanup = make_settings(tmp_path, **overrides)
    services = build_services(settings, run_migrations=False)
    app = create_app(settings, services=services)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield client
    finally:
        services.close()
        if cleanup:
            cleanup()


async def test_healthz_and_readyz(harness) -> None:
    r = await harness.client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    r = await harness.client.get("/readyz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "checks": {"metadata_store": True}}
    assert r.headers["X-RateLimit-Limit"].isdigit()


async def test_readyz_503_when_metadata_store_unreachable(tmp_path) -> None:
    url = f"postgresql://postgres@127.0.0.1:{closed_port()}/nowhere?connect_timeout=2"
    async with client_for(tmp_path, database_url=url) as client:
        assert (await client.get("/healthz")).status_code == 200  # alive, just not ready
        r = await client.get("/readyz")
        assert r.status_code == 503
        assert r.json() == {"status": "unavailable", "checks": {"metadata_store": False}}
        r = await client.get("/api/v1/auth/me", headers={"Authorization": "Bearer nxa_bad"})
        assert r.status_code == 401  # a malformed key never reaches the store


async def test_redis_down_fails_open_or_closed_never_500(tmp_path) -> None:
    url = f"redis://127.0.0.1:{closed_port()}/0"
    async with client_for(tmp_path / "open", redis_url=url) as client:
        # Failing open, the node still serves: reported, but ready (a proxy keeps it in).
        r = await client.get("/readyz")
        assert r.status_code == 200 and r.json() == {
            "status": "degraded",
            "checks": {"metadata_store": True, "redis": False},
        }
        r = await client.get("/healthz")
        assert r.status_code == 200 and r.headers["X-RateLimit-Remaining"].isdigit()
    async with client_for(tmp_path / "closed", redis_url=url, redis_fail_open=False) as client:
        r = await client.get("/readyz")  # probes spend no budget: the check itself refuses
        assert r.status_code == 503 and r.json()["status"] == "unavailable"
        assert (await client.get("/healthz")).status_code == 200  # alive, just not ready
        r = await client.get("/openapi.json", headers={"X-Request-ID": "closed-1"})
        # Fail closed is the service being unavailable, not the caller over a budget.
        assert r.status_code == 503 and r.headers["Retry-After"].isdigit()
        assert r.json()["detail"].startswith("Service unavailable")
        assert "Rate limit exceeded" not in r.text
        assert r.headers["X-Request-ID"] == "closed-1"


async def test_startup_moves_what_is_alive_out_of_the_collectors_sight(tmp_path: Path) -> None:
    settings, cleanup = make_settings(tmp_path)
    services = build_services(settings)
    app = create_app(settings, services=services)
    gc.unfreeze()
    try:
        async with app.app.router.lifespan_context(app.app):
            frozen = gc.get_freeze_count()
            assert frozen > 10_000  # modules, the app, the services: a full collection skips them
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://t"
            ) as client:
                assert (await client.get("/healthz")).status_code == 200
    finally:
        gc.unfreeze()  # this test process goes on collecting as before
        if cleanup:
            cleanup()
