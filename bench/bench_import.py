"""`POST /semantic/import` dry runs against a real `nexatron serve` process over HTTP.

Starts a server on a fresh data dir (demo connection on), then times dry-run imports of the demo
layer plus N generated dimensions, N doubling. The floor, measured in the same run, is a dry run
of the demo layer alone (about 20 objects). `growth` is time(N) / time(N/2): about 2 is linear,
4 quadratic. `--src` runs the server from another source tree, to measure the code before a
change, e.g.:

    git archive <commit> src | tar -x -C /tmp/nx_before
    .venv/bin/python bench/bench_import.py --src /tmp/nx_before/src     # before
    .venv/bin/python bench/bench_import.py                              # after (this tree)
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import yaml

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(
    src: Path, data_dir: Path, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], str, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEXATRON_")}
    env.update(
        PYTHONPATH=str(src),
        NEXATRON_DATA_DIR=str(data_dir),
        NEXATRON_DEV="1",
        NEXATRON_LOG_LEVEL="warning",
        NEXATRON_SEMANTIC_MAX_OBJECTS="100000",  # the bench goes past the default cap
        NEXATRON_MAX_BODY_BYTES=str(8 * 1024 * 1024),
        NEXATRON_RATE_LIMIT_PLANS='{"default": "100000/minute"}',
    )
    env.update(extra_env or {})
    proc = subprocess.Popen(
        [sys.executable, "-m", "nexatron.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    key = ""
    assert proc.stdout is not None
    for line in proc.stdout:
        found = re.search(r"API key:\s+(\S+)", line)
        if found:
            key = found.group(1)
        if line.startswith("Serving on"):
            break
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return proc, base, key
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


def document(demo: dict[str, Any], extra: int) -> str:
    base = demo["dimensions"][0]
    dims = list(demo["dimensions"]) + [
        {
            "name": f"extra_dim_{i}",
            "label": f"Extra {i}",
            "table": base["table"],
            "expr": base["expr"],
        }
        for i in range(extra)
    ]
    return yaml.safe_dump({**demo, "dimensions": dims}, sort_keys=False)


def timed(http: httpx.Client, connection_id: str, text: str, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        r = http.post(
            "/api/v1/semantic/import",
            json={"connection_id": connection_id, "yaml": text, "dry_run": True},
        )
        samples.append(time.perf_counter() - start)
        if r.status_code != 200:
            raise SystemExit(f"import answered {r.status_code}: {r.text[:300]}")
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--src", type=Path, default=HERE.parent / "src")
    parser.add_argument("--sizes", default="500,1000,2000,4000")
    parser.add_argument("--runs", type=int, default=3, help="per size (1 beyond 2,000)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nx_bench_import_") as tmp:
        proc, base, key = start(args.src.resolve(), Path(tmp) / "data")
        try:
            with httpx.Client(
                base_url=base, timeout=600, headers={"Authorization": f"Bearer {key}"}
            ) as http:
                [conn] = http.get("/api/v1/connections").json()["data"]
                exported = http.get(f"/api/v1/semantic/export?connection_id={conn['id']}")
                demo = yaml.safe_load(exported.text)
                print(f"server from {args.src}")
                floor = timed(http, conn["id"], exported.text, 5)
                print(f"floor (demo layer, {len(demo['dimensions'])} dims): {floor * 1000:.0f} ms")
                print(f"{'dimensions':>10} {'YAML KB':>8} {'dry run s':>10} {'growth':>7}")
                previous = None
                for size in (int(s) for s in args.sizes.split(",")):
                    text = document(demo, size)
                    seconds = timed(http, conn["id"], text, args.runs if size <= 2000 else 1)
                    growth = f"{seconds / previous:.1f}x" if previous else ""
                    print(f"{size:>10} {len(text) / 1024:>8.0f} {seconds:>10.2f} {growth:>7}")
                    previous = seconds
        finally:
            proc.terminate()
            proc.wait(timeout=20)


if __name__ == "__main__":
    main()
