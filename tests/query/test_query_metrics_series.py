"""The issue's operational series move when what they count happens: slot waits and refusals,
rate-limit refusals, the history writer's queue depth and lag, and the store pool's connections,
read from /metrics as a scraper reads them."""

from __future__ import annotations

import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Connection

from nexatron.demo.install import install_demo
from nexatron.identity.operators import create_operator_key
from nexatron.identity.roles import Principal
from nexatron.observability import metrics
from nexatron.query.service import query_service
from nexatron.query.slots import TenantSlots
from nexatron.settings import DEFAULT_PLANS
from nexatron.testing import Harness, make_app_client, tenant_files

from .query_support import TOTAL_LAST_QUARTER, ask

pytestmark = pytest.mark.anyio
SAMPLE = re.compile(r"^(?P<name>nexatron_\w+?)(?:\{(?P<labels>[^}]*)\})? (?P<value>\S+)$")


def _series(text: str) -> dict[str, float]:
    """`name{labels}` -> value for every nexatron sample in an exposition."""
    out: dict[str, float] = {}
    for line in text.splitlines():
        match = SAMPLE.match(line)
        if match:
            out[f"{match['name']}{{{match['labels'] or ''}}}"] = float(match["value"])
    return out


async def _scrape(harness: Harness, key: str) -> dict[str, float]:
    r = await harness.client.get("/metrics", headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 200, r.text
    return _series(r.text)


def _install_demo(harness: Harness, demo_source: Path) -> str:
    admin = harness.tenant.admin
    shutil.copyfile(demo_source, tenant_files(harness.services, admin.tenant_id) / "demo.duckdb")
    principal = Principal(tenant_id=admin.tenant_id, user_id=admin.user_id, role="admin")
    return install_demo(harness.services, principal)


async def test_every_operational_series_moves(tmp_path: Path, demo_source: Path) -> None:
    plans = {**DEFAULT_PLANS, "default": "4/minute"}
    async with make_app_client(tmp_path, rate_limit_plans=plans) as h:
        demo = _install_demo(h, demo_source)
        with h.services.db.begin() as conn:
            _record, key = create_operator_key(conn, h.services.settings.secret_key, "metrics")
        before = await _scrape(h, key)

        # Rate limit: the viewer's fifth request in the minute is refused.
        codes = [
            (await h.as_(h.tenant.viewer, "GET", "/api/v1/auth/me")).status_code for _ in range(5)
        ]
        assert codes[-1] == 429, codes

        # Slots: the tenant's one slot is held, so a question waits, then is refused.
        service = query_service(h.services)
        service.slots = TenantSlots(1, wait_s=0.1)
        held = service.slots.acquire(h.tenant.id)
        try:
            refused = await ask(h, h.tenant.analyst, TOTAL_LAST_QUARTER, connection_id=demo)
        finally:
            held.release()
        assert refused.status_code == 429, refused.text

        # History queue: the writer is held by one job, a second waits behind it; a store
        # connection is checked out meanwhile.
        writing, gate = threading.Event(), threading.Event()

        def hold_the_writer(_conn: Connection) -> None:
            writing.set()
            gate.wait(10)

        service.recorder.submit(hold_the_writer)
        assert writing.wait(10)
        service.recorder.submit(lambda _conn: None)
        time.sleep(0.05)
        try:
            with h.services.db.connect():
                metrics.sample(h.services)  # what the server's sampler runs every few seconds
                busy = await _scrape(h, key)
        finally:
            gate.set()
        service.recorder.flush()
        metrics.sample(h.services)
        after = await _scrape(h, key)

    def grew(name: str) -> float:
        return after.get(name, 0.0) - before.get(name, 0.0)

    assert grew('nexatron_rate_limit_rejections_total{budget="user",reason="limit"}') >= 1
    assert grew("nexatron_slot_waits_total{}") >= 1
    assert grew("nexatron_slot_rejections_total{}") >= 1
    assert busy["nexatron_history_queue_depth{}"] >= 1
    assert busy["nexatron_history_lag_seconds{}"] >= 0.05
    assert busy['nexatron_store_pool_connections{state="checked_out"}'] >= 1
    assert after["nexatron_history_queue_depth{}"] == 0
    assert after["nexatron_history_lag_seconds{}"] == 0
    assert 'nexatron_store_pool_connections{state="idle"}' in after
