"""A client that leaves a stream cancels its database statement and frees its slot.

A real uvicorn server (in a thread) and a real HTTP client: the ASGI test transport buffers whole
responses, so it cannot disconnect mid-stream.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import duckdb
import httpx
import pytest
import uvicorn

from nexatron.api.app import create_app
from nexatron.connections import service as connections
from nexatron.identity.roles import Principal
from nexatron.query.service import query_service
from nexatron.query.streaming import BATCH, PREFETCH
from nexatron.semantic import repository as repo
from nexatron.semantic.model import Dimension, Metric
from nexatron.services import build_services
from nexatron.testing import Actor, add_tenant, make_settings
from nexatron.warehouse.stream import JsonRows, JsonTextBatches, RenderedBatches


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Any, Actor, str]]:
    db = tmp_path / "slow.duckdb"
    with duckdb.connect(str(db)) as con:
        # Billions of joined rows: many seconds of work before the first row can be sent.
        con.execute(
            "CREATE VIEW slow AS SELECT a.range AS id, (a.range * b.range) % 97 AS v "
            "FROM range(200000) a, range(200000) b"
        )
        con.execute("CREATE TABLE fast AS SELECT range AS id, range % 3 AS v FROM range(10)")
        # Millions of groups: quick to aggregate, then many batches to fetch and send.
        con.execute("CREATE TABLE wide AS SELECT range AS id, 1 AS v FROM range(3000000)")
    settings, cleanup = make_settings(tmp_path / "data", max_concurrent_queries_per_tenant=1)
    services = build_services(settings)
    tenant = add_tenant(services, "Acme")
    admin = tenant.admin
    conn = connections.create(
        services,
        admin.tenant_id,
        admin.user_id,
        name="slow",
        type_name="duckdb",
        config={"path": str(db)},
        is_default=True,
    )
    with services.db.begin() as c:
        for kind, obj in (
            ("dimension", Dimension(name="bucket", table="slow", expr="id % 10", type="number")),
            ("metric", Metric(name="slow_total", table="slow", agg="sum", expr="v")),
            ("metric", Metric(name="fast_total", table="fast", agg="sum", expr="v")),
            ("dimension", Dimension(name="wide_id", table="wide", expr="id", type="number")),
            ("metric", Metric(name="wide_total", table="wide", agg="sum", expr="v")),
            ("metric", Metric(name="wide_top", table="wide", agg="max", expr="v")),
            ("metric", Metric(name="wide_exact", table="wide", agg="sum", expr="v::DECIMAL(9, 2)")),
        ):
            repo.insert_object(c, admin.tenant_id, conn["id"], kind, obj)  # type: ignore[arg-type]
    port = _free_port()
    config = uvicorn.Config(
        create_app(settings, services=services),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
    )
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", services, admin, conn["id"]
    finally:
        uv.should_exit = True
        thread.join(10)
        services.close()
        if cleanup:
            cleanup()


def _engine(services: Any, conn_id: str) -> Any:
    entry = services.engine_pool._engines.get(conn_id)  # the pooled live engine
    return entry[1] if entry else None


def test_disconnect_cancels_the_statement_and_frees_the_slot(
    server: tuple[str, Any, Actor, str],
) -> None:
    base, services, admin, conn_id = server
    headers = admin.headers
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        with client.stream(
            "POST", "/api/v1/query/stream", json={"question": "slow total by bucket"}
        ) as response:
            assert response.status_code == 200
            lines = response.iter_lines()  # kept referenced: closing it would close the stream
            for line in lines:
                if line.startswith("event: sql"):
                    break
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:  # wait until the statement is running
                engine = _engine(services, conn_id)
                if engine is not None and engine._active:
                    break
                time.sleep(0.02)
            assert engine is not None and engine._active, "the slow statement never started"
        left = time.monotonic()  # the client has gone, mid-statement
        while engine._active and time.monotonic() - left < 5:
            time.sleep(0.05)
        assert not engine._active, "the statement kept running after the client left"
        # The tenant's only slot is free again: a fast question answers at once.
        answer = client.post("/api/v1/query", json={"question": "fast total"})
        assert answer.status_code == 200, answer.text
        assert answer.json()["data"] == [{"fast_total": 9}]


# A SUM of DECIMAL is rendered in Python; MAX(INTEGER), an INTEGER, by DuckDB.
@pytest.mark.parametrize("question", ["wide exact by wide id", "wide top by wide id"])
def test_leaving_while_rows_are_fetched_stops_the_cursor_and_frees_the_slot(
    server: tuple[str, Any, Actor, str], question: str
) -> None:
    """The client leaves once rows are flowing: the cursor is closed and the slot released, each
    time, whichever side renders the rows. (Closing under a fetch in flight is proven in
    tests/warehouse/test_cancel.py.)"""
    base, services, admin, conn_id = server
    headers = admin.headers
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for _ in range(3):
            with client.stream(
                "POST", "/api/v1/query/stream", json={"question": question}
            ) as response:
                assert response.status_code == 200
                lines = response.iter_lines()
                batches = 0
                for line in lines:
                    batches += line.startswith("event: rows")
                    if batches == 2:
                        break
                assert batches == 2
            engine = _engine(services, conn_id)
            left = time.monotonic()
            while engine._active and time.monotonic() - left < 5:
                time.sleep(0.05)
            assert not engine._active, "the cursor stayed open after the client left"
            answer = client.post("/api/v1/query", json={"question": "fast total"})
            assert answer.status_code == 200, answer.text
            assert answer.json()["data"] == [{"fast_total": 9}]


@pytest.mark.parametrize(
    ("question", "source"),
    [
        ("wide top by wide id", JsonTextBatches),
        ("wide total by wide id", JsonTextBatches),  # HUGEINT, with its 64-bit flag column
        ("wide exact by wide id", RenderedBatches),
    ],
)
def test_a_stream_holds_one_hop_of_batches_whatever_the_result_size(
    server: tuple[str, Any, Actor, str], question: str, source: type
) -> None:
    """3,000,000 rows: when the first batch is handed out, only the first hop's batches have been
    taken from the database; each later hop starts only once the consumer took the previous
    one; and leaving frees the cursor and the slot."""
    _base, services, admin, conn_id = server
    service = query_service(services)
    principal = Principal(tenant_id=admin.tenant_id, user_id=admin.user_id, role="admin")
    prepared = service.prepare(principal, question, None, None)
    rows = service.stream(prepared)
    fetched: list[int] = []

    async def consume() -> list[JsonRows]:
        taken: list[JsonRows] = []
        batches = rows.batches()
        async for _offset, batch in batches:
            taken.append(batch)
            fetched.append(rows.source.rows_fetched)  # type: ignore[union-attr]
            if len(taken) == 3 * PREFETCH:
                break
        await batches.aclose()
        return taken

    taken = anyio.run(consume)
    assert isinstance(rows.source, source)
    assert [b.count for b in taken] == [BATCH] * len(taken)
    # After the k-th batch, the database has given exactly the hops begun so far, no more.
    hops = [(k // PREFETCH + 1) * PREFETCH * BATCH for k in range(len(taken))]
    assert fetched == hops
    engine = services.engine_pool._engines[conn_id][1]
    assert not engine._active, "the cursor stayed open after the consumer left"
    answer = service.execute(service.prepare(principal, "fast total", None, None))[0]
    assert answer.rows == [[9]]  # the tenant's only slot is free again


def test_the_stream_row_cap_cuts_the_last_batch_and_the_answer_keeps_row_cap_rows(
    server: tuple[str, Any, Actor, str],
) -> None:
    """stream_row_cap 2,500 over 3,000,000 DuckDB-rendered rows: batches of 1,000, 1,000 and
    500 rows, the stream marked truncated, the first row_cap (1,200) rows kept for the answer,
    and the statement stopped."""
    _base, services, admin, conn_id = server
    services.settings = services.settings.model_copy(
        update={"stream_row_cap": 2500, "row_cap": 1200}
    )
    service = query_service(services)
    principal = Principal(tenant_id=admin.tenant_id, user_id=admin.user_id, role="admin")
    rows = service.stream(service.prepare(principal, "wide top by wide id", None, None))

    async def consume() -> list[tuple[int, JsonRows]]:
        return [item async for item in rows.batches()]

    batches = anyio.run(consume)
    assert isinstance(rows.source, JsonTextBatches)
    assert [(offset, batch.count) for offset, batch in batches] == [
        (0, 1000),
        (1000, 1000),
        (2000, 500),
    ]
    streamed = [row for _offset, batch in batches for row in batch.rows()]
    assert batches[-1][1].text == JsonRows.of(streamed[2000:]).text
    assert rows.row_count == 2500 and rows.result.truncated
    assert rows.result.rows == streamed[:1200]
    engine = services.engine_pool._engines[conn_id][1]
    assert not engine._active, "the cursor stayed open after the cap"
