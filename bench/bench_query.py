"""POST /query latency, throughput and streaming memory on the demo (figures printed; not a test).

Run: .venv/bin/python bench/bench_query.py [--seconds 10] [--skip-server]
1. In-process: p50 latency of a new question each time (plan, compile and result caches all miss)
   and of a repeated one, against the floor: the same SQL run directly on DuckDB in this process.
   Measured twice: through an httpx client (ASGITransport; the client's own work included) and as
   a bare ASGI call (what the server takes). A repeated question is served from the result cache;
   a third case keeps the plan and SQL caches but not the rows, so the query runs each time.
   Goals: <= 3 ms added for new, <= 1 ms for repeated.
2. Throughput: `uvicorn --workers 2 --factory`, a bounded async httpx load loop for N seconds
   with a mix of new and repeated questions. Goal: >= 400 requests/s.
3. A 1,000,000-row streamed answer (a dimension with 1M distinct values) from a single-process
   server; its peak RSS (VmHWM from /proc), once with DuckDB's default threads (every core) and
   once with the connection set to one thread. Goal: <= 250 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import json
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import httpx
import uvloop
from servers import (
    Server,
    free_port,
    pct,
    peak_rss_mb,
    prepare_server_dir,
    principal_of,
    run_wrk,
    start_factory_server,
    stop,
    stream_million,
    wrk_script,
)

from nexatron.api.app import create_app
from nexatron.cache import MemoryCache
from nexatron.demo import generate_demo
from nexatron.demo.catalog import REGIONS, SEGMENTS
from nexatron.demo.install import install_demo
from nexatron.settings import settings_from_env
from nexatron.testing import Actor, make_app_client

METRICS = ["total sales", "number of orders", "average order value", "quantity sold", "customers"]
PLACES = [*REGIONS, *(c for cs in REGIONS.values() for c, _ in cs), *(s for s, _ in SEGMENTS)]
BREAKDOWNS = ["", " by channel", " by status", " by country", " by month"]
YEARS = [str(y) for y in range(2019, 2027)]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]  # fmt: skip
PERIODS = [*YEARS, *(f"{m} {y}" for y in YEARS for m in MONTHS)]
REPEATED = "What were total sales last quarter?"


def create_server() -> Any:
    """`uvicorn --factory bench_query:create_server` (settings from NEXATRON_* variables)."""
    return create_app(settings_from_env())


def new_questions() -> list[str]:
    """Distinct questions, each compiling to distinct SQL (so no cache can answer it)."""
    combos = list(itertools.product(METRICS, BREAKDOWNS, PLACES, PERIODS))
    random.Random(7).shuffle(combos)
    return [f"{m}{b} in {p} in {y}" for m, b, p, y in combos]


def floor_ms(con: duckdb.DuckDBPyConnection, sql: str) -> float:
    con.execute(sql).fetchall()  # warm: the server's pages are warm too
    start = time.perf_counter()
    con.execute(sql).fetchall()
    return (time.perf_counter() - start) * 1000


async def asgi_post(app: Any, path: str, body: dict[str, Any], key: str) -> dict[str, Any]:
    """One request straight into the ASGI app (no HTTP client): what the server itself takes."""
    payload = json.dumps(body).encode()
    headers = [(b"host", b"bench"), (b"content-type", b"application/json"),
               (b"content-length", str(len(payload)).encode()),
               (b"authorization", f"Bearer {key}".encode())]  # fmt: skip
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": headers, "client": ("127.0.0.1", 1), "server": ("bench", 80),
             "root_path": ""}  # fmt: skip
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": payload, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    out: dict[str, Any] = {"body": b""}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
        else:
            out["body"] += message.get("body", b"")

    await app(scope, receive, send)
    assert out["status"] == 200, out
    return dict(json.loads(out["body"]))


class _NoRows(MemoryCache):
    """A result cache that never has the rows (plan and SQL caches are the service's own)."""

    def get(self, key: str) -> Any | None:
        return None


async def in_process(root: Path, demo_file: Path, count: int) -> None:
    async with make_app_client(
        root / "inproc", log_level="warning", rate_limit_plans={"default": "10000000/minute"}
    ) as h:
        files = h.services.settings.data_dir.resolve() / "files"
        files.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(demo_file, files / "demo.duckdb")
        actor = h.tenant.analyst
        install_demo(h.services, principal_of(h.tenant.admin))
        # The floor runs as the demo connection does (one thread per query; see demo/install.py).
        floor_con = duckdb.connect(str(demo_file), read_only=True, config={"threads": 1})
        questions = iter(new_questions())

        async def via_client(question: str) -> tuple[float, dict[str, Any]]:
            start = time.perf_counter()
            response = await h.as_(actor, "POST", "/api/v1/query", json={"question": question})
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 200, (question, response.text)
            return elapsed, response.json()

        async def via_asgi(question: str) -> tuple[float, dict[str, Any]]:
            start = time.perf_counter()
            body = await asgi_post(h.app, "/api/v1/query", {"question": question}, actor.key)
            return (time.perf_counter() - start) * 1000, body

        for _ in range(30):  # warm-up: imports, contexts, connection pools
            await via_client(next(questions))
        cases = (
            ("new question", lambda: next(questions)),
            ("repeated", lambda: REPEATED),
            ("repeated, rows not cached", lambda: REPEATED),
        )
        row_cache = h.services.cache
        for label, supplier in cases:
            # The last case keeps the plan and SQL caches but not the rows: the query runs.
            h.services.cache = _NoRows() if "not cached" in label else row_cache
            for how, timed in (("httpx client", via_client), ("ASGI call", via_asgi)):
                api, floor, added = [], [], []
                for _ in range(count):
                    elapsed, body = await timed(supplier())
                    base = floor_ms(floor_con, body["sql"])
                    if label == "repeated":
                        assert body["cached"] or not api, "repeated question was not cached"
                    api.append(elapsed)
                    floor.append(base)
                    added.append(elapsed - base)
                print(
                    f"  {label:25} {how:12} p50 {statistics.median(api):6.2f} ms "
                    f"p95 {pct(api, 0.95):6.2f} | floor (DuckDB direct) p50 "
                    f"{statistics.median(floor):5.2f} ms | added p50 "
                    f"{statistics.median(added):5.2f} ms p95 {pct(added, 0.95):5.2f} ms"
                )
        floor_con.close()


async def load(port: int, actor: Actor, seconds: float, concurrency: int, new_share: float) -> None:
    questions = iter(new_questions()[10_000:30_000])  # none asked before in this run
    repeated = [REPEATED, "number of orders last year", "total sales by region this year"]
    counts = {"ok": 0, "error": 0}
    latencies: list[float] = []
    # Idle connections are dropped before uvicorn's 5 s keep-alive timeout closes them: at an
    # equal expiry a request could go out on a connection the server was closing (ReadError).
    limits = httpx.Limits(
        max_connections=concurrency, max_keepalive_connections=concurrency, keepalive_expiry=2.0
    )
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers=actor.headers, limits=limits, timeout=30
    ) as client:
        for question in repeated:  # prime the result cache in both workers (mostly)
            for _ in range(4):
                await client.post("/api/v1/query", json={"question": question})
        rng = random.Random(3)
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            while time.perf_counter() < deadline:
                fresh = rng.random() < new_share
                question = next(questions) if fresh else rng.choice(repeated)
                start = time.perf_counter()
                response = await client.post("/api/v1/query", json={"question": question})
                latencies.append((time.perf_counter() - start) * 1000)
                counts["ok" if response.status_code == 200 else "error"] += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    total = counts["ok"] + counts["error"]
    print(
        f"  2 workers, {concurrency} concurrent, {new_share:.0%} new questions, {elapsed:.1f} s: "
        f"{total / elapsed:7.1f} req/s ({counts['error']} errors), latency p50 "
        f"{statistics.median(latencies):.1f} ms p95 {pct(latencies, 0.95):.1f} ms"
    )


def load_wrk(port: int, actor: Actor, seconds: float, concurrency: int, new_share: float) -> None:
    """The same mix driven by wrk (a C load generator), so the client takes little of the CPU."""
    rng = random.Random(5)
    fresh = iter(new_questions()[30_000:])  # disjoint from what the runs above asked
    repeated = [REPEATED, "number of orders last year", "total sales by region this year"]
    bodies = [
        json.dumps({"question": next(fresh) if rng.random() < new_share else rng.choice(repeated)})
        for _ in range(12000)
    ]
    result = run_wrk(
        f"http://127.0.0.1:{port}/api/v1/query", wrk_script(bodies, actor.key), seconds, concurrency
    )
    print(
        f"  wrk, 2 workers, {concurrency} connections, {new_share:.0%} new: {result.rate:.1f} "
        f"req/s ({result.errors} errors), p50 {result.p50_ms:.1f} ms p99 {result.p99_ms:.1f} ms"
    )


def print_stream(server: Server, actor: Actor, connection_id: str, label: str) -> None:
    before, _ = peak_rss_mb(server.process.pid)
    result = stream_million(server.url, actor, connection_id)
    now, peak = peak_rss_mb(server.process.pid)
    print(
        f"  1M-row stream ({label}): {result.rows:,} rows in {result.events} events, "
        f"{result.seconds:.1f} s, terminal {result.terminal.get('event')} "
        f"row_count={result.terminal.get('row_count')}; server RSS before {before:.0f} MB, "
        f"after {now:.0f} MB, peak (VmHWM) {peak:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--new-share", type=float, default=0.2)
    parser.add_argument("--skip-server", action="store_true", help="latency only")
    parser.add_argument(
        "--parts", default="latency,throughput,stream", help="comma-separated subset to run"
    )
    args = parser.parse_args()
    parts = {"latency"} if args.skip_server else set(args.parts.split(","))
    root = Path(tempfile.mkdtemp(prefix="nx-bench-"))
    demo_file = root / "demo.duckdb"
    generate_demo(demo_file, today=dt.date.today())
    try:
        if "latency" in parts:
            print("In-process latency (SQLite metadata store; uvloop, as uvicorn runs it):")
            uvloop.run(in_process(root, demo_file, args.count))
        if not parts & {"throughput", "stream"}:
            return
        data_dir, actor, big = prepare_server_dir(root, demo_file, big_threads=(None, 1))
        if "throughput" in parts:
            print("Throughput (uvicorn --workers 2; the load client shares the machine):")
            server = start_factory_server(data_dir, free_port(), workers=2)
            try:
                port = server.port
                asyncio.run(load(port, actor, args.seconds, args.concurrency, args.new_share))
                if shutil.which("wrk"):  # Debian's wrk
                    load_wrk(port, actor, args.seconds, args.concurrency, args.new_share)
            finally:
                stop(server)
        if "stream" in parts:
            print("Streaming (a fresh single uvicorn process for each):")
            for label, connection_id in big.items():
                server = start_factory_server(data_dir, free_port(), workers=1)
                try:
                    print_stream(server, actor, connection_id, label)
                finally:
                    stop(server)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
