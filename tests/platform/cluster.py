"""Three (or N) real `nexatron serve` processes behind a real HAProxy, sharing one fresh
PostgreSQL database and a private Redis: the machinery of tests/platform/test_platform_multinode.py
and bench/bench_multinode.py.

Everything is this run's own: a uniquely named database (dropped after), a `redis-server` on a
free port (so it can be stopped and restarted without touching anyone else's), an application
name on every store connection (so `drop_store_connections` terminates only these backends),
and `haproxy` as a foreground subprocess with a generated config.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from ..throwaway import nexatron_command

PG_ADMIN = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check, timeout_s: float, pause_s: float = 0.1) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except Exception:
            pass
        time.sleep(pause_s)
    return False


@dataclass
class Redis:
    port: int
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        import redis

        client = redis.Redis(port=self.port)
        assert wait_until(lambda: client.ping(), 10), "redis-server did not start"

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None


@dataclass
class Node:
    name: str
    port: int
    data_dir: Path
    proc: subprocess.Popen[bytes] | None = None
    env: dict[str, str] = field(default_factory=dict)  # over the cluster's

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Cluster:
    database: str
    app_name: str
    redis: Redis
    env: dict[str, str]
    nodes: list[Node]
    proxy_port: int
    admin_key: str = ""
    demo: str = ""
    operator_key: str = ""
    proxies: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def proxy(self) -> str:
        return f"http://127.0.0.1:{self.proxy_port}"

    def start_node(self, node: Node) -> None:
        log = open(node.data_dir / "serve.log", "ab")  # noqa: SIM115 - the process's own log
        node.proc = subprocess.Popen(
            [sys.executable, "-m", "nexatron.cli", "serve", "--port", str(node.port)],
            env={**self.env, **node.env, "NEXATRON_DATA_DIR": str(node.data_dir)},
            stdout=log, stderr=log,
        )  # fmt: skip

    def wait_ready(self, nodes: list[Node] | None = None, timeout_s: float = 90) -> None:
        for node in nodes or self.nodes:
            ok = wait_until(lambda n=node: httpx.get(n.base + "/readyz").status_code == 200,
                            timeout_s)  # fmt: skip
            assert ok, f"{node.name} not ready: {(node.data_dir / 'serve.log').read_text()[-2000:]}"

    def kill(self, node: Node) -> None:
        assert node.proc is not None
        node.proc.send_signal(signal.SIGKILL)
        node.proc.wait(10)

    def start_proxy(self, nodes: list[Node], port: int) -> subprocess.Popen[bytes]:
        """HAProxy in the foreground: round robin, health checks on /readyz every 500 ms, a
        request whose connection is refused retried on another server."""
        servers = "\n".join(
            f"    server {n.name} 127.0.0.1:{n.port} check inter 500ms fall 3 rise 1" for n in nodes
        )
        config = f"""global
    maxconn 2000
defaults
    mode http
    timeout connect 2s
    timeout check 5s
    timeout client 60s
    timeout server 60s
    retries 2
    option redispatch
    retry-on conn-failure empty-response response-timeout
frontend api
    bind 127.0.0.1:{port}
    default_backend nodes
backend nodes
    balance roundrobin
    option httpchk GET /readyz
    http-response set-header X-Node %s
{servers}
"""
        path = nodes[0].data_dir.parent / f"haproxy-{port}.cfg"
        path.write_text(config)
        proc = subprocess.Popen(["haproxy", "-db", "-f", str(path)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        self.proxies.append(proc)
        base = f"http://127.0.0.1:{port}"
        assert wait_until(lambda: httpx.get(base + "/healthz").status_code == 200, 15)
        return proc

    def store(self):  # type: ignore[no-untyped-def]
        return create_engine(
            f"postgresql+psycopg2://postgres@127.0.0.1:5432/{self.database}",
            connect_args={"application_name": self.app_name + "-check"},
        )

    def drop_store_connections(self) -> int:
        """Terminate the nodes' PostgreSQL backends (this run's application name only)."""
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                rows = conn.execute(
                    text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE application_name = :name AND pid <> pg_backend_pid()"),
                    {"name": self.app_name},
                ).all()  # fmt: skip
            return len(rows)
        finally:
            admin.dispose()


def _provision(env: dict[str, str], data_dir: Path, demo: Path | None) -> tuple[str, str]:
    out = subprocess.run(
        [*nexatron_command(demo), "init"],
        env={**env, "NEXATRON_DATA_DIR": str(data_dir)},
        capture_output=True, text=True, timeout=180, check=True,
    ).stdout  # fmt: skip
    key = re.search(r"API key:\s+(nxa_\w+)", out)
    demo = re.search(r"demo connection:\s+(conn_\w+)", out)
    assert key and demo, out
    return key.group(1), demo.group(1)


def _operator_key(env: dict[str, str], data_dir: Path) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "nexatron.cli", "operator-key", "create", "--name", "multinode"],
        env={**env, "NEXATRON_DATA_DIR": str(data_dir)},
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    found = re.search(r"(nxo_\w+)", out)
    assert found, out
    return found.group(1)


@contextmanager
def cluster(
    root: Path,
    nodes: int = 3,
    extra_env: dict[str, str] | None = None,
    demo: Path | None = None,
) -> Iterator[Cluster]:
    """`nodes` servers on one PostgreSQL database and one Redis, behind a proxy; `demo`: a demo
    database generated today, copied by `nexatron init` instead of generating one."""
    for tool in ("haproxy", "redis-server"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is not installed (apt-get install -y {tool})")
    tag = secrets.token_hex(4)
    database, app_name = f"nx_multinode_{tag}", f"nx-multinode-{tag}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    redis = Redis(free_port())
    redis.start()
    env = {
        **os.environ,
        "NEXATRON_DEV": "1",
        "NEXATRON_DATABASE_URL": (
            f"postgresql://postgres@127.0.0.1:5432/{database}?application_name={app_name}"
        ),
        "NEXATRON_REDIS_URL": redis.url,
        "NEXATRON_SECRET_KEY": "multinode-" + secrets.token_hex(24),
        "NEXATRON_ADMIN_PASSWORD": "multinode-password-1",
        "NEXATRON_LOG_LEVEL": "warning",
        "NEXATRON_WEB": "0",
        # The demo file is in the first node's data dir; every node may read it.
        "NEXATRON_FILE_ROOTS": str(root),
        "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).resolve().parents[2] / "src"), os.environ.get("PYTHONPATH", "")]
        ),
        **(extra_env or {}),
    }
    made = Cluster(database, app_name, redis, env,
                   [Node(f"n{i + 1}", free_port(), root / f"n{i + 1}") for i in range(nodes)],
                   free_port())  # fmt: skip
    try:
        for node in made.nodes:
            node.data_dir.mkdir(parents=True)
        made.admin_key, made.demo = _provision(env, made.nodes[0].data_dir, demo)
        for node in made.nodes:
            made.start_node(node)
        made.operator_key = _operator_key(env, made.nodes[0].data_dir)  # while they start
        made.wait_ready()
        made.start_proxy(made.nodes, made.proxy_port)
        yield made
    finally:
        for proxy in made.proxies:
            proxy.terminate()
            proxy.wait(10)
        for node in made.nodes:
            if node.proc is not None and node.proc.poll() is None:
                node.proc.terminate()
                try:
                    node.proc.wait(30)
                except subprocess.TimeoutExpired:
                    node.proc.kill()
        redis.stop()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()
