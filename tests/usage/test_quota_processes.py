"""Quotas across two real `nexatron serve` processes on one PostgreSQL metadata store and one
Redis: concurrent questions never pass the monthly limit, and after a load with refusals and
quota refusals the metering ledger and the rollups equal the history."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import redis
from sqlalchemy import create_engine, func, select, text

from nexatron.demo.install import install_demo
from nexatron.identity.keys import create_key
from nexatron.identity.roles import Principal
from nexatron.identity.users import create_tenant, create_user
from nexatron.services import build_services
from nexatron.store.tables import queries, usage_events, usage_rollups
from nexatron.testing import PG_URL, TEST_SECRET, make_settings, tenant_files

from ..throwaway import free_port, wait_healthy

pytestmark = pytest.mark.slow

REDIS_URL = "redis://127.0.0.1:6379/12"
LIMIT = 17
ANSWERABLE = ("number of orders", "total sales by region", "number of customers")
REFUSED = "number of unicorns"


@pytest.fixture
def cluster(tmp_path: Path, demo_source: Path) -> Iterator[dict]:
    client = redis.Redis.from_url(REDIS_URL)
    assert client.ping(), "Redis at 127.0.0.1:6379 is needed"
    schema = "nx_quota_" + secrets.token_hex(5)
    admin_db = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg2://"))
    with admin_db.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    database_url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    plan = "quota_" + secrets.token_hex(3)
    plans = {plan: {"rate_limit": "100000/minute", "questions_per_month": LIMIT}}
    settings, _ = make_settings(
        tmp_path, database_url=database_url, redis_url=REDIS_URL, plans=plans
    )
    services = build_services(settings)
    keys = []
    with services.db.begin() as conn:
        tenant_id = create_tenant(conn, "Quota", plan=plan)
        for i in range(2):
            user_id = create_user(
                conn, tenant_id=tenant_id, email=f"q{i}@quota.test", password=None, role="admin"
            )
            principal = Principal(tenant_id=tenant_id, user_id=user_id, role="admin", plan=plan)
            _, key = create_key(conn, TEST_SECRET, principal, name="q", role=None, expires_at=None)
            keys.append(key)
    shutil.copyfile(demo_source, tenant_files(services, tenant_id) / "demo.duckdb")
    install_demo(services, principal)  # finds the copy where it looks: none generated
    env = {
        **os.environ,
        "NEXATRON_DATA_DIR": str(tmp_path),
        "NEXATRON_DEV": "1",
        "NEXATRON_SECRET_KEY": TEST_SECRET,
        "NEXATRON_DEMO": "0",
        "NEXATRON_DATABASE_URL": database_url,
        "NEXATRON_REDIS_URL": REDIS_URL,
        "NEXATRON_PLANS": json.dumps(plans),
        "NEXATRON_LOG_LEVEL": "warning",
    }
    procs = []
    try:
        for i in range(2):
            port, log = free_port(), tmp_path / f"serve{i}.log"
            proc = subprocess.Popen(
                [sys.executable, "-m", "nexatron.cli", "serve", "--host", "127.0.0.1",
                 "--port", str(port)],
                env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
            )  # fmt: skip
            procs.append((proc, log, f"http://127.0.0.1:{port}"))
        for proc, log, base in procs:
            wait_healthy(proc, base, log)
        yield {
            "bases": [b for _, _, b in procs],
            "keys": keys,
            "db": services.db,
            "tenant": tenant_id,
            "redis": client,
        }
    finally:
        for proc, _, _ in procs:
            proc.terminate()
        for proc, _, _ in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for name in client.scan_iter(match=f"nexatron:quota:{tenant_id}:*"):
            client.delete(name)
        client.close()
        services.close()
        with admin_db.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin_db.dispose()
        shutil.rmtree(tmp_path / "files", ignore_errors=True)


def test_two_processes_never_pass_the_quota_and_the_ledger_equals_the_history(cluster) -> None:
    bases, keys = cluster["bases"], cluster["keys"]
    plan_of_requests = []
    for i in range(40):
        question = REFUSED if i % 5 == 4 else ANSWERABLE[i % 3]
        plan_of_requests.append((bases[i % 2], keys[i % 2], question))

    def send(item: tuple[str, str, str]) -> tuple[int, str]:
        base, key, question = item
        with httpx.Client(timeout=60) as http:
            r = http.post(
                base + "/api/v1/query",
                json={"question": question},
                headers={"Authorization": f"Bearer {key}"},
            )
        return r.status_code, r.text

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(send, plan_of_requests))
    statuses = Counter(code for code, _ in results)
    assert statuses[200] == LIMIT, (statuses, [t for c, t in results if c not in (200, 422, 429)])
    assert statuses[200] + statuses[422] + statuses[429] == 40, statuses
    over = [json.loads(t)["detail"] for c, t in results if c == 429]
    assert over and all(d["code"] == "quota_exceeded" for d in over)
    # the shared counter is in Redis, at the limit exactly
    redis_key = f"nexatron:quota:{cluster['tenant']}:{dt.datetime.now(dt.UTC):%Y-%m}:questions"
    assert int(cluster["redis"].get(redis_key)) == LIMIT

    db, tenant = cluster["db"], cluster["tenant"]
    deadline = time.monotonic() + 10
    while True:  # each process writes its history just behind its answers
        with db.connect() as conn:
            by_status = dict(
                conn.execute(
                    select(queries.c.status, func.count())
                    .where(queries.c.tenant_id == tenant)
                    .group_by(queries.c.status)
                ).all()
            )
        if sum(by_status.values()) >= statuses[200] + statuses[422] or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert by_status.get("answered") == LIMIT
    assert by_status.get("refused") == statuses[422]
    with db.connect() as conn:
        ledger = dict(
            conn.execute(
                select(usage_events.c.meter, func.sum(usage_events.c.value))
                .where(usage_events.c.tenant_id == tenant)
                .group_by(usage_events.c.meter)
            ).all()
        )
        rows = conn.execute(
            select(func.sum(queries.c.row_count)).where(
                queries.c.tenant_id == tenant, queries.c.status == "answered"
            )
        ).scalar_one()
        rollup = conn.execute(
            select(
                func.sum(usage_rollups.c.answered),
                func.sum(usage_rollups.c.refused),
                func.sum(usage_rollups.c.rows_returned),
            ).where(usage_rollups.c.tenant_id == tenant, usage_rollups.c.dim == "")
        ).one()
    assert ledger["questions"] == LIMIT
    assert ledger["rows_returned"] == rows
    assert ledger["active_seats"] == 2
    assert tuple(rollup) == (LIMIT, statuses[422], rows)
