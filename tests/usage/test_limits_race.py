"""Seat and connection limits hold under concurrent creates (the check and the insert are one
locked step): many creates at once through the API never pass the plan's limit, on SQLite and
on PostgreSQL (NEXATRON_TEST_METADATA=postgres)."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import update

from nexatron.store.tables import tenants
from nexatron.testing import Harness, make_app_client, tenant_files
from nexatron.usage.limits import connections_used, seats_used

pytestmark = pytest.mark.anyio
PLANS = {"small": {"seats": 5, "connections": 3}}
RACERS = 12
ROUNDS = 3


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    async with make_app_client(tmp_path, plans=PLANS) as h:
        with h.services.db.begin() as conn:
            conn.execute(
                update(tenants).where(tenants.c.id == h.tenant.admin.tenant_id).values(plan="small")
            )
        yield h


async def test_concurrent_user_creates_never_pass_the_seats(harness: Harness) -> None:
    admin = harness.tenant.admin
    tenant = admin.tenant_id
    with harness.services.db.connect() as conn:
        taken = seats_used(conn, tenant)  # the fixture's admin, analyst and viewer
    assert taken < 5

    async def create(i: int) -> int:
        body = {
            "email": f"racer{i}-{secrets.token_hex(3)}@acme.test",
            "password": "password-racer",
            "role": "viewer",
        }
        r = await harness.as_(admin, "POST", "/api/v1/users", json=body)
        assert r.status_code in (201, 403), r.text
        if r.status_code == 403:
            assert r.json()["detail"]["code"] == "seat_limit_reached"
        return r.status_code

    for _ in range(ROUNDS):
        statuses = await asyncio.gather(*(create(i) for i in range(RACERS)))
        with harness.services.db.connect() as conn:
            used = seats_used(conn, tenant)
        assert used == 5 and statuses.count(201) == 5 - taken, statuses
        taken = 4  # free one seat (disable a racer) and race again for it
        users = await harness.as_(admin, "GET", "/api/v1/users", params={"limit": 200})
        racer = next(
            u for u in users.json()["data"] if u["email"].startswith("racer") and not u["disabled"]
        )
        r = await harness.as_(
            admin, "PATCH", f"/api/v1/users/{racer['id']}", json={"disabled": True}
        )
        assert r.status_code == 200, r.text


async def test_concurrent_connection_creates_never_pass_the_limit(harness: Harness) -> None:
    admin = harness.tenant.admin
    files = tenant_files(harness.services, admin.tenant_id)
    path = files / "race.duckdb"
    duckdb.connect(str(path)).close()

    async def create(i: int) -> int:
        body = {"name": f"racer {i}", "type": "duckdb", "config": {"path": str(path)}}
        r = await harness.as_(admin, "POST", "/api/v1/connections", json=body)
        assert r.status_code in (201, 403), r.text
        if r.status_code == 403:
            assert r.json()["detail"]["code"] == "connection_limit_reached"
        return r.status_code

    statuses = await asyncio.gather(*(create(i) for i in range(RACERS)))
    with harness.services.db.connect() as conn:
        used = connections_used(conn, admin.tenant_id)
    assert used == 3 and statuses.count(201) == 3, statuses
