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
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from servers import first_run_server, pct, pg_schema

AUDIT_ON = {"NEXATRON_AUDIT_ENABLED": "1"}
AUDIT_OFF = {"NEXATRON_AUDIT_ENABLED": "0"}


def run(n: int, postgres: bool) -> None:
    with (
        tempfile.TemporaryDirectory() as on_dir,
        tempfile.TemporaryDirectory() as off_dir,
        pg_schema(postgres) as on_url,
        pg_schema(postgres) as off_url,
        first_run_server(Path(on_dir), AUDIT_ON, on_url) as (
            on_base,
            on_key,
        ),
        first_run_server(Path(off_dir), AUDIT_OFF, off_url) as (
            off_base,
            off_key,
        ),
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
        print(f"{name:<34}{statistics.median(values):>9.3f}{pct(values, 0.95):>9.3f}")
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
