"""nexatron.client (sync and async) against a live server on the demo, and its retries against a
real local fake that answers 429/503."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from nexatron.client import ApiError, AsyncClient, Client, RateLimitedError
from nexatron.client.core import RetryPolicy
from nexatron.testing import Harness

from ..throwaway import free_port
from .query_support import (
    SALES_SQL,
    TOTAL_LAST_QUARTER,
    previous_quarter,
    today_in,
)

pytestmark = pytest.mark.anyio
QUESTIONS = ["number of orders by channel", "total sales by region", TOTAL_LAST_QUARTER]


def _total(harness: Harness, warehouse: Any) -> float:
    start, end = previous_quarter(today_in(harness))
    [(total,)] = warehouse(SALES_SQL, start, end)
    return float(total)


async def test_sync_client(harness: Harness, demo: str, server: str, warehouse: Any) -> None:
    total = _total(harness, warehouse)
    with Client(server, key=harness.tenant.analyst.key) as nx:
        answer = nx.ask(TOTAL_LAST_QUARTER)
        assert answer.data == [{"total_sales": pytest.approx(total, abs=0.005)}]
        assert answer.rows == [[pytest.approx(total, abs=0.005)]]
        assert answer.columns[0].name == "total_sales" and answer.sql
        same = nx.query(metrics=["total_sales"], time={"range": "last quarter"})
        assert same.rows == answer.rows
        assert [c.id for c in nx.connections()] == [demo]
        assert "total_sales" in {m.name for m in nx.metrics(demo)}
        assert "region" in {d.name for d in nx.dimensions()}
        assert nx.get_query(answer.id).summary == answer.summary

        with pytest.raises(ApiError) as refused:
            nx.ask("how many unicorns flew home")
        assert refused.value.status == 422 and "unicorns" in str(refused.value.detail)
        with pytest.raises(ApiError) as bad:
            nx.query(metrics=["total_sale"])
        assert bad.value.status == 422 and bad.value.detail[0]["loc"] == ["body", "metrics", 0]
        with pytest.raises(ApiError) as missing:
            nx.get_query("qry_doesnotexist")
        assert missing.value.status == 404 and missing.value.detail

        events = list(nx.stream(TOTAL_LAST_QUARTER))
        names = [e.event for e in events]
        assert names[0] == "plan" and names[-1] == "done" and "sql" in names
        rows = [r for e in events if e.event == "rows" for r in e.data["rows"]]
        assert rows == [[pytest.approx(total, abs=0.005)]]


async def test_history_is_iterated_across_pages(harness: Harness, demo: str, server: str) -> None:
    with Client(server, key=harness.tenant.viewer.key) as nx:
        asked = [nx.ask(q).id for q in QUESTIONS]
        listed = [a.id for a in nx.history(page_size=1)]
    assert listed == list(reversed(asked))  # newest first, one request per entry


async def test_async_client(harness: Harness, demo: str, server: str, warehouse: Any) -> None:
    total = _total(harness, warehouse)
    async with AsyncClient(server, key=harness.tenant.analyst.key) as nx:
        answer = await nx.ask(TOTAL_LAST_QUARTER, connection_id=demo)
        assert answer.data[0]["total_sales"] == pytest.approx(total, abs=0.005)
        follow = await nx.ask("and by region?", conversation_id=answer.conversation_id)
        assert follow.conversation_id == answer.conversation_id and len(follow.data) >= 2
        names = [e.event async for e in nx.stream("total sales by channel")]
        assert names[0] == "plan" and names[-1] == "done"
        ids = [a.id async for a in nx.history(page_size=1)]
        assert ids[1:3] == [follow.id, answer.id]  # the streamed question is the newest
        assert [c.id for c in await nx.connections()] == [demo]
        assert "total_sales" in {m.name for m in await nx.metrics()}
        assert "region" in {d.name for d in await nx.dimensions(demo)}
        assert (await nx.get_query(answer.id)).sql == answer.sql
        with pytest.raises(ApiError) as other:
            await nx.query(metrics=["total_sales"], connection_id="conn_nope")
        assert other.value.status == 404
    async with AsyncClient(server, key=harness.other.admin.key) as intruder:
        with pytest.raises(ApiError) as hidden:
            await intruder.get_query(answer.id)
        assert hidden.value.status == 404


class FlakyServer:
    """A real HTTP server answering `refusals` times 429 (Retry-After as given) before 200."""

    def __init__(self, refusals: int, retry_after: str | None, status: int = 429) -> None:
        self.refusals, self.retry_after, self.status = refusals, retry_after, status
        self.calls: list[float] = []

    async def handle(self, _request: Request) -> JSONResponse:
        self.calls.append(time.monotonic())
        if len(self.calls) <= self.refusals:
            headers = {"Retry-After": self.retry_after} if self.retry_after else {}
            return JSONResponse({"detail": "slow down"}, self.status, headers=headers)
        return JSONResponse(
            {
                "id": "qry_1",
                "question": "q",
                "data": [{"n": 1}],
                "summary": "One.",
                "conversation_id": "conv_1",
                "connection_id": "conn_1",
                "created_at": dt.datetime.now(dt.UTC).isoformat(),
                "columns": [{"name": "n", "type": "number", "role": "metric", "label": "N"}],
            }
        )


@pytest.fixture
def flaky() -> Iterator[tuple[str, list[FlakyServer]]]:
    current: list[FlakyServer] = []

    async def route(request: Request) -> JSONResponse:
        return await current[-1].handle(request)

    app = Starlette(routes=[Route("/api/v1/query", route, methods=["POST"])])
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.post(url + "/api/v1/nothing", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.05)
    yield url, current
    server.should_exit = True
    thread.join(timeout=10)


async def test_retries_honour_retry_after(flaky: tuple[str, list[FlakyServer]]) -> None:
    url, current = flaky
    current.append(FlakyServer(refusals=2, retry_after="0.2"))
    with Client(url, key="k", retry=RetryPolicy(attempts=3)) as nx:
        assert nx.ask("q").data == [{"n": 1}]
    calls = current[-1].calls
    assert len(calls) == 3 and calls[1] - calls[0] >= 0.19 and calls[2] - calls[1] >= 0.19

    current.append(FlakyServer(refusals=5, retry_after="0"))
    with (
        Client(url, key="k", retry=RetryPolicy(attempts=2)) as nx,
        pytest.raises(RateLimitedError) as limited,
    ):
        nx.ask("q")
    assert limited.value.status == 429 and limited.value.retry_after == 0
    assert len(current[-1].calls) == 3  # the first try and two retries, then it gives up

    current.append(FlakyServer(refusals=1, retry_after="3600"))
    with Client(url, key="k", retry=RetryPolicy(max_wait_s=5)) as nx, pytest.raises(ApiError):
        nx.ask("q")  # waiting an hour is not the client's call: raised at once
    assert len(current[-1].calls) == 1

    current.append(FlakyServer(refusals=1, retry_after=None, status=503))
    async with AsyncClient(url, key="k", retry=RetryPolicy(backoff_s=0.05)) as client:
        assert (await client.ask("q")).summary == "One."
    assert len(current[-1].calls) == 2
