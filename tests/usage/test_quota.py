"""Quota counters: in one process, and shared through the real Redis by two Quotas (as two
processes would); the token quota; refunds; Redis down (fail-open and fail-closed)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis

from nexatron.errors import ServiceUnavailable
from nexatron.identity.roles import Principal
from nexatron.identity.users import create_tenant
from nexatron.services import Services, build_services
from nexatron.testing import make_settings
from nexatron.usage.quota import QuotaExceeded, Quotas

REDIS_URL = "redis://127.0.0.1:6379/12"
PLANS = {"metered": {"questions_per_month": 25, "llm_tokens_per_month": 100}}


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    settings, cleanup = make_settings(tmp_path, plans=PLANS)
    built = build_services(settings)
    try:
        yield built
    finally:
        built.close()
        if cleanup:
            cleanup()


def tenant_principal(services: Services) -> Principal:
    with services.db.begin() as conn:
        tenant = create_tenant(conn, "Quota " + secrets.token_hex(3), plan="metered")
    return Principal(tenant_id=tenant, user_id="usr_q", role="admin", plan="metered")


def take_all(quotas: list[Quotas], principal: Principal, attempts: int) -> int:
    def one(i: int) -> bool:
        try:
            quotas[i % len(quotas)].admit(principal)
            return True
        except QuotaExceeded:
            return False

    with ThreadPoolExecutor(max_workers=8) as pool:
        return sum(pool.map(one, range(attempts)))


def test_one_process_counts_refunds_and_refuses(services: Services) -> None:
    principal = tenant_principal(services)
    quotas = Quotas(services.settings, services.db)
    first = quotas.admit(principal)
    assert first is not None and first.used == 1
    first.refund()
    first.refund()  # once only
    assert take_all([quotas], principal, 40) == 25
    with pytest.raises(QuotaExceeded) as over:
        quotas.admit(principal)
    assert over.value.detail["code"] == "quota_exceeded" and over.value.detail["used"] == 25
    assert int(over.value.headers["Retry-After"]) >= 1


def test_two_processes_share_the_counter_in_redis(services: Services) -> None:
    principal = tenant_principal(services)
    settings = services.settings.model_copy(update={"redis_url": REDIS_URL})
    one, two = Quotas(settings, services.db), Quotas(settings, services.db)
    try:
        assert take_all([one, two], principal, 60) == 25  # never more, whichever process
        client = redis.Redis.from_url(REDIS_URL)
        [key] = list(client.scan_iter(match=f"nexatron:quota:{principal.tenant_id}:*:questions"))
        assert int(client.get(key)) == 25
    finally:
        r = redis.Redis.from_url(REDIS_URL)
        for name in r.scan_iter(match=f"nexatron:quota:{principal.tenant_id}:*"):
            r.delete(name)
        one.close()
        two.close()


def test_token_quota_refuses_llm_turns_once_spent(services: Services) -> None:
    principal = tenant_principal(services)
    quotas = Quotas(services.settings, services.db)
    quotas.check_tokens(principal)
    quotas.spend_tokens(principal, 60)
    quotas.check_tokens(principal)
    quotas.spend_tokens(principal, 60)  # the slack: a turn already running passes the limit
    with pytest.raises(QuotaExceeded) as over:
        quotas.check_tokens(principal)
    assert over.value.detail["meter"] == "llm_tokens" and over.value.detail["used"] == 120


def test_redis_down_fails_open_or_closed(services: Services) -> None:
    principal = tenant_principal(services)
    down = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    opened = Quotas(services.settings.model_copy(update={"redis_url": down}), services.db)
    assert opened.admit(principal) is not None  # counted in this process instead
    closed = Quotas(
        services.settings.model_copy(update={"redis_url": down, "redis_fail_open": False}),
        services.db,
    )
    with pytest.raises(ServiceUnavailable):
        closed.admit(principal)
