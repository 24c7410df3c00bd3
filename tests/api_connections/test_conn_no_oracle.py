"""Issue #11 (H1, M2, L5): a failed test or connect tells one classified outcome with a fixed
sentence (no banner, driver text, role name or file existence); tests run in a small pool of
their own, a few per tenant, rate-limited, analysts and admins only; one tenant's 60 tests to
a silent port do not slow another tenant's requests."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nexatron.testing import Harness, make_app_client
from nexatron.warehouse.policy import ADVICE

from .conn_support import SUPERUSER_PW, create_connection
from .policy_support import listening

pytestmark = pytest.mark.anyio

LOOPBACK = {"connection_allow_loopback": True, "connection_test_timeout_s": 2.0}


@contextlib.contextmanager
def banner_server(banner: bytes) -> Iterator[int]:
    """Answers every connection with `banner` and closes it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.1)
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            with contextlib.suppress(OSError):
                conn.sendall(banner)
                conn.close()

    threading.Thread(target=run, daemon=True).start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        server.close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_failures_are_classified_without_driver_text(
    tmp_path: Path, pg_scram_port: int
) -> None:
    """H1: banners and role names no longer reach the tenant; wrong role and wrong password
    read the same."""
    banner = b"HTTP/1.1 400 Bad Request\r\nServer: nx-secret-banner/9.9\r\n\r\n"
    async with make_app_client(tmp_path, **LOOPBACK) as h:
        admin = h.tenant.admin
        pg = {"host": "127.0.0.1", "database": "postgres", "user": "postgres", "sslmode": "disable"}
        seen: dict[str, dict[str, object]] = {}
        with banner_server(banner) as banner_port, listening() as silent:
            cases = {
                "closed": {**pg, "port": _closed_port()},
                "banner": {**pg, "port": banner_port},
                "silent": {**pg, "port": silent.port},
                "no_such_role": {**pg, "port": pg_scram_port, "user": "nx_no_role_zz"},
                "wrong_password": {**pg, "port": pg_scram_port, "password": "nope"},
                "right": {**pg, "port": pg_scram_port, "password": SUPERUSER_PW},
            }
            for name, config in cases.items():
                made = await create_connection(h, admin, name, "postgres", config)
                assert made.status_code == 201, made.text
                url = f"/api/v1/connections/{made.json()['id']}/test"
                seen[name] = (await h.as_(admin, "POST", url)).json()
    assert seen["right"]["ok"] is True
    expected = {
        "closed": "unreachable",
        "banner": "protocol_error",
        "silent": "timeout",
        "no_such_role": "authentication_failed",
        "wrong_password": "authentication_failed",
    }
    for name, code in expected.items():
        result = seen[name]
        assert result["ok"] is False and result["error_code"] == code, (name, result)
        assert result["detail"] == ADVICE[code], (name, result)  # the fixed sentence, nothing else
        text = str(result)
        for leak in ("nx-secret-banner", "HTTP", "nx_no_role_zz", "SSL", "FATAL", "role"):
            assert leak not in text, (name, leak, result)
    assert seen["no_such_role"]["detail"] == seen["wrong_password"]["detail"]


async def test_file_existence_is_not_an_oracle(tmp_path: Path) -> None:
    """L5: outside the tenant's area, existing and missing paths read the same."""
    async with make_app_client(tmp_path, connection_allow_loopback=False, file_roots=()) as h:
        admin = h.tenant.admin
        answers = []
        for i, path in enumerate(("/etc/passwd", "/nonexistent/x.db", "/etc", "/root/.bashrc")):
            r = await create_connection(h, admin, f"f{i}", "sqlite", {"path": path})
            assert r.status_code == 422, r.text
            answers.append(r.json())
        assert all(a == answers[0] for a in answers), answers


async def test_viewers_may_not_test_and_tests_are_rate_limited_per_tenant(tmp_path: Path) -> None:
    async with make_app_client(tmp_path, connection_test_rate_limit="3/minute", **LOOPBACK) as h:
        made = await create_connection(
            h, h.tenant.admin, "pg", "postgres",
            {"host": "127.0.0.1", "port": _closed_port(), "database": "d", "user": "u"},
        )  # fmt: skip
        url = f"/api/v1/connections/{made.json()['id']}/test"
        viewer = await h.as_(h.tenant.viewer, "POST", url)
        assert viewer.status_code == 403, viewer.text
        codes = [(await h.as_(h.tenant.analyst, "POST", url)).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429], codes
        # the budget is the tenant's: the other tenant still tests its own connection
        theirs = await create_connection(
            h, h.other.admin, "pg", "postgres",
            {"host": "127.0.0.1", "port": _closed_port(), "database": "d", "user": "u"},
        )  # fmt: skip
        other_url = f"/api/v1/connections/{theirs.json()['id']}/test"
        assert (await h.as_(h.other.admin, "POST", other_url)).status_code == 200


async def test_sixty_tests_to_a_silent_port_do_not_starve_another_tenant(tmp_path: Path) -> None:
    """M2: before, each test held a request thread for 15 s and the other tenant's
    GET /connections took 11.5 s. Now at most `connection_tests_per_tenant` run (in a pool of
    their own) and the rest are refused at once."""
    async with make_app_client(tmp_path, **LOOPBACK) as h:
        with listening() as silent:
            made = await create_connection(
                h, h.tenant.admin, "silent", "postgres",
                {"host": "127.0.0.1", "port": silent.port, "database": "d", "user": "u"},
            )  # fmt: skip
            url = f"/api/v1/connections/{made.json()['id']}/test"
            storm = [asyncio.create_task(h.as_(h.tenant.analyst, "POST", url)) for _ in range(60)]
            # The storm has landed: its refusals are answered, its admitted tests hold their
            # workers on the silent port (2 s); before, all 60 held request threads for 15 s.
            await asyncio.sleep(0.5)
            start = time.perf_counter()
            listed = await h.as_(h.other.viewer, "GET", "/api/v1/connections")
            elapsed = time.perf_counter() - start
            results = await asyncio.gather(*storm)
        assert listed.status_code == 200
        assert elapsed < 1.0, f"the other tenant waited {elapsed:.2f} s"
        codes = sorted(r.status_code for r in results)
        ran = [r.json() for r in results if r.status_code == 200]
        per_tenant = h.services.settings.connection_tests_per_tenant
        assert len(ran) <= per_tenant and codes.count(429) >= 60 - per_tenant, codes
        assert all(r["error_code"] == "timeout" for r in ran), ran
        print(f"\nother tenant's GET /connections during the storm: {elapsed * 1000:.0f} ms")


async def _other_tenant_lists_during(h: Harness, storm: list[asyncio.Task[Any]]) -> float:
    """Seconds the other tenant's GET /connections takes once the storm has landed."""
    await asyncio.sleep(0.5)
    start = time.perf_counter()
    listed = await h.as_(h.other.viewer, "GET", "/api/v1/connections")
    assert listed.status_code == 200
    return time.perf_counter() - start


async def test_sixty_schema_refreshes_to_a_silent_port_do_not_starve_another_tenant(
    tmp_path: Path,
) -> None:
    """M2 through schema introspection: before, a viewer's 60 x GET .../schema?refresh=true to a
    silent port each held a request thread for the 10 s connect timeout, and the other tenant's
    GET /connections took 30 s. Now they share one introspection on the bounded pool, with the
    short connect timeout; bootstraps (which also connect) run there too, a few per tenant."""
    async with make_app_client(tmp_path, **LOOPBACK) as h:
        with listening() as silent:
            made = await create_connection(
                h, h.tenant.admin, "silent", "postgres",
                {"host": "127.0.0.1", "port": silent.port, "database": "d", "user": "u"},
            )  # fmt: skip
            cid = made.json()["id"]
            url = f"/api/v1/connections/{cid}/schema?refresh=true"
            refreshes = [asyncio.create_task(h.as_(h.tenant.viewer, "GET", url)) for _ in range(60)]
            waited = await _other_tenant_lists_during(h, refreshes)
            started = time.perf_counter()
            refreshed = await asyncio.gather(*refreshes)
            refresh_s = time.perf_counter() - started
            boot = {"connection_id": cid}
            bootstraps = [
                asyncio.create_task(h.as_(h.tenant.admin, "POST", "/api/v1/semantic/bootstrap",
                                          json=boot))
                for _ in range(20)
            ]  # fmt: skip
            waited_boot = await _other_tenant_lists_during(h, bootstraps)
            booted = await asyncio.gather(*bootstraps)
        assert waited < 1.0, f"the other tenant waited {waited:.2f} s"
        assert waited_boot < 1.0, f"the other tenant waited {waited_boot:.2f} s (bootstraps)"
        # One introspection answered all 60 refreshes, with the short connect timeout.
        assert {r.status_code for r in refreshed} == {400}, [r.text for r in refreshed[:3]]
        assert {r.json()["detail"][0]["type"] for r in refreshed} == {"timeout"}
        assert refresh_s < 2 * h.services.settings.connection_test_timeout_s + 2, refresh_s
        codes = sorted(r.status_code for r in booted)
        per_tenant = h.services.settings.introspections_per_tenant
        assert codes.count(429) >= 20 - per_tenant and codes.count(400) >= 1, codes
        print(f"\nother tenant's GET /connections during the schema storm: {waited * 1000:.0f} ms")
