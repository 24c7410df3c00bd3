"""Two server processes' services on one Redis share the result cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import redis

from nexatron.demo.install import install_demo
from nexatron.identity.roles import Principal
from nexatron.query.service import query_service
from nexatron.services import build_services
from nexatron.testing import add_tenant, make_settings, tenant_files

from ..throwaway import own_redis_db

REDIS_URL = f"redis://127.0.0.1:6379/{own_redis_db(14)}"  # flushed around the test


def test_result_cache_is_shared_through_redis(tmp_path: Path, demo_source: Path) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    settings, cleanup = make_settings(tmp_path, redis_url=REDIS_URL)
    first, second = build_services(settings), build_services(settings)  # same store, same Redis
    try:
        admin = add_tenant(first, "Acme").admin
        principal = Principal(tenant_id=admin.tenant_id, user_id=admin.user_id, role="admin")
        target = tenant_files(first, admin.tenant_id) / "demo.duckdb"
        shutil.copyfile(demo_source, target)
        install_demo(first, principal)
        question = "total sales by region in 2025"
        _p1, a1 = query_service(first).ask(principal, question, None, None)
        _p2, a2 = query_service(second).ask(principal, question, None, None)
        assert (a1.cached, a2.cached) == (False, True)
        assert a2.data == a1.data and a1.row_count > 1
        assert any(k.startswith(b"nexatron:cache:result:") for k in client.keys("*"))
    finally:
        first.close()
        second.close()
        client.flushdb()
        if cleanup:
            cleanup()
