import pytest

pytestmark = pytest.mark.anyio


async def test_health_and_me(harness):
    r = await harness.client.get("/healthz")
    assert r.status_code == 200 and "x-ratelimit-limit" in r.headers
    r = await harness.as_(harness.tenant.admin, "GET", "/api/v1/auth/me")
    assert r.status_code == 200, r.text
    assert r.json()["role"] == "admin"
