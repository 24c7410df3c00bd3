"""Throughput through HAProxy with three `nexatron serve` nodes against one node (same run, same
database and Redis), then the errors each fault causes under load.

    PYTHONPATH=src python bench/bench_multinode.py [--seconds 10] [--connections 16] [--rounds 2]

Uses `wrk` when installed (POST /api/v1/query through the proxy), else a bounded async httpx
loop. The nodes are tests/platform/cluster.py's: a fresh PostgreSQL database (dropped after), a
private redis-server, haproxy as a subprocess.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "platform"))

from cluster import Cluster, cluster, free_port
from test_platform_multinode import PLANS, TENANT_PLANS, load, refusals, summary

QUESTION = "What were total sales last quarter?"


def wrk(url: str, key: str, demo: str, seconds: int, connections: int, tmp: Path) -> str:
    script = tmp / "post.lua"
    body = json.dumps({"question": QUESTION, "connection_id": demo})
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Bearer {key}"\n'
    )
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
         url + "/api/v1/query"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return (
        f"{float(rps.group(1)) if rps else 0:.0f} req/s, p50 {p50.group(1) if p50 else '?'}, "
        f"non-2xx {errors.group(1) if errors else 0}"
    )


def httpx_loop(url: str, key: str, demo: str, seconds: int, connections: int) -> str:
    async def run() -> tuple[int, int]:
        ok = bad = 0
        stop = time.monotonic() + seconds
        headers = {"Authorization": f"Bearer {key}"}
        body = {"question": QUESTION, "connection_id": demo}
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as client:

            async def worker() -> None:
                nonlocal ok, bad
                while time.monotonic() < stop:
                    r = await client.post("/api/v1/query", json=body)
                    ok, bad = (ok + 1, bad) if r.status_code == 200 else (ok, bad + 1)

            await asyncio.gather(*(worker() for _ in range(connections)))
        return ok, bad

    ok, bad = asyncio.run(run())
    return f"{ok / seconds:.0f} req/s, errors {bad}"


def throughput(c: Cluster, url: str, seconds: int, connections: int, tmp: Path) -> str:
    if shutil.which("wrk"):
        return wrk(url, c.admin_key, c.demo, seconds, connections, tmp)
    return httpx_loop(url, c.admin_key, c.demo, seconds, connections)


def sample(c: Cluster, url: str) -> None:
    """One request after a run: says what the non-2xx answers were."""
    r = httpx.post(url + "/api/v1/query", json={"question": QUESTION, "connection_id": c.demo},
                   headers={"Authorization": f"Bearer {c.admin_key}"}, timeout=30)  # fmt: skip
    if r.status_code != 200:
        print(f"    after the run: {r.status_code} {r.text[:300]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    env = {"NEXATRON_RATE_LIMIT_PLANS": PLANS, "NEXATRON_TENANT_RATE_LIMIT_PLANS": TENANT_PLANS}
    with tempfile.TemporaryDirectory() as root, cluster(Path(root), 3, env) as c:
        tmp = Path(root)
        one_port = free_port()
        c.start_proxy(c.nodes[:1], one_port)
        tool = "wrk" if shutil.which("wrk") else "httpx loop"
        load1, _, _ = os.getloadavg()
        print(f"throughput through HAProxy ({tool}, {args.connections} connections, "
              f"{args.seconds} s per run, POST /api/v1/query, result-cache hits; "
              f"{os.cpu_count()} CPUs, load average {load1:.1f} at the start):")  # fmt: skip
        throughput(c, c.proxy, 2, args.connections, tmp)  # warm every node
        single = f"http://127.0.0.1:{one_port}"
        # Interleaved (1, 3, 1, 3): a shared machine's load drifts between runs.
        for round_ in range(args.rounds):
            for label, url in (("1 node ", single), ("3 nodes", c.proxy)):
                print(f"  {label} (run {round_ + 1}): "
                      f"{throughput(c, url, args.seconds, args.connections, tmp)}")  # fmt: skip
                sample(c, url)
        print(
            "  (3 nodes share this machine's CPUs with each other, the proxy and the load "
            "generator: the ratio shows scale-out only where the CPUs are free)"
        )
        print("errors per fault (4 clients through the 3-node proxy, fault at 1.5-2 s):")
        out, _ = load(c, c.admin_key, 4, 4, c.drop_store_connections, 1.5)
        print(f"  pg_terminate_backend : {summary(out)}")
        for text in sorted(refusals(out))[:4]:
            print(f"      {text}")

        def redis_outage() -> None:
            c.redis.stop()
            time.sleep(1.5)
            c.redis.start()

        out, _ = load(c, c.admin_key, 6, 4, redis_outage, 1.5)
        print(f"  redis stop 1.5 s     : {summary(out)}")
        for text in sorted(refusals(out))[:4]:
            print(f"      {text}")
        out, _ = load(c, c.admin_key, 6, 4, lambda: c.kill(c.nodes[1]), 2.0)
        print(f"  kill -9 one node     : {summary(out)}")
        for text in sorted(refusals(out))[:4]:
            print(f"      {text}")
        print("(status: count; 0 = connection failed)")


if __name__ == "__main__":
    main()
