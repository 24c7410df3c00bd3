"""Two real uvicorn processes on one metadata store and one Redis share budgets and revocations."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from nexatron.identity.keys import create_key
from nexatron.identity.roles import Principal
from nexatron.identity.users import create_tenant, create_user
from nexatron.services import build_services
from nexatron.settings import DEFAULT_PLANS
from nexatron.testing import TEST_SECRET, make_settings

from ..throwaway import free_port, wait_healthy

pytestmark = pytest.mark.slow

# A database number of our own: 13 and 14 are flushed by test files that may run at the same time
# (scripts/test runs files in parallel). Only our keys are deleted afterwards.
REDIS_DB = 11
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
LIMIT = 7
HERE = Path(__file__).parent


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[dict]:
    """Two servers, a tenant on a unique plan and three admin keys; cleans Redis and processes."""
    client = redis.Redis.from_url(REDIS_URL)
    assert client.ping(), "Redis at 127.0.0.1:6379 is needed"
    plan, anon = "mp_" + secrets.token_hex(4), 100_000 + secrets.randbelow(100_000)
    plans = {plan: f"{LIMIT}/minute"}
    settings, cleanup = make_settings(
        tmp_path,
        redis_url=REDIS_URL,
        rate_limit_plans={**DEFAULT_PLANS, **plans},
        anonymous_rate_limit=f"{anon}/minute",
    )
    services = build_services(settings)  # migrates once, before the servers start
    keys: dict[str, tuple[str, str]] = {}
    owners: dict[str, str] = {}  # key name -> its user (whose budget it spends)
    with services.db.begin() as conn:
        tenant_id = create_tenant(conn, "Multi", plan=plan)
        for name in ("budget", "victim", "revoker"):  # a user each: budgets are per user
            user_id = create_user(
                conn,
                tenant_id=tenant_id,
                email=f"mp-{name}-{plan}@multi.test",
                password=None,
                role="admin",
            )
            principal = Principal(tenant_id=tenant_id, user_id=user_id, role="admin", plan=plan)
            record, key = create_key(
                conn, TEST_SECRET, principal, name=name, role=None, expires_at=None
            )
            keys[name] = (record["id"], key)
            owners[name] = user_id
    services.close()

    env = {
        **os.environ,
        "NEXATRON_DATA_DIR": str(tmp_path),
        "NEXATRON_DEV": "1",
        "NEXATRON_SECRET_KEY": TEST_SECRET,
        "NEXATRON_DEMO": "0",
        "NEXATRON_REDIS_URL": REDIS_URL,
        "NEXATRON_RATE_LIMIT_PLANS": json.dumps(plans),
        "NEXATRON_ANONYMOUS_RATE_LIMIT": f"{anon}/minute",
    }
    if settings.database_url:
        env["NEXATRON_DATABASE_URL"] = settings.database_url
    procs, bases = [], []
    try:
        for i in range(2):
            port = free_port()
            log = tmp_path / f"server{i}.log"
            procs.append(
                (
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "uvicorn",
                            "--factory",
                            "platform_server:create",
                            "--app-dir",
                            str(HERE),
                            "--host",
                            "127.0.0.1",
                            "--port",
                            str(port),
                            "--log-level",
                            "warning",
                        ],
                        env=env,
                        stdout=log.open("wb"),
                        stderr=subprocess.STDOUT,
                    ),
                    log,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        for (proc, log), base in zip(procs, bases, strict=True):
            wait_healthy(proc, base, log)
        yield {"bases": bases, "keys": keys, "owners": owners, "redis": client, "anon": anon}
    finally:
        for proc, _log in procs:
            proc.terminate()
        for proc, _log in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        ours = [f"*{ident}*" for ident in [*owners.values(), tenant_id]]
        for pattern in [*ours, f"*/{anon}/*"]:
            for name in client.scan_iter(match=pattern):
                client.delete(name)
        client.close()
        if cleanup:
            cleanup()


def test_two_processes_share_one_budget_and_see_revocations(cluster) -> None:
    bases, keys = cluster["bases"], cluster["keys"]
    _budget_id, budget_key = keys["budget"]
    budget_user = cluster["owners"]["budget"]
    auth = {"Authorization": f"Bearer {budget_key}"}
    with httpx.Client(timeout=10) as http:
        seen = []
        for i in range(LIMIT):
            r = http.get(bases[i % 2] + "/api/v1/auth/me", headers=auth)
            assert r.status_code == 200, r.text
            assert r.headers["X-RateLimit-Limit"] == str(LIMIT)
            seen.append(int(r.headers["X-RateLimit-Remaining"]))
        assert seen == list(range(LIMIT - 1, -1, -1))  # 6, 5, ... 0 across both processes
        for base in bases:  # the next request is refused by whichever process gets it
            r = http.get(base + "/api/v1/auth/me", headers=auth)
            assert r.status_code == 429
            assert r.headers["Retry-After"].isdigit() and int(r.headers["Retry-After"]) >= 1
        # the counter lives in Redis, not in either process
        assert list(cluster["redis"].scan_iter(match=f"*{budget_user}*"))

        victim_id, victim_key = keys["victim"]
        victim = {"Authorization": f"Bearer {victim_key}"}
        revoker = {"Authorization": f"Bearer {keys['revoker'][1]}"}
        for base in bases:
            assert http.get(base + "/api/v1/auth/me", headers=victim).status_code == 200
        r = http.delete(f"{bases[0]}/api/v1/api-keys/{victim_id}", headers=revoker)
        assert r.status_code == 204
        r = http.get(bases[1] + "/api/v1/auth/me", headers=victim)
        assert r.status_code == 401 and r.json()["detail"]
        r = http.get(bases[1] + "/readyz")
        assert r.status_code == 200
        assert r.json()["checks"] == {"metadata_store": True, "redis": True}
