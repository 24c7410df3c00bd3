"""Pieces the HTTP benches share: a prepared data dir, real server processes (prepared, or a
first run that prints its admin key), throwaway PostgreSQL schemas, wrk, RSS, the 1,000,000-row
stream. Imported by bench_query.py, bench_http.py, bench_metering.py and bench_audit.py (not a
bench itself)."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import httpx
from sqlalchemy import create_engine, text

from nexatron.connections import service as connections
from nexatron.demo.install import install_demo
from nexatron.identity.roles import Principal
from nexatron.semantic import repository as repo
from nexatron.semantic.model import Dimension, Metric
from nexatron.services import build_services
from nexatron.settings import settings_from_env
from nexatron.testing import PG_URL, TEST_SECRET, Actor, add_tenant

ENV = {
    "NEXATRON_DEV": "true",
    "NEXATRON_DEMO": "false",
    "NEXATRON_SECRET_KEY": TEST_SECRET,
    "NEXATRON_LOG_LEVEL": "warning",
    "NEXATRON_RATE_LIMIT_PLANS": json.dumps({"default": "10000000/minute"}),
    # The tenant's budget too: a cached answer runs at 600+ req/s, over the default's minute.
    "NEXATRON_TENANT_RATE_LIMIT_PLANS": json.dumps({"default": "10000000/minute"}),
}


def data_env(data_dir: Path) -> dict[str, str]:
    """The data dir, and a directory beside it allowed for file connections (the 1M-row table;
    the data dir itself is off limits to connections)."""
    return {"NEXATRON_DATA_DIR": str(data_dir), "NEXATRON_FILE_ROOTS": str(big_dir(data_dir))}


def big_dir(data_dir: Path) -> Path:
    return data_dir.parent / f"{data_dir.name}-big"


def principal_of(actor: Actor) -> Principal:
    return Principal(tenant_id=actor.tenant_id, user_id=actor.user_id, role="admin")


def pct(values: Sequence[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(len(values) * q))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare_server_dir(
    root: Path, demo_file: Path, name: str = "server", big_threads: Sequence[int | None] = ()
) -> tuple[Path, Actor, dict[str, str]]:
    """A data dir with a tenant, keys and the demo; returns the dir, an analyst, and one
    connection per entry of big_threads to a table of 1M distinct labels (None: DuckDB's
    default threads, every core)."""
    data_dir = root / name
    (data_dir / "files").mkdir(parents=True)
    shutil.copyfile(demo_file, data_dir / "files" / "demo.duckdb")
    settings = settings_from_env({**ENV, **data_env(data_dir)})
    services = build_services(settings)
    tenant = add_tenant(services, "Bench")
    admin = principal_of(tenant.admin)
    install_demo(services, admin)
    big: dict[str, str] = {}
    if big_threads:
        big_dir(data_dir).mkdir()
        with duckdb.connect(str(big_dir(data_dir) / "big.duckdb")) as con:
            con.execute(
                "CREATE TABLE events AS SELECT range AS id, 'label-' || "
                "lpad(range::VARCHAR, 7, '0') AS label, (range % 1000) / 10.0 AS amount "
                "FROM range(1000000)"
            )
    metric = Metric(
        name="event_amount", label="Event amount", table="events", agg="sum", expr="amount"
    )
    dimension = Dimension(name="label", label="Label", table="events", expr="label")
    for threads in big_threads:
        label = "default threads" if threads is None else f"{threads} thread"
        extra = {} if threads is None else {"threads": threads}
        created = connections.create(
            services,
            admin.tenant_id,
            admin.user_id,
            name=f"Big, {label}",
            type_name="duckdb",
            config={"path": str(big_dir(data_dir) / "big.duckdb"), **extra},
            is_default=False,
        )
        big[label] = str(created["id"])
        with services.db.begin() as conn:
            repo.insert_object(conn, admin.tenant_id, created["id"], "dimension", dimension)
            repo.insert_object(conn, admin.tenant_id, created["id"], "metric", metric)
    services.close()
    return data_dir, tenant.analyst, big


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        """The processes answering requests: uvicorn's workers, or the server itself."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = [int(p) for p in children.read_text().split()] if children.exists() else []
        # uvicorn's supervisor also starts a resource tracker: keep the ones that serve.
        serving = [p for p in pids if "resource_tracker" not in _cmdline(p)]
        return serving or [self.process.pid]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def start_process(
    command: list[str], port: int, env: Mapping[str, str], health: str = "/healthz"
) -> Server:
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}{health}", timeout=1).status_code == 200:
                return Server(process, port)
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"server did not start: {command}")


def start_factory_server(data_dir: Path, port: int, workers: int) -> Server:
    """`uvicorn --factory bench_query:create_server` (bench_query's historical way)."""
    command = [sys.executable, "-m", "uvicorn", "--factory", "bench_query:create_server",
               "--app-dir", str(Path(__file__).parent), "--port", str(port),
               "--log-level", "warning", "--no-access-log"]  # fmt: skip
    if workers > 1:
        command += ["--workers", str(workers)]
    return start_process(command, port, {**ENV, **data_env(data_dir)})


def start_nexatron(
    data_dir: Path, port: int, workers: int, extra_env: Mapping[str, str] | None = None
) -> Server:
    """`nexatron serve --workers N`, as an operator starts it."""
    command = [sys.executable, "-m", "nexatron.cli", "--data-dir", str(data_dir), "serve",
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]  # fmt: skip
    env = {**ENV, **data_env(data_dir), **(extra_env or {})}
    return start_process(command, port, env)


@contextmanager
def pg_schema(enabled: bool) -> Iterator[str | None]:
    """A throwaway PostgreSQL schema's database URL (None when not enabled), dropped after."""
    if not enabled:
        yield None
        return
    schema = "nx_bench_" + secrets.token_hex(4)
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg2://"))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@contextmanager
def first_run_server(
    data_dir: Path, env_extra: Mapping[str, str], database_url: str | None = None
) -> Iterator[tuple[str, str]]:
    """`nexatron serve` on an empty store (its first run provisions a tenant and prints the
    admin's API key); yields the base URL and that key."""
    port = free_port()
    env = {
        **os.environ,
        "NEXATRON_DATA_DIR": str(data_dir),
        "NEXATRON_DEV": "1",
        "NEXATRON_DEMO": "0",
        "NEXATRON_SECRET_KEY": "bench-" + secrets.token_hex(24),
        "NEXATRON_ADMIN_PASSWORD": "bench-password-1",
        "NEXATRON_RATE_LIMIT_PLANS": '{"default": "100000000/minute"}',
        "NEXATRON_TENANT_RATE_LIMIT_PLANS": '{"default": "100000000/minute"}',
        "NEXATRON_LOG_LEVEL": "warning",
        **env_extra,
    }
    if database_url:
        env["NEXATRON_DATABASE_URL"] = database_url
    command = [sys.executable, "-m", "nexatron.cli", "serve", "--port", str(port)]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    key = None
    try:
        assert process.stdout is not None
        for line in process.stdout:
            found = re.search(r"API key:\s+(nxa_\w+)", line)
            if found:
                key = found.group(1)
            if line.startswith("Serving on"):
                break
        threading.Thread(target=process.stdout.read, daemon=True).start()  # keep it drained
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        assert key, "no first-run API key in the server's output"
        yield base, key
    finally:
        process.terminate()
        process.wait(timeout=20)


def stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()


def wrk_script(bodies: Sequence[str], key: str, path: str = "/api/v1/query") -> Path:
    """A wrk Lua script that POSTs the bodies in turn with the key."""
    lua = Path(tempfile.mkdtemp()) / "bodies.lua"
    quoted = ",\n".join("[==[" + body + "]==]" for body in bodies)
    lua.write_text(
        f"local bodies = {{\n{quoted}\n}}\nlocal i = 0\n"
        "request = function()\n  i = i + 1\n"
        f'  return wrk.format("POST", "{path}", {{["Content-Type"] = "application/json", '
        f'["Authorization"] = "Bearer {key}"}}, bodies[(i % #bodies) + 1])\nend\n'
    )
    return lua


def _ms(text: str) -> float:
    for unit, scale in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * scale
    return float(text)


@dataclass
class WrkResult:
    rate: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int = 0
    cpu_ms: float | None = None  # the server processes' CPU time per request, when measured


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU time of the processes (all their threads), from /proc."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def run_wrk(
    url: str, lua: Path, seconds: float, connections_: int, server: Server | None = None
) -> WrkResult:
    """wrk's rate, p50, p99 and errors; with `server`, also its CPU time per request (a figure
    that a loaded machine disturbs much less than rates and latencies)."""
    pids = server.worker_pids() if server is not None else []
    before = cpu_seconds(pids) if pids else 0.0
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections_}", f"-d{int(seconds)}s", "--latency", "-s", str(lua),
         url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    lines = [line.strip() for line in out.splitlines()]
    rate = float(next(line for line in lines if line.startswith("Requests/sec")).split()[1])
    p50 = _ms(next(line for line in lines if line.startswith("50%")).split()[1])
    p99 = _ms(next(line for line in lines if line.startswith("99%")).split()[1])
    errors = sum(
        int(line.split()[-1])
        for line in lines
        if line.startswith("Non-2xx") or "errors:" in line
        if line.split()[-1].isdigit()
    )
    requests = int(next(line for line in lines if " requests in " in line).split()[0])
    cpu_ms = (cpu_seconds(pids) - before) * 1000 / requests if pids and requests else None
    return WrkResult(rate, p50, p99, errors, requests, cpu_ms)


def peak_rss_mb(pid: int) -> tuple[float, float]:
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


@dataclass
class StreamResult:
    rows: int
    events: int
    seconds: float
    terminal: dict[str, Any]

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds


def stream_million(url: str, actor: Actor, connection_id: str) -> StreamResult:
    """POST /query/stream for 1M labels; the client reads and decodes every rows event."""
    rows = events = 0
    done: dict[str, Any] = {}
    start = time.perf_counter()
    body = {"question": "event amount by label", "connection_id": connection_id}
    with httpx.stream("POST", f"{url}/api/v1/query/stream", json=body,
                      headers=actor.headers, timeout=300) as response:  # fmt: skip
        name = ""
        for line in response.iter_lines():
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:") and name == "rows":
                rows += len(json.loads(line[5:])["rows"])
                events += 1
            elif line.startswith("data:") and name in ("done", "error"):
                done = {"event": name, **json.loads(line[5:])}
    return StreamResult(rows, events, time.perf_counter() - start, done)
