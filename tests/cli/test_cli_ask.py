"""`nexatron init` then `nexatron ask` in-process and against a running server; `nexatron eval`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEXATRON_")}
    env.update(NEXATRON_DATA_DIR=str(data_dir), NEXATRON_LOG_LEVEL="warning")
    return env


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nexatron.cli", *args],
        env=env,
        text=True,
        capture_output=True,
        timeout=180,
        check=False,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_init_then_ask_in_process_and_remote(tmp_path: Path) -> None:
    env = _env(tmp_path / "data")
    init = _cli("init", env=env)
    assert init.returncode == 0, init.stderr
    key = next(line.split()[2] for line in init.stdout.splitlines() if "API key" in line)
    assert "demo connection: conn_" in init.stdout

    local = _cli("ask", "total sales by region last year", env=env)
    assert local.returncode == 0, local.stderr
    assert "region" in local.stdout and "SELECT" in local.stdout
    assert "had the highest total sales last year" in local.stdout

    refused = _cli("ask", "what is the favourite colour of customers", env=env)
    assert refused.returncode == 1 and "favourite" in refused.stderr

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "nexatron.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        remote = _cli(
            "ask",
            "What were total sales last quarter?",
            "--url",
            f"http://127.0.0.1:{port}",
            "--key",
            key,
            env=env,
        )
        assert remote.returncode == 0, remote.stderr
        assert "Total sales last quarter were $" in remote.stdout
        # Two worker processes share the store: a question answered by one is in the history
        # read by either (each request on a new connection, so both workers take some).
        headers = {"Authorization": f"Bearer {key}"}
        workers = subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        assert len(workers) >= 2, workers
        for n in range(6):
            asked = httpx.post(
                f"http://127.0.0.1:{port}/api/v1/query",
                json={"question": f"number of orders in {2020 + n}"},
                headers=headers,
                timeout=30,
            )
            assert asked.status_code == 200, asked.text
            got = httpx.get(
                f"http://127.0.0.1:{port}/api/v1/query/{asked.json()['id']}",
                headers=headers,
                timeout=30,
            )
            assert got.status_code == 200 and got.json()["sql"] == asked.json()["sql"]
    finally:
        server.terminate()
        server.wait(20)
    # A second start created nothing new: the first key still works and no second key printed.
    assert "API key" not in (server.stdout.read() if server.stdout else "")


def test_eval_command_prints_a_report(tmp_path: Path) -> None:
    result = _cli("eval", str(ROOT / "eval" / "hr.yaml"), env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "execution match" in result.stdout and "confidently wrong 0" in result.stdout
