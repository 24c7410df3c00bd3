"""Where the CPU of one uncached repeat goes, in-process and by subtraction (issue 18).

Run: .venv/bin/python bench/bench_request_cpu.py [--count 400] [--rounds 3]
The app with the demo (NEXATRON_RESULT_CACHE_TTL_S=0) answers "What were total sales last
quarter?" through its ASGI interface (no sockets, no uvicorn), one request at a time; the
process's CPU time (every thread: the request, the query thread, the history writer, DuckDB) per
request is taken for:
- the whole request (its history written behind, flushed every 50 requests);
- the same with the history job not queued (what recording and writing history cost);
- the DuckDB statement alone, on the connection's engine (what the floor also pays);
- the same SQL through a kept DuckDB cursor, as the floor runs it.
Rounds alternate; the median is printed. CPU time is what a shared machine disturbs least.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from nexatron.connections.service import engine_for
from nexatron.demo import generate_demo
from nexatron.demo.install import install_demo
from nexatron.identity.roles import Principal
from nexatron.query.context import resolve_connection
from nexatron.query.service import query_service
from nexatron.testing import make_app_client, tenant_files

QUESTION = "What were total sales last quarter?"


async def per_request_ms(step: Callable[[], Awaitable[Any]], count: int) -> float:
    start = time.process_time()
    for _ in range(count):
        await step()
    return (time.process_time() - start) * 1000 / count


async def measure(root: Path, count: int, rounds: int) -> None:
    demo_file = root / "demo.duckdb"
    generate_demo(demo_file, today=dt.date.today())
    unlimited = {"default": "10000000/minute"}
    overrides = {"rate_limit_plans": unlimited, "tenant_rate_limit_plans": unlimited}
    async with make_app_client(root / "data", result_cache_ttl_s=0, **overrides) as harness:
        admin = harness.tenant.admin
        shutil.copyfile(demo_file, tenant_files(harness.services, admin.tenant_id) / "demo.duckdb")
        principal = Principal(admin.tenant_id, admin.user_id, "admin")
        install_demo(harness.services, principal)
        service = query_service(harness.services)
        recorder = service.recorder
        analyst = harness.tenant.analyst
        body = {"question": QUESTION}
        sent = 0

        async def ask() -> None:
            nonlocal sent
            response = await harness.as_(analyst, "POST", "/api/v1/query", json=body)
            assert response.status_code == 200, response.text
            sent += 1
            if sent % 50 == 0:
                recorder.flush()

        sql = (await harness.as_(analyst, "POST", "/api/v1/query", json=body)).json()["sql"]
        engine = engine_for(harness.services, resolve_connection(harness.services, principal, None))
        settings = harness.services.settings

        async def statement() -> None:
            engine.execute(sql, timeout_s=settings.statement_timeout_s, row_cap=settings.row_cap)

        cursor = engine._root.cursor()  # the floor's way: one kept cursor

        async def kept_cursor() -> None:
            cursor.execute(sql).fetchall()

        submit = recorder.submit

        async def ask_unrecorded() -> None:
            recorder.submit = lambda job, key=None: None  # type: ignore[method-assign]
            try:
                await ask()
            finally:
                recorder.submit = submit  # type: ignore[method-assign]

        steps = {
            "whole request (TTL=0)": ask,
            "same, history not queued": ask_unrecorded,
            "the DuckDB statement (engine.execute)": statement,
            "the same SQL on a kept cursor (the floor's)": kept_cursor,
        }
        for step in steps.values():  # warm
            for _ in range(20):
                await step()
        results: dict[str, list[float]] = {name: [] for name in steps}
        for _ in range(rounds):
            for name, step in steps.items():
                results[name].append(await per_request_ms(step, count))
                recorder.flush()
        print("| step | CPU ms per request (median; rounds) |\n|---|---|")
        for name, values in results.items():
            each = ", ".join(f"{v:.2f}" for v in values)
            print(f"| {name} | {statistics.median(values):.2f} ({each}) |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="nx-bench-request-cpu-"))
    try:
        asyncio.run(measure(root, args.count, args.rounds))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
