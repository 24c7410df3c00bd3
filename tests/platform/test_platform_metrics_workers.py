"""`nexatron serve --workers 2`: /metrics, whichever worker answers it, and the
NEXATRON_METRICS_ADDR listener both report the sum of every worker's series (Prometheus
multiprocess mode), and each worker's own share is in it."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from ..throwaway import nexatron_command

pytestmark = pytest.mark.slow
QUESTIONS = 24
QUERY_COUNT = re.compile(
    r'^nexatron_http_request_duration_seconds_count\{[^}]*route="/api/v1/query"[^}]*\} (\S+)$',
    re.M,
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _query_count(exposition: str) -> float:
    return sum(float(value) for value in QUERY_COUNT.findall(exposition))


def _one_workers_count(metrics_dir: Path, pid: str, scratch: Path) -> float:
    """The question count in one worker's files alone (the collector reads a directory)."""
    scratch.mkdir()
    for path in metrics_dir.glob(f"*_{pid}.db"):
        shutil.copyfile(path, scratch / path.name)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(scratch))
    return _query_count(generate_latest(registry).decode())


def test_metrics_sum_every_worker(tmp_path: Path, demo_source: Path) -> None:
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEXATRON_")}
    metrics_port, port = _free_port(), _free_port()
    env.update(
        NEXATRON_DATA_DIR=str(data),
        NEXATRON_LOG_LEVEL="warning",
        NEXATRON_WEB="0",
        NEXATRON_METRICS_ADDR=f"127.0.0.1:{metrics_port}",
    )
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)

    def cli(*args: str, demo: Path | None = None) -> str:
        done = subprocess.run(
            [*nexatron_command(demo), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    init = cli("init", demo=demo_source)
    key = next(line.split()[2] for line in init.splitlines() if "API key" in line)
    match = re.search(r"(nxo_\w+)", cli("operator-key", "create", "--name", "scraper"))
    assert match, "no operator key printed"
    operator = {"Authorization": f"Bearer {match.group(1)}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "nexatron.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        workers = subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        assert len(workers) >= 2, workers

        def ask(n: int) -> int:  # a new connection each; a busy worker leaves the next to another
            question = {"question": f"number of orders in {2000 + n}"}
            asked = httpx.post(
                f"{base}/api/v1/query",
                json=question,
                headers={"Authorization": f"Bearer {key}"},
                timeout=60,
            )
            return asked.status_code

        with ThreadPoolExecutor(4) as pool:
            assert set(pool.map(ask, range(QUESTIONS))) == {200}
        scrapes = [httpx.get(f"{base}/metrics", headers=operator, timeout=30) for _ in range(4)]
        assert {r.status_code for r in scrapes} == {200}
        assert [_query_count(r.text) for r in scrapes] == [QUESTIONS] * 4
        listener = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=30)
        assert listener.status_code == 200 and _query_count(listener.text) == QUESTIONS
        shares = [
            _one_workers_count(data / "metrics", pid, tmp_path / f"worker-{pid}") for pid in workers
        ]
        assert sum(shares) == QUESTIONS and len([s for s in shares if s > 0]) >= 2, shares
    finally:
        server.terminate()
        server.wait(30)
