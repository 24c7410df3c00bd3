"""Real databases behind the Connections API: a scram-authenticated PostgreSQL cluster (the shared
one trusts every login, so only this one proves a password), a MariaDB database with its own user,
DuckDB and SQLite files. Each has the same little library schema. A service that is down fails."""

from __future__ import annotations

import os
import pathlib
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from typing import Any

import duckdb
import psycopg2
import pymysql
import pytest

from nexatron.warehouse.engines.duckdb import SAFE_CONFIG

from ..throwaway import free_port, unique
from .conn_support import CANARY, SUPERUSER_PW, Target, library_ddl


def _pg_bindir() -> pathlib.Path:
    bindir = pathlib.Path("/usr/lib/postgresql/15/bin")
    if bindir.exists():
        return bindir
    out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True)
    return pathlib.Path(out.stdout.strip())


@pytest.fixture(scope="session")
def pg_scram_port() -> Iterator[int]:
    """A throwaway PostgreSQL cluster with scram-sha-256 auth; superuser postgres/SUPERUSER_PW."""
    bindir = _pg_bindir()
    base = pathlib.Path(tempfile.mkdtemp(prefix="nexatron-apiconn-pg-"))
    data, pwfile, sock = base / "data", base / "pw", base / "sock"
    sock.mkdir()
    pwfile.write_text(SUPERUSER_PW + "\n")
    run_as: list[str] = []
    if os.geteuid() == 0:
        for p in (base, sock, pwfile):
            shutil.chown(p, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    initdb = [str(bindir / "initdb"), "-D", str(data), "-U", "postgres"]
    initdb += ["--auth=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8"]
    subprocess.run([*run_as, *initdb], check=True, capture_output=True)
    port = free_port()
    opts = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off"
    start = [str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-w", "-l", str(base / "log")]
    subprocess.run([*run_as, *start, "start"], check=True, capture_output=True)
    try:
        yield port
    finally:
        stop = [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
        subprocess.run([*run_as, *stop], check=False, capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_target(pg_scram_port: int) -> Iterator[Target]:
    """A login role with the canary password owning a fresh database with the library tables."""
    role, db = unique("nx_role"), unique("nx_lib")
    admin = psycopg2.connect(
        host="127.0.0.1",
        port=pg_scram_port,
        user="postgres",
        password=SUPERUSER_PW,
        dbname="postgres",
    )
    admin.autocommit = True
    owner = None
    try:
        with admin.cursor() as cur:
            cur.execute(f"CREATE ROLE {role} LOGIN PASSWORD %s", (CANARY,))
            cur.execute(f"CREATE DATABASE {db} OWNER {role}")
        owner = psycopg2.connect(
            host="127.0.0.1", port=pg_scram_port, user=role, password=CANARY, dbname=db
        )
        owner.autocommit = True

        def run(sql: str) -> None:
            with owner.cursor() as c:
                c.execute(sql)

        def query(sql: str) -> list[tuple[Any, ...]]:
            with owner.cursor() as c:
                c.execute(sql)
                return list(c.fetchall())

        for stmt in library_ddl("postgres"):
            run(stmt)
        config = {
            "host": "127.0.0.1",
            "port": pg_scram_port,
            "database": db,
            "user": role,
            "password": CANARY,
            "sslmode": "disable",
        }
        yield Target("postgres", config, run, query, "public")
    finally:
        if owner is not None:
            owner.close()
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
            cur.execute(f"DROP ROLE IF EXISTS {role}")
        admin.close()


@pytest.fixture
def maria_target() -> Iterator[Target]:
    """A fresh MariaDB database and a user identified by the canary password."""
    db, user = unique("nx_lib"), unique("nx_u")
    root = pymysql.connect(host="127.0.0.1", user="root", password="", autocommit=True)
    try:
        with root.cursor() as cur:
            cur.execute(f"CREATE DATABASE {db}")
            for host in ("%", "localhost"):
                cur.execute(f"CREATE USER '{user}'@'{host}' IDENTIFIED BY '{CANARY}'")
                cur.execute(f"GRANT ALL PRIVILEGES ON {db}.* TO '{user}'@'{host}'")

        def run(sql: str) -> None:
            with root.cursor() as c:
                c.execute(f"USE {db}")
                c.execute(sql)

        def query(sql: str) -> list[tuple[Any, ...]]:
            with root.cursor() as c:
                c.execute(f"USE {db}")
                c.execute(sql)
                return list(c.fetchall())

        for stmt in library_ddl("mysql"):
            run(stmt)
        config = {
            "host": "127.0.0.1",
            "port": 3306,
            "database": db,
            "user": user,
            "password": CANARY,
        }
        yield Target("mysql", config, run, query, db)
    finally:
        with root.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {db}")
            for host in ("%", "localhost"):
                cur.execute(f"DROP USER IF EXISTS '{user}'@'{host}'")
        root.close()


@pytest.fixture
def duckdb_target(tmp_path_factory: pytest.TempPathFactory) -> Target:
    path = tmp_path_factory.mktemp("conn_duck") / "library.duckdb"
    with duckdb.connect(str(path)) as con:
        for stmt in library_ddl("duckdb"):
            con.execute(stmt)

    def run(sql: str) -> None:
        with duckdb.connect(str(path)) as con:
            con.execute(sql)

    def query(sql: str) -> list[tuple[Any, ...]]:
        # the same settings as the server's handle: one process may not mix configurations
        with duckdb.connect(str(path), read_only=True, config=dict(SAFE_CONFIG)) as con:
            return con.execute(sql).fetchall()

    return Target("duckdb", {"path": str(path)}, run, query, "main")


@pytest.fixture
def sqlite_target(tmp_path_factory: pytest.TempPathFactory) -> Target:
    path = tmp_path_factory.mktemp("conn_sqlite") / "library.sqlite"

    def run(sql: str) -> None:
        con = sqlite3.connect(path)
        try:
            con.execute(sql)
            con.commit()
        finally:
            con.close()

    def query(sql: str) -> list[tuple[Any, ...]]:
        con = sqlite3.connect(path)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    for stmt in library_ddl("sqlite"):
        run(stmt)
    return Target("sqlite", {"path": str(path)}, run, query, "main")


@pytest.fixture(params=["postgres", "mysql", "duckdb", "sqlite"])
def target(request: pytest.FixtureRequest) -> Target:
    """Each engine reachable here, one at a time."""
    fixture = {"postgres": "pg_target", "mysql": "maria_target"}.get(
        request.param, f"{request.param}_target"
    )
    value: Target = request.getfixturevalue(fixture)
    return value
