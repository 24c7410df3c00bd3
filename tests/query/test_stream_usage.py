"""POST /query/stream and usage: `X-Quota-*` headers and the terminal event's quota, a 429 over
quota before any event, and a stream that fails while rows are sent kept as `errored` (history,
analytics rollups), its quota unit given back."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest
from sqlalchemy import select, update

from nexatron.connections.service import pool
from nexatron.query.service import query_service
from nexatron.store.tables import queries, tenants
from nexatron.testing import Actor, Harness, make_app_client, tenant_files

from .query_support import Event, parse_sse

pytestmark = pytest.mark.anyio
PLANS = {"tiny": {"questions_per_month": 3}}
ANSWERABLE = "number of orders"
UNKNOWN = "number of unicorns by galaxy"


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    async with make_app_client(tmp_path, plans=PLANS) as h:
        with h.services.db.begin() as conn:
            conn.execute(
                update(tenants).where(tenants.c.id == h.tenant.admin.tenant_id).values(plan="tiny")
            )
        yield h


async def post_stream(
    harness: Harness, actor: Actor, question: str, **body: Any
) -> tuple[httpx.Response, list[Event]]:
    headers = {**actor.headers, "Accept": "text/event-stream"}
    async with harness.client.stream(
        "POST", "/api/v1/query/stream", json={"question": question, **body}, headers=headers
    ) as response:
        await response.aread()
        text = response.text
    return response, parse_sse(text) if response.status_code == 200 else []


def remaining(response: httpx.Response) -> int:
    assert response.headers["X-Quota-Limit"] == "3"
    assert response.headers["X-Quota-Meter"] == "questions"
    return int(response.headers["X-Quota-Remaining"])


async def test_stream_quota_headers_terminal_quota_and_429(harness: Harness, demo: str) -> None:
    admin = harness.tenant.admin
    r, events = await post_stream(harness, admin, ANSWERABLE)
    assert r.status_code == 200 and remaining(r) == 2
    assert events[-1].event == "done" and events[-1].data["quota"]["remaining"] == 2
    assert events[-1].data["quota"]["limit"] == 3
    assert events[-1].data["quota"]["reset"] == int(r.headers["X-Quota-Reset"])

    r, events = await post_stream(harness, admin, UNKNOWN)  # a refusal: the unit comes back
    assert r.status_code == 200 and remaining(r) == 1  # counted while it was asked
    assert events[-1].event == "error" and events[-1].data["status"] == 422
    assert events[-1].data["quota"]["remaining"] == 2

    for left in (1, 0):
        r, events = await post_stream(harness, admin, ANSWERABLE)
        assert remaining(r) == left and events[-1].data["quota"]["remaining"] == left
    r, events = await post_stream(harness, admin, ANSWERABLE)
    assert r.status_code == 429, r.text
    assert r.json()["detail"]["code"] == "quota_exceeded" and int(r.headers["Retry-After"]) > 0
    assert remaining(r) == 0

    # a tenant without a question quota gets no quota headers and no `quota`
    r, events = await post_stream(harness, harness.other.admin, ANSWERABLE)
    assert r.status_code == 200 and "X-Quota-Limit" not in r.headers
    assert "quota" not in events[-1].data


async def test_a_stream_that_fails_while_sending_rows_is_errored(
    harness: Harness, demo: str
) -> None:
    admin = harness.tenant.admin
    r, events = await post_stream(harness, admin, ANSWERABLE)  # the layer is loaded
    assert events[-1].event == "done"
    # The warehouse loses its tables (a new, empty file): the next question is understood and
    # compiled from the layer, and fails once the database runs it.
    path = tenant_files(harness.services, admin.tenant_id) / "demo.duckdb"
    pool(harness.services).evict(demo)
    empty = path.with_name("empty.duckdb")
    duckdb.connect(str(empty)).close()
    os.replace(empty, path)
    r, events = await post_stream(harness, admin, "total sales by region")
    assert r.status_code == 200 and remaining(r) == 1
    names = [e.event for e in events]
    assert names[:2] == ["plan", "sql"] and names[-1] == "error", names
    assert "summary" not in names
    failed = events[-1].data
    assert failed["status"] >= 400 and failed["quota"]["remaining"] == 2  # given back
    query_id = events[0].data["id"]

    query_service(harness.services).recorder.flush()
    with harness.services.db.connect() as conn:
        row = conn.execute(select(queries).where(queries.c.id == query_id)).one()
    assert row.status == "errored" and row.question == "total sales by region"
    assert row.error["status"] == failed["status"] and row.sql == events[1].data["sql"]
    usage = await harness.as_(admin, "GET", "/api/v1/analytics/usage")
    [today] = usage.json()["data"]
    assert today["errored"] == 1 and today["answered"] == 1 and today["questions"] == 2
