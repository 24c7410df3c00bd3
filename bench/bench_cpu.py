"""Server CPU per request: `nexatron serve --workers 2` with NEXATRON_RESULT_CACHE_TTL_S=0 (the
repeated question's rows not cached) against the floor, in the same run (issue 18).

Run: .venv/bin/python bench/bench_cpu.py [--seconds 5] [--rounds 3] [--cached] [--baseline SRC]
Needs wrk. The targets take turns under wrk c=16; for each run it reads the worker processes'
utime+stime from /proc before and after and divides by the requests wrk completed. On a shared
machine the CPU seconds per request move much less than rates and latencies; the ratio to the
floor (same run, same SQL, same DuckDB file) is the figure to compare. Also prints wrk's p50 and
p99 and the ratio p99/p50 (the tail goal: <= 4). `--baseline SRC` also starts the TTL=0 server
from another checkout's sources (PYTHONPATH=SRC, e.g. /work/main/src): before/after in one run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import tempfile
from pathlib import Path

import httpx
from bench_http import CONTRACT, start_floor
from servers import (
    Server,
    WrkResult,
    free_port,
    prepare_server_dir,
    run_wrk,
    start_nexatron,
    stop,
    wrk_script,
)

from nexatron.demo import generate_demo


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0, help="each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="wrk turns per target")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--cached", action="store_true", help="also the result-cached server")
    parser.add_argument("--baseline", help="another checkout's src: its TTL=0 server too")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()}")
    root = Path(tempfile.mkdtemp(prefix="nx-bench-cpu-"))
    demo_file = root / "demo.duckdb"
    generate_demo(demo_file, today=dt.date.today())
    servers: list[Server] = []
    try:
        nocache_dir, actor, _ = prepare_server_dir(root, demo_file, "nocache")
        ttl0 = start_nexatron(nocache_dir, free_port(), 2, {"NEXATRON_RESULT_CACHE_TTL_S": "0"})
        servers.append(ttl0)
        targets = {"ttl0": ttl0}
        keys = {"ttl0": actor.key, "floor": actor.key}
        if args.baseline:
            base_dir, base_actor, _ = prepare_server_dir(root, demo_file, "baseline")
            extra = {"NEXATRON_RESULT_CACHE_TTL_S": "0", "PYTHONPATH": args.baseline}
            targets["baseline ttl0"] = start_nexatron(base_dir, free_port(), 2, extra)
            servers.append(targets["baseline ttl0"])
            keys["baseline ttl0"] = base_actor.key
        if args.cached:
            cached_dir, cached_actor, _ = prepare_server_dir(root, demo_file, "cached")
            targets["cached"] = start_nexatron(cached_dir, free_port(), 2)
            servers.append(targets["cached"])
            keys["cached"] = cached_actor.key
        with httpx.Client(base_url=ttl0.url, headers=actor.headers, timeout=60) as client:
            response = client.post("/api/v1/query", json={"question": CONTRACT})
            assert response.status_code == 200, response.text[:300]
            sql = response.json()["sql"]
        targets = {"floor": start_floor(demo_file, {CONTRACT: sql}, root), **targets}
        servers.append(targets["floor"])
        body = json.dumps({"question": CONTRACT})
        scripts = {name: wrk_script([body], key) for name, key in keys.items()}
        for name, server in targets.items():  # warm every worker's pools and caches
            run_wrk(f"{server.url}/api/v1/query", scripts[name], 1, args.connections)
        runs: dict[str, list[WrkResult]] = {name: [] for name in targets}
        for _ in range(args.rounds):
            for name, server in targets.items():
                url = f"{server.url}/api/v1/query"
                runs[name].append(
                    run_wrk(url, scripts[name], args.seconds, args.connections, server)
                )
        print(f"load average after: {os.getloadavg()}")
        print("| target | CPU ms/request (median of runs) | req/s | p50 | p99 | p99/p50 | errors |")
        print("|---|---|---|---|---|---|---|")
        cpu = {n: statistics.median(r.cpu_ms or 0 for r in rs) for n, rs in runs.items()}
        for name, rs in runs.items():
            p50 = statistics.median(r.p50_ms for r in rs)
            p99 = statistics.median(r.p99_ms for r in rs)
            rate = statistics.median(r.rate for r in rs)
            each = ", ".join(f"{r.cpu_ms or 0:.2f}" for r in rs)
            print(f"| {name} | {cpu[name]:.2f} ({each}) | {rate:.0f} | {p50:.2f} ms | "
                  f"{p99:.2f} ms | {p99 / p50:.1f} | {sum(r.errors for r in rs)} |")  # fmt: skip
        print("CPU per request vs floor: " + ", ".join(
            f"{n} {c / cpu['floor']:.2f}x" for n, c in cpu.items() if n != "floor"))  # fmt: skip
    finally:
        for server in servers:
            stop(server)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
