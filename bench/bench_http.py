"""POST /query through real HTTP against a floor measured in the same run (issue 18).

Run: .venv/bin/python bench/bench_http.py [--seconds 8] [--rounds 2] [--count 300]
Needs wrk (`apt-get install wrk`). Starts, each on a free port with a fresh data dir and the demo:
- Nexatron: `nexatron serve --workers 2`;
- Nexatron with NEXATRON_RESULT_CACHE_TTL_S=0 (a repeated question's rows are never cached, so
  the query runs each time; plan and SQL caches still answer);
- the floor (floor_app.py): a plain FastAPI app, 2 uvicorn workers, the same SQL on the same
  demo DuckDB file, read-only, one thread, connection opened once.
Latency at c=1 comes from a keep-alive httpx client with the targets interleaved request by
request; throughput and p50/p99 at c=16 from wrk, the targets taking turns for --rounds rounds
(averaged), with the server processes' CPU time per request over each wrk run (from /proc: on
a loaded machine a steadier comparison with the floor than rates). New questions: 48 (24
months x two shapes), each asked once, interleaved with the floor running its SQL. Last, one
round of bench_stream.py: the 1,000,000-row stream from its floor and from a fresh `nexatron
serve` (one process, DuckDB's default threads): rows/s to a client that decodes every event,
the server's peak RSS and CPU.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from bench_stream import print_runs, stream_rounds
from servers import (
    Server,
    WrkResult,
    free_port,
    pct,
    prepare_server_dir,
    run_wrk,
    start_nexatron,
    start_process,
    stop,
    wrk_script,
)

from nexatron.demo import generate_demo
from nexatron.testing import Actor

CONTRACT = "What were total sales last quarter?"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]  # fmt: skip
SHAPES = ("total sales in {}", "number of orders by channel in {}")


def new_questions(today: dt.date) -> list[str]:
    """48 questions: the 24 months before this one, in two shapes (one number; one by channel)."""
    months = []
    year, month = today.year, today.month
    for _ in range(24):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        months.append(f"{MONTHS[month - 1]} {year}")
    return [shape.format(m) for m in months for shape in SHAPES]


def start_floor(demo_file: Path, sql_of: dict[str, str], root: Path) -> Server:
    sql_file = root / "floor-sql.json"
    sql_file.write_text(json.dumps(sql_of))
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", "floor_app:create_floor",
               "--app-dir", str(Path(__file__).parent), "--host", "127.0.0.1",
               "--port", str(port), "--workers", "2", "--log-level", "warning",
               "--no-access-log"]  # fmt: skip
    env = {"FLOOR_DB": str(demo_file), "FLOOR_SQL": str(sql_file)}
    return start_process(command, port, env)


Ask = Callable[[str], float]


def asker(client: httpx.Client) -> Ask:
    def ask(question: str) -> float:
        start = time.perf_counter()
        response = client.post("/api/v1/query", json={"question": question})
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, (question, response.text[:300])
        return elapsed

    return ask


def row(label: str, p50: float | None, rate: WrkResult | None, floor: float | None) -> str:
    p50_text = f"{p50:6.2f} ms" if p50 is not None else "      —  "
    added = f"{p50 - floor:+5.2f} ms" if p50 is not None and floor is not None else "     — "
    if rate is None:
        return f"| {label} | {p50_text} | {added} | — | — | — | — | — |"
    return (
        f"| {label} | {p50_text} | {added} | {rate.rate:7.0f} | {rate.p50_ms:6.2f} ms | "
        f"{rate.p99_ms:6.2f} ms | {rate.cpu_ms or 0:5.2f} ms | {rate.errors} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8.0, help="each wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="wrk turns per target")
    parser.add_argument("--count", type=int, default=300, help="c=1 requests per target")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--parts", default="table,stream", help="comma-separated subset to run")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    if not shutil.which("wrk"):
        raise SystemExit("bench_http needs wrk: apt-get install -y wrk")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()}")
    root = Path(tempfile.mkdtemp(prefix="nx-bench-http-"))
    today = dt.date.today()
    demo_file = root / "demo.duckdb"
    generate_demo(demo_file, today=today)
    servers: list[Server] = []
    try:
        if "table" in parts:
            table(args, root, demo_file, today, servers)
        if "stream" in parts:
            stream(root, demo_file, servers)
    finally:
        for server in servers:
            stop(server)
        shutil.rmtree(root, ignore_errors=True)


def table(
    args: argparse.Namespace, root: Path, demo_file: Path, today: dt.date, servers: list[Server]
) -> None:
    cached_dir, actor, _ = prepare_server_dir(root, demo_file, "cached")
    nocache_dir, actor0, _ = prepare_server_dir(root, demo_file, "nocache")
    cached = start_nexatron(cached_dir, free_port(), workers=2)
    servers.append(cached)
    nocache = start_nexatron(nocache_dir, free_port(), 2, {"NEXATRON_RESULT_CACHE_TTL_S": "0"})
    servers.append(nocache)
    questions = new_questions(today)
    # The SQL of every question, from the server whose new questions are not measured.
    sql_of: dict[str, str] = {}
    with httpx.Client(base_url=nocache.url, headers=actor0.headers, timeout=60) as client:
        for question in [CONTRACT, *questions]:
            response = client.post("/api/v1/query", json={"question": question})
            assert response.status_code == 200, (question, response.text[:300])
            sql_of[question] = response.json()["sql"]
    floor = start_floor(demo_file, sql_of, root)
    servers.append(floor)
    targets: dict[str, tuple[Server, Actor]] = {
        "floor": (floor, actor),
        "cached": (cached, actor),
        "ttl0": (nocache, actor0),
    }
    clients = {
        name: httpx.Client(base_url=server.url, headers=who.headers, timeout=60)
        for name, (server, who) in targets.items()
    }
    ask = {name: asker(client) for name, client in clients.items()}
    for _ in range(40):  # warm every worker's pools and caches (the contract question)
        for name in targets:
            ask[name](CONTRACT)
    # c=1, new questions first (the cached server has never seen them), interleaved.
    new_lat: dict[str, list[float]] = {"floor": [], "cached": []}
    for question in questions:
        for name in new_lat:
            new_lat[name].append(ask[name](question))
    # c=1, the contract question repeated, interleaved request by request.
    repeat_lat: dict[str, list[float]] = {name: [] for name in targets}
    for _ in range(args.count):
        for name in targets:
            repeat_lat[name].append(ask[name](CONTRACT))
    for client in clients.values():
        client.close()
    # c=16 with wrk, the targets taking turns.
    scripts = {
        name: wrk_script([json.dumps({"question": CONTRACT})], who.key)
        for name, (_, who) in targets.items()
    }
    wrk: dict[str, list[WrkResult]] = {name: [] for name in targets}
    for _ in range(args.rounds):
        for name, (server, _) in targets.items():
            url = f"{server.url}/api/v1/query"
            wrk[name].append(run_wrk(url, scripts[name], args.seconds, args.connections, server))
    wrk_mean = {
        name: WrkResult(
            statistics.fmean(r.rate for r in runs),
            statistics.fmean(r.p50_ms for r in runs),
            statistics.fmean(r.p99_ms for r in runs),
            sum(r.errors for r in runs),
            sum(r.requests for r in runs),
            statistics.fmean(r.cpu_ms for r in runs if r.cpu_ms is not None),
        )
        for name, runs in wrk.items()
    }
    for server in servers:
        stop(server)
    servers.clear()
    p50 = {name: statistics.median(values) for name, values in repeat_lat.items()}
    floor_rate = wrk_mean["floor"].rate
    print(f"load average after the runs: {os.getloadavg()}")
    print(
        f"\n| path | p50 at c=1 | vs floor | req/s at c={args.connections} (wrk) | "
        f"p50 (wrk) | p99 (wrk) | server CPU per request (wrk) | errors |\n"
        "|---|---|---|---|---|---|---|---|"
    )
    print(row("floor (FastAPI + DuckDB, same SQL)", p50["floor"], wrk_mean["floor"], None))
    print(row("contract question, cached repeat", p50["cached"], wrk_mean["cached"],
              p50["floor"]))  # fmt: skip
    print(row("same, NEXATRON_RESULT_CACHE_TTL_S=0", p50["ttl0"], wrk_mean["ttl0"],
              p50["floor"]))  # fmt: skip
    new_floor = statistics.median(new_lat["floor"])
    print(row("floor, the 48 new questions' SQL", new_floor, None, None))
    print(row("48 distinct new questions", statistics.median(new_lat["cached"]), None,
              new_floor))  # fmt: skip
    print(
        f"\nratios: TTL=0 throughput {wrk_mean['ttl0'].rate / floor_rate:.2f}x floor, "
        f"cached {wrk_mean['cached'].rate / floor_rate:.2f}x floor; p99/p50 (wrk): "
        + ", ".join(f"{n} {r.p99_ms / r.p50_ms:.1f}" for n, r in wrk_mean.items())
        + "; server CPU per request vs floor: "
        + ", ".join(
            f"{n} {(r.cpu_ms or 0) / (wrk_mean['floor'].cpu_ms or 1):.2f}x"
            for n, r in wrk_mean.items()
        )
        + "; c=1 p95: "
        + ", ".join(f"{n} {pct(v, 0.95):.2f} ms" for n, v in repeat_lat.items())
    )


def stream(root: Path, demo_file: Path, servers: list[Server]) -> None:
    """One round of bench_stream.py: the floor, then a fresh `nexatron serve`."""
    print("\n1M-row stream (DuckDB's default threads; bench_stream.py for more rounds):")
    print_runs(stream_rounds(root, demo_file, 1, servers))


if __name__ == "__main__":
    main()
