"""The MCP server through the SDK's own client: streamable HTTP at /mcp on a real uvicorn server
(the API gateway authenticates the key), and stdio (`nexatron mcp --url --key` in a subprocess).
Answers equal hand-written SQL; refusals are tool errors naming the words; another tenant's key
sees nothing of this tenant."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import httpx2
import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from nexatron.api.app import create_app
from nexatron.testing import Harness

from ..throwaway import nexatron_command
from .query_support import SALES_SQL, previous_quarter, serving, today_in

pytestmark = pytest.mark.anyio
TOOLS = {"ask", "query_metrics", "list_connections", "list_metrics", "list_dimensions", "describe"}
SRC = str(Path(__file__).resolve().parents[2] / "src")
BY_REGION_SQL = (
    "SELECT c.region, SUM(i.amount) FROM order_items i JOIN orders o ON i.order_id = o.id "
    "JOIN customers c ON o.customer_id = c.id WHERE o.order_date >= ? AND o.order_date < ? "
    "GROUP BY 1"
)


@asynccontextmanager
async def over_http(url: str, key: str):  # type: ignore[no-untyped-def]
    client = httpx2.AsyncClient(headers={"Authorization": f"Bearer {key}"}, timeout=60)
    async with (
        client,
        streamable_http_client(url + "/mcp", http_client=client) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield session


def structured(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    if result.structured_content is not None:
        data: dict[str, Any] = result.structured_content
        return data.get("result", data) if set(data) == {"result"} else data
    parsed: dict[str, Any] = json.loads(result.content[0].text)
    return parsed


async def test_streamable_http_session(
    harness: Harness, demo: str, server: str, warehouse: Any
) -> None:
    start, end = previous_quarter(today_in(harness))
    [(total,)] = warehouse(SALES_SQL, start, end)
    transcript: list[dict[str, Any]] = []
    async with over_http(server, harness.tenant.analyst.key) as session:
        tools = (await session.list_tools()).tools
        assert {t.name for t in tools} == TOOLS
        for tool in tools:
            assert tool.description and len(tool.description) > 60
            assert tool.input_schema["type"] == "object"
        transcript.append({"tools/list": [t.name for t in tools]})
        by_name = {t.name: t for t in tools}
        assert "question" in by_name["ask"].input_schema["required"]
        assert "metrics" in by_name["query_metrics"].input_schema["properties"]

        args = {"question": "What were total sales last quarter?", "connection_id": demo}
        answer = structured(await session.call_tool("ask", args))
        transcript.append({"tools/call ask": args, "result": answer})
        assert answer["rows"] == [{"total_sales": pytest.approx(float(total), abs=0.005)}]
        assert answer["summary"].startswith("Total sales last quarter were")
        assert "SELECT" in answer["sql"].upper()

        query = {"metrics": ["total_sales"], "time": {"range": "last quarter"}}
        same = structured(await session.call_tool("query_metrics", query))
        assert same["rows"] == answer["rows"]

        refused = await session.call_tool("ask", {"question": "how many unicorns flew home"})
        assert refused.is_error
        text = refused.content[0].text
        assert "Unmatched words" in text and "unicorns" in text and "Suggested" in text

        bad = await session.call_tool("query_metrics", {"metrics": ["total_sale"]})
        assert bad.is_error and "metrics.0" in bad.content[0].text
        assert "'total_sales'" in bad.content[0].text

        connections = structured(await session.call_tool("list_connections", {}))
        assert [c["id"] for c in connections["connections"]] == [demo]
        metrics = structured(await session.call_tool("list_metrics", {"connection_id": demo}))
        assert "total_sales" in {m["name"] for m in metrics["metrics"]}
        dims = structured(await session.call_tool("list_dimensions", {}))
        assert "region" in {d["name"] for d in dims["dimensions"]}
        layer = structured(await session.call_tool("describe", {"connection_id": demo}))
        assert layer["relationships"] and layer["metrics"] and layer["dimensions"]
    # The question is in the tenant's history, asked by the key's user.
    history = await harness.as_(harness.tenant.analyst, "GET", "/api/v1/query/history")
    assert answer["query_id"] in {q["id"] for q in history.json()["data"]}
    if os.environ.get("NEXATRON_MCP_TRANSCRIPT"):  # for the report: one session, as JSON
        Path(os.environ["NEXATRON_MCP_TRANSCRIPT"]).write_text(
            json.dumps(transcript, indent=2, default=str)
        )


async def test_ask_says_a_verified_answer_was_reused(
    harness: Harness, demo: str, server: str, warehouse: Any
) -> None:
    question = "Total sales by region last quarter"
    admin = {"Authorization": f"Bearer {harness.tenant.admin.key}"}
    async with httpx.AsyncClient(base_url=server + "/api/v1", headers=admin, timeout=60) as api:
        first = await api.post("/query", json={"question": question})
        assert first.status_code == 200 and first.json()["verified"] is False
        r = await api.put(f"/query/{first.json()['id']}/verified")
        assert r.status_code == 200, r.text
    start, end = previous_quarter(today_in(harness))
    expected = sorted(warehouse(BY_REGION_SQL, start, end))
    async with over_http(server, harness.tenant.analyst.key) as session:
        for asked in (question, "revenue per region last quarter"):
            answer = structured(await session.call_tool("ask", {"question": asked}))
            assert answer["verified"] is True, asked
            got = sorted((row["region"], row["total_sales"]) for row in answer["rows"])
            assert got == [(k, pytest.approx(float(v), abs=0.005)) for k, v in expected]
        other = structured(await session.call_tool("ask", {"question": "orders by channel"}))
        assert other["verified"] is False
        structured_query = {"metrics": ["total_sales"], "dimensions": ["region"]}
        assert (
            structured(await session.call_tool("query_metrics", structured_query))["verified"]
            is False
        )


async def test_another_tenant_sees_nothing(harness: Harness, demo: str, server: str) -> None:
    async with over_http(server, harness.other.admin.key) as session:
        connections = structured(await session.call_tool("list_connections", {}))
        assert connections["connections"] == []
        metrics = structured(await session.call_tool("list_metrics", {}))
        assert metrics["metrics"] == []
        stolen = await session.call_tool(
            "query_metrics", {"metrics": ["total_sales"], "connection_id": demo}
        )
        assert stolen.is_error and "404" in stolen.content[0].text
        asked = await session.call_tool("ask", {"question": "total sales", "connection_id": demo})
        assert asked.is_error and "404" in asked.content[0].text


async def test_mcp_needs_a_key(server: str) -> None:
    r = httpx.post(server + "/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert r.status_code == 401 and "detail" in r.json()
    assert "x-ratelimit-limit" in r.headers
    bad = {"Authorization": "Bearer nx_not_a_key"}
    r = httpx.post(server + "/mcp", json={"jsonrpc": "2.0", "id": 1}, headers=bad)
    assert r.status_code == 401


def _rpc(method: str, ident: int) -> dict[str, Any]:
    params = {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "1"},
    }
    return {"jsonrpc": "2.0", "id": ident, "method": method, "params": params}


async def test_mcp_spends_the_rest_budget(harness: Harness, demo: str) -> None:
    """/mcp is limited like the REST API: with a plan of 3 requests a minute, the fourth MCP
    request of a key is a 429 with Retry-After, and REST is refused too (one budget per user);
    another user of the tenant keeps theirs."""
    plans = {**harness.services.settings.rate_limit_plans, "default": "3/minute"}
    settings = harness.services.settings.model_copy(update={"rate_limit_plans": plans})
    key = {
        "Authorization": f"Bearer {harness.tenant.analyst.key}",
        "Accept": "application/json, text/event-stream",
    }
    with serving(create_app(settings)) as url:
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            codes = []
            for i in range(4):
                r = await client.post("/mcp", json=_rpc("initialize", i), headers=key)
                codes.append(r.status_code)
            assert codes == [200, 200, 200, 429], codes
            assert r.headers["Retry-After"].isdigit() and r.headers["X-RateLimit-Remaining"] == "0"
            assert r.headers["X-RateLimit-Limit"] == "3" and r.json()["detail"]
            r = await client.get("/api/v1/auth/me", headers=key)
            assert r.status_code == 429  # the same budget as REST
            viewer = {"Authorization": f"Bearer {harness.tenant.viewer.key}"}
            r = await client.get("/api/v1/auth/me", headers=viewer)
            assert r.status_code == 200 and r.headers["X-RateLimit-Remaining"] == "2"


@pytest.mark.slow
async def test_stdio_proxies_to_the_server(harness: Harness, demo: str, server: str) -> None:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "nexatron.cli", "mcp", "--url", server, "--key", harness.tenant.viewer.key],
        env={"PYTHONPATH": SRC},
    )
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        assert {t.name for t in (await session.list_tools()).tools} == TOOLS
        answer = structured(
            await session.call_tool(
                "query_metrics", {"metrics": ["order_count"], "dimensions": ["channel"]}
            )
        )
        assert answer["columns"][0]["name"] == "channel" and answer["rows"]


def test_the_sdk_loads_on_first_use(tmp_path: Path) -> None:
    """A worker builds /mcp without importing the SDK (~20 MB of idle RSS, issue 18); the
    sessions above are served by it built on their first request."""
    script = (
        "import sys; from pathlib import Path; from nexatron.api.app import create_app; "
        "from nexatron.testing import make_settings; "
        f"settings, _ = make_settings(Path({str(tmp_path)!r})); "
        "app = create_app(settings); "
        "assert any(getattr(r, 'path', '') == '/mcp' for r in app.app.routes); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'mcp', 'mcp_types'}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEXATRON_")}
    env["PYTHONPATH"] = SRC
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.slow
async def test_stdio_in_process_on_a_data_dir(tmp_path: Path, demo_source: Path) -> None:
    """`nexatron init` provisions a data dir with the demo (a copy of `demo_source`);
    `nexatron --data-dir D mcp --key K` answers from it in process (no server)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEXATRON_")}
    env["PYTHONPATH"] = SRC
    data_dir = str(tmp_path / "data")
    init = subprocess.run(
        [*nexatron_command(demo_source), "--data-dir", data_dir, "init"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    key = re.search(r"API key:\s+(\S+)", init.stdout)
    assert key, init.stdout
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "nexatron.cli", "--data-dir", data_dir, "mcp", "--key", key.group(1)],
        env={"PYTHONPATH": SRC},
    )
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        answer = structured(
            await session.call_tool("ask", {"question": "number of orders by channel"})
        )
        assert answer["columns"][0]["name"] == "channel" and answer["row_count"] >= 2
