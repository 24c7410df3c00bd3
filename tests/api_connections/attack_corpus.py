"""The attack corpus of issue #11: connection configs and paths a tenant admin may try in order
to reach the server itself, its metadata store or another tenant. Every entry must be refused
at create with a 422 whose type is `refused_by_policy`, before any packet leaves."""

from __future__ import annotations

import itertools
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Ctx:
    data_dir: Path  # the server's data dir (resolved)
    own: Path  # the attacking tenant's own file area
    other_file: Path  # a file another tenant uploaded
    port: int  # a local listener that counts accepts

    def store(self) -> Path:
        return self.data_dir / "nexatron.db"


Build = Callable[[Ctx], dict[str, Any]]


def net(host: str, port: int | None = None) -> Build:
    return lambda c: {"host": host, "port": port or c.port}


# Loopback in every spelling the resolver accepts, the unspecified address, IPv6 forms,
# link-local, multicast, cloud metadata: (label, engine type, config).
NETWORK: list[tuple[str, str, Build]] = [
    ("loopback 127.0.0.1", "postgres", net("127.0.0.1")),
    ("loopback 127.0.0.2", "postgres", net("127.0.0.2")),
    ("loopback 127.255.255.254", "postgres", net("127.255.255.254")),
    ("short form 127.1", "postgres", net("127.1")),
    ("short form 127.0.1", "postgres", net("127.0.1")),
    ("decimal 2130706433", "postgres", net("2130706433")),
    ("hex 0x7f000001", "postgres", net("0x7f000001")),
    ("hex dotted 0x7f.0.0.1", "postgres", net("0x7f.0.0.1")),
    ("octal 0177.0.0.1", "postgres", net("0177.0.0.1")),
    ("octal whole 017700000001", "postgres", net("017700000001")),
    ("name localhost", "postgres", net("localhost")),
    ("name LOCALHOST. (case, trailing dot)", "postgres", net("LOCALHOST.")),
    ("name of this machine in /etc/hosts", "postgres", net(os.uname().nodename)),
    ("IPv6 ::1", "postgres", net("::1")),
    ("IPv6 [::1]", "postgres", net("[::1]")),
    ("IPv6 long 0:0:0:0:0:0:0:1", "postgres", net("0:0:0:0:0:0:0:1")),
    ("IPv4-mapped ::ffff:127.0.0.1", "postgres", net("::ffff:127.0.0.1")),
    ("IPv4-mapped hex ::ffff:7f00:1", "postgres", net("::ffff:7f00:1")),
    ("IPv4-compatible ::127.0.0.1", "postgres", net("::127.0.0.1")),
    ("NAT64 64:ff9b::7f00:1", "postgres", net("64:ff9b::7f00:1")),
    ("unspecified 0.0.0.0", "postgres", net("0.0.0.0")),
    ("unspecified 0", "postgres", net("0")),
    ("unspecified ::", "postgres", net("::")),
    ("metadata 169.254.169.254", "postgres", net("169.254.169.254", 80)),
    ("metadata decimal 2852039166", "mysql", net("2852039166", 80)),
    ("metadata name metadata.google.internal", "postgres", net("metadata.google.internal", 80)),
    ("metadata IPv6 fd00:ec2::254", "postgres", net("fd00:ec2::254", 80)),
    ("link-local 169.254.1.1", "postgres", net("169.254.1.1")),
    ("link-local IPv6 fe80::1", "postgres", net("fe80::1")),
    ("multicast 224.0.0.1", "postgres", net("224.0.0.1")),
    ("multicast IPv6 ff02::1", "postgres", net("ff02::1")),
    ("broadcast 255.255.255.255", "postgres", net("255.255.255.255")),
    ("mysql to loopback", "mysql", net("127.0.0.1")),
    ("mysql to localhost", "mysql", net("localhost")),
    ("redshift to loopback", "redshift", net("127.0.0.1")),
    ("clickhouse to loopback", "clickhouse", net("127.0.0.1")),
    ("clickhouse to ::1", "clickhouse", net("::1")),
    ("mssql to loopback", "mssql", net("127.0.0.1")),
    ("snowflake host override to loopback", "snowflake",
     lambda c: {"host": "127.0.0.1", "port": c.port, "account": "a", "password": "p"}),
    ("the Redis port", "mysql", lambda c: {"host": "127.0.0.1", "port": 6379}),
    ("the PostgreSQL store port", "postgres", lambda c: {"host": "127.0.0.1", "port": 5432}),
    ("a Unix socket directory as host", "postgres",
     lambda c: {"host": "/var/run/postgresql", "port": 5432}),
    ("a libpq host list", "postgres", net("127.0.0.1,10.0.0.1")),
    ("a URL as host", "postgres", net("postgresql://127.0.0.1")),
]  # fmt: skip

_DEFAULTS: dict[str, dict[str, Any]] = {
    "postgres": {"database": "test", "user": "postgres"},
    "redshift": {"database": "dev", "user": "awsuser"},
    "mysql": {"database": "test", "user": "root"},
    "clickhouse": {},
    "mssql": {"database": "master", "user": "sa"},
    "snowflake": {"user": "u", "database": "d"},
}


def network_config(type_name: str, build: Build, ctx: Ctx) -> dict[str, Any]:
    return {**_DEFAULTS[type_name], **build(ctx)}


def _sqlite(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE IF NOT EXISTS t (x INTEGER)")
    return path


_SEQ = itertools.count()


def symlink(target: Callable[[Ctx], Path], name: str) -> Callable[[Ctx], str]:
    def build(c: Ctx) -> str:
        link = c.own / f"{next(_SEQ)}-{name}"
        link.symlink_to(target(c))
        return str(link)

    return build


def hardlink(target: Callable[[Ctx], Path], name: str) -> Callable[[Ctx], str]:
    def build(c: Ctx) -> str:
        link = c.own / f"{next(_SEQ)}-{name}"
        os.link(target(c), link)
        return str(link)

    return build


def dir_link(target: Callable[[Ctx], Path], name: str, inner: str) -> Callable[[Ctx], str]:
    def build(c: Ctx) -> str:
        link = c.own / f"{next(_SEQ)}-{name}"
        link.symlink_to(target(c), target_is_directory=True)
        return str(link / inner)

    return build


def _home_relative(c: Ctx) -> str:
    """C1: `~/../<data dir>/nexatron.db`, the path SQLite once collapsed by itself."""
    home = Path.home()
    return "~/../" + os.path.relpath(c.store(), home.parent)


# Paths for the file engines (each is tried as sqlite and as duckdb).
FILES: list[tuple[str, Callable[[Ctx], str]]] = [
    ("C1 ~/../<data dir>/nexatron.db", _home_relative),
    ("the store by absolute path", lambda c: str(c.store())),
    ("the store through files/..", lambda c: str(c.data_dir / "files" / ".." / "nexatron.db")),
    ("the store through own/../..", lambda c: str(c.own / ".." / ".." / "nexatron.db")),
    ("the store's WAL", lambda c: str(c.data_dir / "nexatron.db-wal")),
    ("the secret key", lambda c: str(c.data_dir / "secret.key")),
    ("the data dir itself", lambda c: str(c.data_dir)),
    ("H2 the shared legacy demo", lambda c: str(c.data_dir / "files" / "demo.duckdb")),
    ("another tenant's uploaded file", lambda c: str(c.other_file)),
    ("another tenant's file via own/..", lambda c: str(c.own / ".." / c.other_file.parent.name
                                                     / c.other_file.name)),
    ("/etc/passwd", lambda c: "/etc/passwd"),
    ("/nonexistent/x.db", lambda c: "/nonexistent/x.db"),
    ("/etc (a directory)", lambda c: "/etc"),
    ("/dev/zero", lambda c: "/dev/zero"),
    ("/proc/self/environ", lambda c: "/proc/self/environ"),
    ("relative nexatron.db", lambda c: "nexatron.db"),
    ("~ alone", lambda c: "~"),
    ("%2e%2e in own area", lambda c: str(c.own) + "/%2e%2e/%2e%2e/nexatron.db"),
    ("%2e%2e relative", lambda c: "%2e%2e/%2e%2e/nexatron.db"),
    ("file: URI", lambda c: f"file:{c.store()}"),
    ("URI query ?mode=rw", lambda c: str(c.own / "x.db") + "?mode=rw"),
    (":memory:", lambda c: ":memory:"),
    ("symlink to the store", symlink(lambda c: c.store(), "link-store.db")),
    ("symlink to another tenant's file", symlink(lambda c: c.other_file, "link-other.db")),
    ("symlink to /etc/passwd", symlink(lambda c: Path("/etc/passwd"), "link-passwd.db")),
    ("directory symlink to the data dir", dir_link(lambda c: c.data_dir, "dd", "nexatron.db")),
    ("hard link to the store", hardlink(lambda c: c.store(), "hard-store.db")),
    ("hard link to another tenant's file", hardlink(lambda c: c.other_file, "hard-other.db")),
    ("hard link to an own file", hardlink(lambda c: _sqlite(c.own / f"m{next(_SEQ)}.db"), "h.db")),
]  # fmt: skip
