"""Issue 11, M2 through POST /query: a tenant's questions on a connection whose host is silent
must not starve another tenant's questions (they share the query service's worker threads)."""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path

import httpx
import pytest

from nexatron.demo.install import install_demo
from nexatron.identity.roles import Principal
from nexatron.semantic import repository as repo
from nexatron.testing import make_app_client, tenant_files

from ..api_connections.policy_support import listening

pytestmark = pytest.mark.anyio


async def _storm(
    tmp_path: Path, demo_source: Path, kinds: tuple[str, ...]
) -> tuple[httpx.Response, float, list[int]]:
    """Tenant B copies the demo layer's objects of `kinds` onto a connection to a silent host and
    asks 60 questions there at once; half a second in, tenant A asks a new question on the
    demo. Returns A's answer, how long it took, and the status codes of B's questions."""
    async with make_app_client(tmp_path, connection_allow_loopback=True) as h:
        a = h.tenant.admin
        shutil.copyfile(demo_source, tenant_files(h.services, a.tenant_id) / "demo.duckdb")
        demo = install_demo(
            h.services, Principal(tenant_id=a.tenant_id, user_id=a.user_id, role="admin")
        )
        with listening() as silent:
            made = await h.as_(h.other.admin, "POST", "/api/v1/connections", json={
                "name": "silent", "type": "postgres",
                "config": {"host": "127.0.0.1", "port": silent.port, "database": "d", "user": "u"},
            })  # fmt: skip
            silent_id = made.json()["id"]
            with h.services.db.begin() as conn:  # the demo's layer, over the silent host
                layer = repo.load_layer(conn, a.tenant_id, demo)
                objects = {
                    "dimension": layer.dimensions,
                    "relationship": layer.relationships,
                    "metric": layer.metrics,
                }
                for kind in kinds:
                    for obj in objects[kind]:
                        repo.insert_object(conn, h.other.admin.tenant_id, silent_id, kind, obj)  # type: ignore[arg-type]
            warm = await h.as_(h.tenant.viewer, "POST", "/api/v1/query",
                               json={"question": "number of orders"})  # fmt: skip
            assert warm.status_code == 200, warm.text
            body = {"question": "number of orders", "connection_id": silent_id}
            storm = [
                asyncio.create_task(h.as_(h.other.viewer, "POST", "/api/v1/query", json=body))
                for _ in range(60)
            ]
            await asyncio.sleep(0.5)
            start = time.perf_counter()
            asked = await h.as_(h.tenant.viewer, "POST", "/api/v1/query",
                                json={"question": "revenue by month"})  # fmt: skip
            elapsed = time.perf_counter() - start
            results = await asyncio.gather(*storm)
    print(f"\nthe other tenant's new question during the storm: {elapsed * 1000:.0f} ms")
    return asked, elapsed, sorted(r.status_code for r in results)


async def test_sixty_questions_to_a_silent_host_do_not_starve_another_tenant(
    tmp_path: Path, demo_source: Path
) -> None:
    """Before, each of tenant B's 60 questions built the layer's value index on a query worker
    (no per-tenant bound, a 10 s connect per dimension up to the 20 s budget), and tenant A's
    new question waited 35 s for a worker. Now one build per layer version runs on the bounded
    pool; B's other questions are refused (429) at once."""
    asked, elapsed, codes = await _storm(
        tmp_path, demo_source, ("dimension", "relationship", "metric")
    )
    assert asked.status_code == 200, asked.text
    assert elapsed < 3.0, f"the other tenant's question waited {elapsed:.2f} s"
    assert codes.count(429) >= 50, codes


async def test_questions_waiting_for_a_slot_hold_no_worker(
    tmp_path: Path, demo_source: Path
) -> None:
    """Tenant B's layer needs no value index (metrics only), so its 60 questions go straight to
    the statement: 8 hang in the connect for the 10 s timeout holding B's slots. Before, the other
    52 each held one of the 32 shared query workers while they waited up to 5 s for a slot, and
    tenant A's new question waited ~10 s for a worker. Now B's waiters wait on the event loop."""
    asked, elapsed, codes = await _storm(tmp_path, demo_source, ("metric",))
    assert asked.status_code == 200, asked.text
    assert elapsed < 2.0, f"the other tenant's question waited {elapsed:.2f} s"
    assert codes.count(429) >= 40, codes  # beyond the slots and what drained within 5 s
