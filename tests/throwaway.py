"""Throwaway resources on the local services, defined once for every test folder: unique names,
free ports, a server process waited for, a PostgreSQL schema or a MariaDB database seeded with a
folder's own statements."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg2
import pymysql
import pytest

from nexatron.testing import metadata_backend


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def nexatron_command(demo: Path | None = None) -> list[str]:
    """The `nexatron` command line for a subprocess; with `demo` (a demo database generated
    today, `demo_source`), one whose demo database is a copy of it instead of one generated
    again (tests/web/serve_with_demo.py; seconds of CPU). tests/cli/test_cli_ask.py's
    `nexatron init` keeps generating it for real."""
    if demo is None:
        return [sys.executable, "-m", "nexatron.cli"]
    return [sys.executable, str(Path(__file__).parent / "web" / "serve_with_demo.py"), str(demo)]


def own_redis_db(number: int) -> int:
    """The Redis database a test file owns and flushes (`number`, 11-15; ARCHITECTURE.md, Tests).
    scripts/test runs the PostgreSQL pass at the same time as the SQLite one, and a file of both
    passes would flush the other's keys mid-test: in the PostgreSQL pass it owns `number - 10`."""
    assert 11 <= number <= 15, number
    return number - 10 if metadata_backend() == "postgres" else number


def wait_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listening on 127.0.0.1:{port} after {timeout} s")


def wait_healthy(
    proc: subprocess.Popen[bytes], base: str, log: Path, timeout_s: float = 180.0
) -> None:
    """Until the server process at `base` answers GET /healthz with 200; the test fails with the
    server's log when the process exits or does not answer in time."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"server at {base} did not start:\n{log.read_text()}")


@contextmanager
def pg_schema_with(prefix: str, seed: Callable[[str], Iterable[str]]) -> Iterator[str]:
    """A fresh schema in the local `test` database, seeded by `seed(schema)`'s statements (run
    with the schema as search_path); dropped afterwards."""
    schema = unique(prefix)
    conn = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="test")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"CREATE SCHEMA {schema}")
        cur.execute(f"SET search_path TO {schema}")
        for stmt in seed(schema):
            cur.execute(stmt)
    try:
        yield schema
    finally:
        with conn.cursor() as cur:
            cur.execute(f"DROP SCHEMA {schema} CASCADE")
        conn.close()


@contextmanager
def maria_db_with(prefix: str, seed: Callable[[str], Iterable[str]]) -> Iterator[str]:
    """A fresh MariaDB database (statements run inside it); dropped afterwards."""
    name = unique(prefix)
    conn = pymysql.connect(host="127.0.0.1", user="root", password="", autocommit=True)
    with conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}")
        cur.execute(f"USE {name}")
        for stmt in seed(name):
            cur.execute(stmt)
    try:
        yield name
    finally:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE {name}")
        conn.close()
