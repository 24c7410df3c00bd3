"""Rate limits in one process: headers on every response, plans per tenant, budgets per user
(shared by the user's keys and sessions) and per tenant, the gateway's header caps."""

from __future__ import annotations

import time

import httpx
import pytest
from sqlalchemy import update

from nexatron.settings import DEFAULT_PLANS
from nexatron.store.tables import tenants
from nexatron.testing import make_app_client

pytestmark = pytest.mark.anyio

ME = "/api/v1/auth/me"


def rate(r: httpx.Response) -> tuple[int, int, int]:
    limit = r.headers["X-RateLimit-Limit"]
    remaining = r.headers["X-RateLimit-Remaining"]
    reset = r.headers["X-RateLimit-Reset"]
    assert limit.isdigit() and remaining.isdigit() and reset.isdigit(), r.headers
    return int(limit), int(remaining), int(reset)


def assert_429(r: httpx.Response, limit: int) -> None:
    assert r.status_code == 429, r.text
    assert r.headers["Retry-After"].isdigit() and 1 <= int(r.headers["Retry-After"]) <= 61
    assert rate(r)[:2] == (limit, 0)
    assert r.json()["detail"]


async def test_headers_on_every_kind_of_response(tmp_path) -> None:
    async with make_app_client(
        tmp_path,
        rate_limit_plans={**DEFAULT_PLANS, "default": "6/minute"},
        anonymous_rate_limit="50/minute",
    ) as h:
        admin = h.tenant.admin
        responses = [
            await h.as_(admin, "GET", ME),  # 200
            await h.as_(admin, "GET", "/api/v1/nope"),  # 404
            await h.as_(admin, "PUT", ME),  # 405
            await h.as_(admin, "POST", "/api/v1/api-keys", json={"bogus": 1}),  # 422
            await h.as_(h.tenant.viewer, "GET", "/api/v1/users"),  # 403
            await h.client.get(ME, headers={"Authorization": "Bearer nope"}),  # 401
            await h.client.get("/openapi.json"),  # 200, anonymous
        ]
        assert [r.status_code for r in responses] == [200, 404, 405, 422, 403, 401, 200]
        now = int(time.time())
        for r in responses:
            limit, remaining, reset = rate(r)
            assert now <= reset <= now + 61 and remaining < limit
        # the admin key's own budget went 5, 4, 3, 2 over its four requests
        assert [rate(r)[1] for r in responses[:4]] == [5, 4, 3, 2]
        assert rate(responses[0])[0] == 6 and rate(responses[-1])[0] == 50
        for _ in range(2):
            assert (await h.as_(admin, "GET", ME)).status_code == 200
        assert_429(await h.as_(admin, "GET", ME), 6)
        assert_429(await h.as_(admin, "GET", "/api/v1/nope"), 6)


async def test_tenant_plan_exhausted_and_budgets_per_user(tmp_path) -> None:
    plans = {**DEFAULT_PLANS, "tiny": "3/minute"}
    async with make_app_client(tmp_path, rate_limit_plans=plans) as h:
        with h.services.db.begin() as conn:
            conn.execute(update(tenants).where(tenants.c.id == h.tenant.id).values(plan="tiny"))
        admin = h.tenant.admin
        remaining = []
        for _ in range(3):
            r = await h.as_(admin, "GET", ME)
            assert r.status_code == 200
            remaining.append(rate(r)[1])
        assert remaining == [2, 1, 0]
        assert_429(await h.as_(admin, "GET", ME), 3)
        assert_429(await h.as_(admin, "POST", "/api/v1/api-keys", json={}), 3)
        # another user of the same tenant has their own budget, on the same plan
        r = await h.as_(h.tenant.analyst, "GET", ME)
        assert r.status_code == 200 and rate(r)[:2] == (3, 2)
        # the other tenant is on the default plan and unaffected
        r = await h.as_(h.other.admin, "GET", ME)
        assert r.status_code == 200 and rate(r)[0] == 1000


async def test_anonymous_requests_limited_per_address(tmp_path) -> None:
    async with make_app_client(tmp_path, anonymous_rate_limit="3/minute") as h:
        codes = [(await h.client.get("/openapi.json")).status_code for _ in range(3)]
        assert codes == [200, 200, 200]
        assert_429(await h.client.get("/openapi.json"), 3)
        # bad credentials count against the address too (no free guessing)
        assert_429(await h.client.get(ME, headers={"Authorization": "Bearer x"}), 3)
        # a valid key is limited by its own budget, not the address's
        assert (await h.as_(h.tenant.admin, "GET", ME)).status_code == 200
        transport = httpx.ASGITransport(app=h.app, client=("10.1.2.3", 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as far:
            r = await far.get("/openapi.json")
            assert r.status_code == 200 and rate(r)[:2] == (3, 2)


async def test_health_probes_spend_no_budget(tmp_path) -> None:
    """A proxy checking every node from one address must not exhaust the anonymous budget
    (shared across nodes through Redis) and see 429s: every node taken out at once."""
    async with make_app_client(tmp_path, anonymous_rate_limit="3/minute") as h:
        for _ in range(10):
            assert (await h.client.get("/healthz")).status_code == 200
            assert (await h.client.get("/readyz")).status_code == 200
        r = await h.client.get("/openapi.json")
        assert r.status_code == 200 and rate(r)[:2] == (3, 2)  # the probes spent nothing


def test_memory_limiter_starts_no_thread_per_hit_and_sweeps_expired_counters() -> None:
    """Upstream's storage starts a timer thread from hits; ours sweeps inline once a second."""
    import threading
    import time as clock

    from nexatron.ratelimit import RateLimiter

    limiter = RateLimiter(None)
    clock.sleep(0.05)  # the storage's own start-up timer has finished
    before = threading.active_count()
    decisions = [limiter.hit("5/second", "key", "a").allowed for _ in range(7)]
    for i in range(500):
        limiter.hit("1000/second", "key", str(i))
    assert threading.active_count() == before
    assert decisions == [True] * 5 + [False] * 2  # counting is upstream's, unchanged
    clock.sleep(1.1)
    limiter.hit("5/second", "key", "fresh")  # the next hit after a second sweeps
    assert len(limiter.storage.storage) == 1  # type: ignore[attr-defined]


async def test_keys_of_one_user_share_one_budget(tmp_path) -> None:
    """Regression: the budget was per key, so a user multiplied it by making keys."""
    plans = {**DEFAULT_PLANS, "default": "4/minute"}
    async with make_app_client(tmp_path, rate_limit_plans=plans) as h:
        admin = h.tenant.admin
        made = await h.as_(admin, "POST", "/api/v1/api-keys", json={"name": "second"})
        assert made.status_code == 201, made.text
        second = {"Authorization": f"Bearer {made.json()['key']}"}
        r = await h.client.get(ME, headers=second)
        assert r.status_code == 200 and rate(r)[:2] == (4, 2)  # the first key spent one
        tokens = await h.client.post(
            "/api/v1/auth/login", json={"email": admin.email, "password": admin.password}
        )
        session = {"Authorization": f"Bearer {tokens.json()['access_token']}"}
        r = await h.client.get(ME, headers=session)
        assert r.status_code == 200 and rate(r)[:2] == (4, 1)  # keys and sessions alike
        assert (await h.as_(admin, "GET", ME)).status_code == 200
        for headers in (admin.headers, second, session):
            assert_429(await h.client.get(ME, headers=headers), 4)
        # another user of the tenant keeps their own budget
        assert (await h.as_(h.tenant.analyst, "GET", ME)).status_code == 200


async def test_a_tenant_budget_binds_all_its_users(tmp_path) -> None:
    plans = {**DEFAULT_PLANS, "default": "100/minute"}
    async with make_app_client(
        tmp_path, rate_limit_plans=plans, tenant_rate_limit_plans={"default": "5/minute"}
    ) as h:
        t = h.tenant
        codes = [(await h.as_(actor, "GET", ME)).status_code for actor in [t.admin, t.analyst] * 3]
        assert codes == [200] * 5 + [429]
        r = await h.as_(t.viewer, "GET", ME)
        assert_429(r, 5)  # the tenant's budget shows when it is the one that binds
        assert (await h.as_(h.other.viewer, "GET", ME)).status_code == 200  # per tenant


async def test_oversized_headers_are_a_431_in_the_gateway(tmp_path) -> None:
    """The gateway's own cap (the server's is tested against `nexatron serve`)."""
    async with make_app_client(tmp_path, max_header_bytes=4096, max_header_count=20) as h:
        admin = h.tenant.admin
        big = await h.as_(admin, "GET", ME, headers={"X-Big": "a" * 5000})
        assert big.status_code == 431, big.text
        assert "4096 bytes" in big.json()["detail"] and rate(big)
        many = await h.as_(admin, "GET", ME, headers={f"X-H{i}": "v" for i in range(25)})
        assert many.status_code == 431 and "at most 20" in many.json()["detail"]
        long_query = await h.as_(admin, "GET", ME + "?q=" + "a" * 5000)
        assert long_query.status_code == 431
        assert (await h.as_(admin, "GET", ME, headers={"X-Ok": "a" * 2000})).status_code == 200
