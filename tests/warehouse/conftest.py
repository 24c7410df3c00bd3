"""Service fixtures for warehouse tests: throwaway schemas/databases on the local PostgreSQL,
MariaDB and ClickHouse; a scram-authenticated PostgreSQL cluster for wrong-password tests;
fakesnow (in its own virtualenv) as a Snowflake server. A service that is down fails the test."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator

import pytest

from ..throwaway import free_port, maria_db_with, pg_schema_with, unique, wait_port
from . import wh_dataset as dataset
from .wh_dataset import CANARY

REPO = pathlib.Path(__file__).resolve().parents[2]
FAKESNOW_VERSION = "0.12.1"


@pytest.fixture
def pg_schema() -> Iterator[str]:
    """A fresh schema in the local `test` database with the sample tables."""
    with pg_schema_with("nx_wh", lambda schema: dataset.seed_sql("postgres", schema)) as schema:
        yield schema


@pytest.fixture
def maria_db() -> Iterator[str]:
    """A fresh MariaDB database with the sample tables."""
    with maria_db_with("nx_wh", lambda name: dataset.seed_sql("mysql", name)) as name:
        yield name


def _clickhouse_up() -> bool:
    try:
        with urllib.request.urlopen("http://127.0.0.1:8123/ping", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@pytest.fixture
def clickhouse_db() -> Iterator[str]:
    """A fresh ClickHouse database (server from scripts/start-clickhouse.sh)."""
    from clickhouse_driver import Client

    if not _clickhouse_up():
        subprocess.run(["bash", str(REPO / "scripts/start-clickhouse.sh")], check=True)
    name = unique("nx_wh")
    client = Client("127.0.0.1", port=9000)
    client.execute(f"CREATE DATABASE {name}")
    for stmt in dataset.seed_sql("clickhouse", name):
        client.execute(stmt)
    client.execute(f"INSERT INTO {name}.customers VALUES", dataset.CUSTOMERS)
    client.execute(f"INSERT INTO {name}.orders VALUES", dataset.ORDERS)
    try:
        yield name
    finally:
        client.execute(f"DROP DATABASE {name}")
        client.disconnect()


@pytest.fixture(scope="session")
def pg_auth_port() -> Iterator[int]:
    """A throwaway PostgreSQL cluster with scram-sha-256 auth (the shared one trusts everyone),
    user `postgres` password CANARY, so a wrong password really fails."""
    bindir = pathlib.Path("/usr/lib/postgresql/15/bin")
    if not bindir.exists():
        bindir = pathlib.Path(
            subprocess.run(
                ["pg_config", "--bindir"], capture_output=True, text=True, check=True
            ).stdout.strip()
        )
    base = pathlib.Path(tempfile.mkdtemp(prefix="nexatron-pgauth-"))  # readable by postgres
    data, pwfile, sock = base / "data", base / "pw", base / "sock"
    sock.mkdir()
    pwfile.write_text(CANARY + "\n")
    run_as: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
        shutil.chown(pwfile, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [
            *run_as,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=scram-sha-256",
            f"--pwfile={pwfile}",
            "-E",
            "UTF8",
        ],
        check=True,
        capture_output=True,
    )
    port = free_port()
    opts = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [
            *run_as,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            opts,
            "-w",
            "-l",
            str(base / "log"),
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield port
    finally:
        subprocess.run(
            [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


def _fakesnow_python() -> pathlib.Path:
    """fakesnow pins sqlglot, so it lives in its own virtualenv (created on first use)."""
    venv = pathlib.Path(
        os.environ.get("NEXATRON_FAKESNOW_VENV", f"/tmp/nexatron-fakesnow-venv-{FAKESNOW_VERSION}")
    )
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "-q",
                f"fakesnow[server]=={FAKESNOW_VERSION}",
                "snowflake-connector-python<5",
            ],
            check=True,
        )
    return python


@pytest.fixture(scope="session")
def fakesnow_port() -> Iterator[int]:
    """fakesnow's HTTP server speaking Snowflake's protocol, password CANARY."""
    port = free_port()
    proc = subprocess.Popen(
        [
            str(_fakesnow_python()),
            str(pathlib.Path(__file__).with_name("fakesnow_server.py")),
            str(port),
            CANARY,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_port(port)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def snowflake_db(fakesnow_port: int) -> Iterator[str]:
    """A fresh database (schema SALES) with the sample tables on the fakesnow server."""
    import snowflake.connector

    name = unique("NX_WH").upper()
    conn = snowflake.connector.connect(
        user="nexatron",
        password=CANARY,
        account="fakesnow",
        host="127.0.0.1",
        port=fakesnow_port,
        protocol="http",
        network_timeout=10,
    )
    cur = conn.cursor()
    cur.execute(f"CREATE DATABASE {name}")
    cur.execute(f"CREATE SCHEMA {name}.SALES")
    for stmt in dataset.seed_sql("snowflake", f"{name}.SALES"):
        cur.execute(stmt)
    try:
        yield name
    finally:
        conn.close()  # fakesnow cannot DROP DATABASE; the server is in memory and ends with the run
