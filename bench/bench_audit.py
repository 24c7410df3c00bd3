"""What writing the audit event adds to a state-changing request, over HTTP to real servers.

Starts two `nexatron serve` processes on fresh metadata stores (SQLite by default, or each in its
own PostgreSQL schema with --postgres): one with auditing on, one with NEXATRON_AUDIT_ENABLED=0.
Then sends, interleaved so drift hits both alike, PATCH /api/v1/users/{id} (a state change: one
transaction, plus the audit event on the audited server) and GET /api/v1/auth/me (no event: the
floor, showing the two servers are otherwise alike). Prints p50/p95 and the p50 the event adds.

    .venv/bin/python bench/bench_audit.py [--requests 1000] [--postgres]
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from servers import free_port
from sqlalchemy import create_engine, text

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@contextmanager
def pg_schema(enabled: bool) -> Iterator[str | None]:
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
def server(data_dir: Path, audit: bool, database_url: str | None) -> Iterator[tuple[str, str]]:
    """A `nexatron serve` process; yields its base URL and the first-run admin key."""
    port = free_port()
    env = {
        **os.environ,
        "NEXATRON_DATA_DIR": str(data_dir),
        "NEXATRON_DEV": "1",
        "NEXATRON_DEMO": "0",
        "NEXATRON_SECRET_KEY": "bench-" + secrets.token_hex(24),
        "NEXATRON_ADMIN_PASSWORD": "bench-password-1",
        "NEXATRON_AUDIT_ENABLED": "1" if audit else "0",
        "NEXATRON_RATE_LIMIT_PLANS": '{"default": "100000000/minute"}',
        "NEXATRON_LOG_LEVEL": "warning",
    }
    if database_url:
        env["NEXATRON_DATABASE_URL"] = database_url
    cmd = [sys.executable, "-m", "nexatron.cli", "serve", "--port", str(port)]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    key = None
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            found = re.search(r"API key:\s+(nxa_\w+)", line)
            if found:
                key = found.group(1)
            if line.startswith("Serving on"):
                break
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        assert key, "no first-run API key in the server's output"
        yield base, key
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def run(n: int, postgres: bool) -> None:
    with (
        tempfile.TemporaryDirectory() as on_dir,
        tempfile.TemporaryDirectory() as off_dir,
        pg_schema(postgres) as on_url,
        pg_schema(postgres) as off_url,
        server(Path(on_dir), True, on_url) as (on_base, on_key),
        server(Path(off_dir), False, off_url) as (off_base, off_key),
        httpx.Client() as http,
    ):
        targets = {}
        for label, base, key in (("audit on", on_base, on_key), ("audit off", off_base, off_key)):
            headers = {"Authorization": f"Bearer {key}"}
            me = http.get(base + "/api/v1/auth/me", headers=headers).json()
            targets[label] = (base, headers, me["id"])
        samples: dict[str, list[float]] = {}
        for i in range(n + 100):
            for label, (base, headers, user_id) in targets.items():
                for kind, method, url, body in (
                    (
                        "PATCH /users/{id}",
                        "PATCH",
                        f"{base}/api/v1/users/{user_id}",
                        {"name": f"n{i}"},
                    ),
                    ("GET /auth/me", "GET", f"{base}/api/v1/auth/me", None),
                ):
                    start = time.perf_counter()
                    r = http.request(method, url, headers=headers, json=body)
                    elapsed = (time.perf_counter() - start) * 1000
                    assert r.status_code == 200, (label, kind, r.status_code, r.text)
                    if i >= 100:
                        samples.setdefault(f"{kind}, {label}", []).append(elapsed)
        events = http.get(f"{on_base}/api/v1/audit-log", headers=targets["audit on"][1]).json()
        quiet = http.get(f"{off_base}/api/v1/audit-log", headers=targets["audit off"][1]).json()
    store = "PostgreSQL" if postgres else "SQLite"
    print(f"\nAudit cost, metadata on {store}, {n} requests per row (real servers over HTTP)")
    print(f"{'request':<34}{'p50 ms':>9}{'p95 ms':>9}")
    for name, values in samples.items():
        print(f"{name:<34}{statistics.median(values):>9.3f}{percentile(values, 0.95):>9.3f}")
    med = {k: statistics.median(v) for k, v in samples.items()}
    added = med["PATCH /users/{id}, audit on"] - med["PATCH /users/{id}, audit off"]
    floor = med["GET /auth/me, audit on"] - med["GET /auth/me, audit off"]
    print(f"p50 added by the audit event on PATCH /users/{{id}}: {added:+.3f} ms")
    print(f"floor (same servers, GET /auth/me, no event):      {floor:+.3f} ms")
    print(f"added net of the floor (the two processes differ): {added - floor:+.3f} ms")
    on, off = len(events["data"]), len(quiet["data"])
    print(f"events on the first audit-log page: audit on {on}, audit off {off}")


def direct(n: int, postgres: bool) -> None:
    """The same change without HTTP: one transaction updating a user, with and without
    `audit.record` in it, interleaved, on one store (less noise than the servers)."""
    from sqlalchemy import update

    from nexatron import audit
    from nexatron.services import build_services
    from nexatron.store.tables import users
    from nexatron.testing import add_tenant, make_settings

    with tempfile.TemporaryDirectory() as tmp, pg_schema(postgres) as pg_url:
        url = pg_url or f"sqlite:///{tmp}/nexatron.db"
        settings, _ = make_settings(Path(tmp), database_url=url)
        services = build_services(settings)
        tenant = add_tenant(services, "Bench")
        user = tenant.admin.user_id
        samples: dict[str, list[float]] = {"without": [], "with": []}
        for i in range(n + 100):
            for label in ("without", "with"):
                start = time.perf_counter()
                with services.db.begin() as conn:
                    change = update(users).where(users.c.id == user).values(name=f"n{i}")
                    conn.execute(change)
                    if label == "with":
                        audit.record(
                            conn,
                            tenant_id=tenant.id,
                            action="user.update",
                            target=audit.Target("user", user),
                            changed_fields=["name"],
                        )
                if i >= 100:
                    samples[label].append((time.perf_counter() - start) * 1000)
        services.close()
    med = {k: statistics.median(v) for k, v in samples.items()}
    store = "PostgreSQL" if postgres else "SQLite"
    print(f"\nIn-process, {store}, {n} transactions each (UPDATE users, commit)")
    print(
        f"without the event p50 {med['without']:.3f} ms, with it {med['with']:.3f} ms: "
        f"{med['with'] - med['without']:+.3f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--postgres", action="store_true", help="metadata on the local PostgreSQL")
    parser.add_argument("--direct", action="store_true", help="also time audit.record in-process")
    args = parser.parse_args()
    run(args.requests, args.postgres)
    if args.direct:
        direct(args.requests, args.postgres)


if __name__ == "__main__":
    main()
