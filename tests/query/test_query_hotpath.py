"""POST /api/v1/query's hot path (api/ask_hotpath.py) answers as the FastAPI route does: each
request is sent to the app as served and to the same app with the FastAPI route alone (the
gateway straight over FastAPI), and status, headers and bodies are compared."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from nexatron.api.ask_hotpath import AskHotPath
from nexatron.api.gateway import Gateway, route_label
from nexatron.query.service import query_service
from nexatron.testing import Actor, Harness, make_app_client

from .query_support import TOTAL_LAST_QUARTER

# What differs between two answers to one question: new ids, the time, the rate-limit budget.
VARYING_FIELDS = {"id", "conversation_id", "created_at", "execution_time_ms"}
VARYING_HEADERS = {
    "x-request-id", "x-ratelimit-remaining", "x-ratelimit-reset", "content-length", "x-query-id",
    "x-conversation-id",
}  # fmt: skip
JSON_TYPE = {"Content-Type": "application/json"}
pytestmark = pytest.mark.anyio


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    """Without the result cache: both answers to a question run it (`cached` would differ)."""
    async with make_app_client(tmp_path, result_cache_ttl_s=0) as h:
        yield h


class Counting:
    """The FastAPI app, counting the requests the hot path handed to it."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.calls = 0

    def __getattr__(self, name: str) -> Any:  # the app's state and exception handlers
        return getattr(self.app, name)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.calls += 1
        await self.app(scope, receive, send)


def hot_path(harness: Harness) -> AskHotPath:
    hot = harness.app._gateway.app
    assert isinstance(hot, AskHotPath)
    return hot


def without_hot_path(harness: Harness) -> httpx.AsyncClient:
    gateway = Gateway(harness.app.app, harness.services)
    transport = httpx.ASGITransport(app=gateway, client=("127.0.0.1", 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


def comparable(response: httpx.Response) -> tuple[int, list[tuple[str, str]], Any]:
    headers = [
        (name, "" if name in VARYING_HEADERS else value)
        for name, value in response.headers.multi_items()
    ]
    try:
        body = response.json()
    except ValueError:
        return response.status_code, headers, response.text
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if k not in VARYING_FIELDS}
    return response.status_code, headers, body


async def both(
    harness: Harness, actor: Actor | None, content: bytes, headers: dict[str, str]
) -> tuple[httpx.Response, httpx.Response, int]:
    """The response through the hot path, the FastAPI route's, and how many requests the hot
    path handed to FastAPI."""
    hot = hot_path(harness)
    counting = Counting(hot.app)
    hot.app = counting  # type: ignore[assignment]
    sent = {**(actor.headers if actor else {}), **headers}
    try:
        fast = await harness.client.post("/api/v1/query", content=content, headers=sent)
    finally:
        hot.app = counting.app
    async with without_hot_path(harness) as client:
        slow = await client.post("/api/v1/query", content=content, headers=sent)
    return fast, slow, counting.calls


def body(**fields: Any) -> bytes:
    return json.dumps(fields).encode()


async def test_answers_are_the_routes(harness: Harness, demo: str) -> None:
    analyst = harness.tenant.analyst
    for fields in (
        {"question": TOTAL_LAST_QUARTER},
        {"question": f"  {TOTAL_LAST_QUARTER} ", "connection_id": demo},
        {"question": "number of orders by channel", "format": "csv"},
        {"question": "total sales by zodiac sign of the moon"},  # refused: 422 from the service
        {"question": TOTAL_LAST_QUARTER, "conversation_id": "conv_nosuchconversation"},
        {"question": TOTAL_LAST_QUARTER, "connection_id": "conn_nosuchconnection"},
    ):
        fast, slow, handed = await both(harness, analyst, body(**fields), JSON_TYPE)
        assert handed == 0, fields  # answered by the hot path
        assert comparable(fast) == comparable(slow), fields
    viewer = harness.tenant.viewer  # may ask too
    fast, slow, handed = await both(harness, viewer, body(question=TOTAL_LAST_QUARTER), JSON_TYPE)
    assert (handed, fast.status_code) == (0, 200)
    assert comparable(fast) == comparable(slow)
    csv = await harness.as_(analyst, "POST", "/api/v1/query", json={
        "question": TOTAL_LAST_QUARTER, "format": "csv"})  # fmt: skip
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert csv.headers["x-query-id"].startswith("qry_")


@pytest.mark.parametrize(
    ("content", "headers", "with_key", "status"),
    [
        (body(question=TOTAL_LAST_QUARTER), JSON_TYPE, False, 401),  # no credential
        (body(question=TOTAL_LAST_QUARTER), {"Content-Type": "text/plain"}, True, 422),
        (body(question=TOTAL_LAST_QUARTER), {"Content-Type": "application/json; x=1"}, True, 200),
        (body(question=TOTAL_LAST_QUARTER), {}, True, 422),  # no content type: not JSON
        (body(question=""), JSON_TYPE, True, 422),
        (body(question="x" * 2001), JSON_TYPE, True, 422),
        (body(question=TOTAL_LAST_QUARTER, extra=1), JSON_TYPE, True, 422),
        (body(question=TOTAL_LAST_QUARTER, format="xml"), JSON_TYPE, True, 422),
        (body(question=7), JSON_TYPE, True, 422),
        (b'{"question": "total', JSON_TYPE, True, 422),  # malformed JSON
        (b"", JSON_TYPE, True, 422),
        (b"[]", JSON_TYPE, True, 422),
        (b'{"question": "\xff"}', JSON_TYPE, True, 400),  # not UTF-8
    ],
)
async def test_what_it_leaves_is_fastapis(
    harness: Harness,
    demo: str,
    content: bytes,
    headers: dict[str, str],
    with_key: bool,
    status: int,
) -> None:
    """Refused, or in a form the hot path leaves to the route: FastAPI's own answer."""
    actor = harness.tenant.analyst if with_key else None
    fast, slow, handed = await both(harness, actor, content, headers)
    assert handed == 1
    assert fast.status_code == status, fast.text
    assert comparable(fast) == comparable(slow)


async def test_an_unexpected_error_is_the_500_handlers(
    harness: Harness, demo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(query_service(harness.services), "ask_async", broken)
    transport = httpx.ASGITransport(app=harness.app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        fast = await client.post(
            "/api/v1/query",
            json={"question": TOTAL_LAST_QUARTER},
            headers=harness.tenant.analyst.headers,
        )
    gateway = Gateway(harness.app.app, harness.services)
    transport = httpx.ASGITransport(app=gateway, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        slow = await client.post(
            "/api/v1/query",
            json={"question": TOTAL_LAST_QUARTER},
            headers=harness.tenant.analyst.headers,
        )
    assert fast.status_code == 500 and fast.json() == {"detail": "Internal server error."}
    assert comparable(fast) == comparable(slow)


def test_the_metrics_label_is_the_routes_template() -> None:
    scope = {"path": "/api/v1/query", "nexatron.route": "/api/v1/query"}
    assert route_label(scope) == "/api/v1/query"
    assert route_label({"path": "/api/v1/query"}) == "unmatched"


async def test_a_scim_token_cannot_ask_through_the_hot_path(harness: Harness, demo: str) -> None:
    """A tenant's SCIM token authenticates, but only for /scim/v2: the hot path must refuse it
    as the route does (403), not answer the question."""
    made = await harness.as_(
        harness.tenant.admin, "POST", "/api/v1/scim/tokens", json={"name": "idp"}
    )
    assert made.status_code == 201, made.text
    r = await harness.client.post(
        "/api/v1/query",
        content=json.dumps({"question": TOTAL_LAST_QUARTER}),
        headers={**JSON_TYPE, "Authorization": f"Bearer {made.json()['token']}"},
    )
    assert r.status_code == 403, r.text
    assert "SCIM token" in r.json()["detail"]
