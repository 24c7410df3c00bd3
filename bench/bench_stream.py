"""The 1,000,000-row stream through real HTTP against a floor measured in the same run (issue 18).

Run: .venv/bin/python bench/bench_stream.py [--runs 3]; from a worktree, `PYTHONPATH=src` (the
servers it starts inherit the environment, so they run that src).
Each run starts, fresh and in turn, on free ports:
- the floor (floor_app.py `create_stream_floor`): plain FastAPI + uvicorn, one process, the same
  SQL on the same DuckDB file (DuckDB's default threads), `fetchmany(1000)` -> orjson -> one SSE
  `rows` event per batch, in Nexatron's wire format;
- Nexatron: `nexatron serve --workers 1` (one process), the question "event amount by label"
  (1,000,000 distinct labels, so 1,000,000 rows) on a connection with DuckDB's default threads.
A client reads the whole stream and decodes every `rows` event (json.loads), as a real client
does. Printed per target: rows/s end to end (request sent -> last byte), the server's peak RSS
(VmHWM of its process tree, and the largest VmRSS sampled every 10 ms), its RSS before the
request, and the CPU seconds the server and the client's decoding thread spent.
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
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from servers import Server, free_port, prepare_server_dir, start_nexatron, start_process, stop

from nexatron.demo import generate_demo
from nexatron.testing import Actor

QUESTION = "event amount by label"
TICK_S = os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> list[int]:
    """`pid` and its descendants."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            children = task / "children"
            if children.exists():
                todo.extend(int(p) for p in children.read_text().split())
    return pids


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def cpu_s(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK_S


class RssSampler(threading.Thread):
    """The largest VmRSS of the process tree, sampled every 10 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pids = tree(pid)
        self.peak_kb = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.01):
            try:
                self.peak_kb = max(self.peak_kb, sum(status_kb(p, "VmRSS") for p in self.pids))
            except OSError:
                return


@dataclass
class Run:
    rows: int
    seconds: float
    rss_before_mb: float
    hwm_mb: float
    sampled_mb: float
    server_cpu_s: float
    client_cpu_s: float
    terminal: str

    @property
    def rate(self) -> float:
        return self.rows / self.seconds


def read_stream(url: str, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, str, float]:
    """Rows decoded, the terminal event's name, and this thread's CPU seconds."""
    rows, name, terminal = 0, "", ""
    cpu0 = time.thread_time()
    with httpx.stream("POST", url, json=body, headers=headers, timeout=300) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:") and name == "rows":
                rows += len(json.loads(line[5:])["rows"])
            elif line.startswith("data:") and name in ("done", "error"):
                terminal = name
    return rows, terminal, time.thread_time() - cpu0


def measure(server: Server, path: str, body: dict[str, Any], headers: dict[str, str]) -> Run:
    pids = tree(server.process.pid)
    before = sum(status_kb(p, "VmRSS") for p in pids) / 1024
    cpu_before = cpu_s(pids)
    sampler = RssSampler(server.process.pid)
    sampler.start()
    start = time.perf_counter()
    rows, terminal, client_cpu = read_stream(f"{server.url}{path}", body, headers)
    seconds = time.perf_counter() - start
    sampler.stopped.set()
    sampler.join()
    hwm = sum(status_kb(p, "VmHWM") for p in pids) / 1024
    return Run(rows, seconds, before, hwm, sampler.peak_kb / 1024, cpu_s(pids) - cpu_before,
               client_cpu, terminal)  # fmt: skip


def stream_sql(data_dir: Path, actor: Actor, connection_id: str) -> str:
    """The SQL Nexatron compiles for the question (from a throwaway server, so the measured ones
    have never run it)."""
    server = start_nexatron(data_dir, free_port(), workers=1)
    try:
        body = {"question": QUESTION, "connection_id": connection_id}
        response = httpx.post(f"{server.url}/api/v1/query", json=body, headers=actor.headers,
                              timeout=120)  # fmt: skip
        response.raise_for_status()
        return str(response.json()["sql"])
    finally:
        stop(server)


def start_floor(db: Path, sql: str) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", "floor_app:create_stream_floor",
               "--app-dir", str(Path(__file__).parent), "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning", "--no-access-log"]  # fmt: skip
    return start_process(command, port, {"FLOOR_DB": str(db), "FLOOR_STREAM_SQL": sql})


def line(label: str, run: Run) -> str:
    return (
        f"| {label} | {run.rows:,} | {run.seconds:5.2f} s | {run.rate / 1e6:5.2f} M | "
        f"{run.rss_before_mb:4.0f} MB | {run.hwm_mb:4.0f} MB | {run.sampled_mb:4.0f} MB | "
        f"{run.server_cpu_s:4.2f} s | {run.client_cpu_s:4.2f} s | {run.terminal} |"
    )


def stream_rounds(
    root: Path, demo_file: Path, rounds: int, servers: list[Server]
) -> dict[str, list[Run]]:
    """`rounds` runs of the floor then Nexatron, each on a fresh server (bench_http.py too)."""
    data_dir, actor, big = prepare_server_dir(root, demo_file, "stream", big_threads=(None,))
    connection_id = big["default threads"]
    db = root / "stream-big" / "big.duckdb"
    sql = stream_sql(data_dir, actor, connection_id)
    runs: dict[str, list[Run]] = {"floor": [], "nexatron": []}
    for _ in range(rounds):
        floor = start_floor(db, sql)
        servers.append(floor)
        runs["floor"].append(measure(floor, "/api/v1/query/stream", {}, {}))
        stop(floor)
        server = start_nexatron(data_dir, free_port(), workers=1)
        servers.append(server)
        body = {"question": QUESTION, "connection_id": connection_id}
        runs["nexatron"].append(measure(server, "/api/v1/query/stream", body, actor.headers))
        stop(server)
    return runs


def print_runs(runs: dict[str, list[Run]]) -> None:
    print(
        "\n| target | rows | time | rows/s | RSS before | peak RSS (VmHWM) | peak RSS "
        "(sampled) | server CPU | client decode CPU | terminal |\n"
        "|---|---|---|---|---|---|---|---|---|---|"
    )
    for name, results in runs.items():
        for run in results:
            print(line(name, run))
    for name, results in runs.items():
        print(
            f"{name}: median {statistics.median(r.rate for r in results) / 1e6:.2f} M rows/s, "
            f"peak RSS (VmHWM) median {statistics.median(r.hwm_mb for r in results):.0f} MB, "
            f"max {max(r.hwm_mb for r in results):.0f} MB, server CPU median "
            f"{statistics.median(r.server_cpu_s for r in results):.2f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()}")
    root = Path(tempfile.mkdtemp(prefix="nx-bench-stream-"))
    demo_file = root / "demo.duckdb"
    generate_demo(demo_file, today=dt.date.today())
    servers: list[Server] = []
    try:
        runs = stream_rounds(root, demo_file, args.runs, servers)
        print(f"load average after the runs: {os.getloadavg()}")
        print_runs(runs)
    finally:
        for server in servers:
            stop(server)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
