"""Login, refresh rotation with reuse detection, concurrent refresh, logout, /auth/me."""

from __future__ import annotations

import time

import anyio
import httpx
import jwt
import pytest

from nexatron.testing import TEST_SECRET, make_app_client

pytestmark = pytest.mark.anyio

LOGIN, REFRESH, LOGOUT, ME = (f"/api/v1/auth/{p}" for p in ("login", "refresh", "logout", "me"))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def login(client: httpx.AsyncClient, actor) -> dict:
    r = await client.post(LOGIN, json={"email": actor.email, "password": actor.password})
    assert r.status_code == 200, r.text
    return r.json()


async def test_login_returns_tokens_and_expiry(harness) -> None:
    actor = harness.tenant.analyst
    before = int(time.time())
    tokens = await login(harness.client, actor)
    assert set(tokens) == {
        "access_token",
        "refresh_token",
        "token_type",
        "expires_in",
        "expires_at",
    }
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 900
    assert before + 900 <= tokens["expires_at"] <= int(time.time()) + 900
    claims = jwt.decode(
        tokens["access_token"], TEST_SECRET, algorithms=["HS256"], audience="nexatron-api"
    )
    assert claims["sub"] == actor.user_id and claims["tid"] == actor.tenant_id
    assert claims["exp"] == tokens["expires_at"]
    assert tokens["refresh_token"] != tokens["access_token"]

    me = await harness.client.get(ME, headers=bearer(tokens["access_token"]))
    assert me.status_code == 200
    assert me.json()["id"] == actor.user_id and me.json()["api_key_id"] is None
    assert me.json()["role"] == "analyst" and me.json()["email"] == actor.email

    upper = await harness.client.post(
        LOGIN, json={"email": actor.email.upper(), "password": actor.password}
    )
    assert upper.status_code == 200


async def test_me_with_api_key(harness) -> None:
    actor = harness.tenant.viewer
    me = await harness.as_(actor, "GET", ME)
    assert me.status_code == 200
    body = me.json()
    assert body["id"] == actor.user_id and body["tenant_id"] == actor.tenant_id
    assert body["role"] == "viewer" and body["api_key_id"]
    assert actor.key not in me.text
    assert (await harness.client.get(ME)).status_code == 401


async def test_me_lists_what_the_role_may_do(harness) -> None:
    """The web app decides what to show from this list, not from a copy of roles.py."""
    listed = {}
    for role in ("admin", "analyst", "viewer"):
        me = await harness.as_(getattr(harness.tenant, role), "GET", ME)
        listed[role] = set(me.json()["permissions"])
        assert me.json()["permissions"] == sorted(listed[role])
    assert {"tenant:admin", "users:manage", "semantic:write"} <= listed["admin"]
    assert "connections:test" in listed["analyst"] and "tenant:admin" not in listed["analyst"]
    assert listed["viewer"] == {"query:ask", "connections:read", "files:read", "semantic:read"}
    assert listed["viewer"] < listed["analyst"] < listed["admin"]


async def test_wrong_password_and_unknown_email_look_the_same(harness) -> None:
    actor = harness.tenant.admin
    wrong = await harness.client.post(LOGIN, json={"email": actor.email, "password": "nope-nope"})
    unknown = await harness.client.post(
        LOGIN, json={"email": "nobody@nowhere.test", "password": actor.password}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() and wrong.json()["detail"]
    assert "access_token" not in wrong.text


async def test_refresh_rotates_and_reuse_revokes_the_family(harness) -> None:
    client = harness.client
    first = await login(client, harness.tenant.admin)
    second = await client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200, second.text
    second = second.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert (await client.get(ME, headers=bearer(second["access_token"]))).status_code == 200
    third = (await client.post(REFRESH, json={"refresh_token": second["refresh_token"]})).json()

    replay = await client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401 and replay.json()["detail"]
    # the whole family is gone: the newest refresh token and every access token of the session
    newest = await client.post(REFRESH, json={"refresh_token": third["refresh_token"]})
    assert newest.status_code == 401
    for tokens in (first, second, third):
        assert (await client.get(ME, headers=bearer(tokens["access_token"]))).status_code == 401
    # another session of the same user is unaffected
    other = await login(client, harness.tenant.admin)
    assert (await client.get(ME, headers=bearer(other["access_token"]))).status_code == 200


async def test_unknown_refresh_token(harness) -> None:
    r = await harness.client.post(REFRESH, json={"refresh_token": "nxr_" + "a" * 43})
    assert r.status_code == 401 and r.json()["detail"]


async def test_concurrent_refreshes_exactly_one_wins(tmp_path) -> None:
    # A grace window lets the losing racer fail without revoking the winner's new tokens.
    async with make_app_client(tmp_path, refresh_reuse_grace_s=30.0) as h:
        tokens = await login(h.client, h.tenant.analyst)
        results: list[httpx.Response] = []

        async def attempt() -> None:
            results.append(
                await h.client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})
            )

        async with anyio.create_task_group() as tg:
            for _ in range(4):
                tg.start_soon(attempt)
        codes = sorted(r.status_code for r in results)
        assert codes == [200, 401, 401, 401], [r.text for r in results]
        winner = next(r.json() for r in results if r.status_code == 200)
        assert (await h.client.get(ME, headers=bearer(winner["access_token"]))).status_code == 200
        again = await h.client.post(REFRESH, json={"refresh_token": winner["refresh_token"]})
        assert again.status_code == 200


async def test_logout_revokes_the_session(harness) -> None:
    client = harness.client
    tokens = await login(client, harness.tenant.viewer)
    auth = bearer(tokens["access_token"])
    assert (await client.post(LOGOUT, headers=auth)).status_code == 204
    assert (await client.get(ME, headers=auth)).status_code == 401
    r = await client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 401
    # logout with an API key changes nothing for the key
    assert (await harness.as_(harness.tenant.viewer, "POST", LOGOUT)).status_code == 204
    assert (await harness.as_(harness.tenant.viewer, "GET", ME)).status_code == 200
    assert (await client.post(LOGOUT)).status_code == 401


def assert_429(r: httpx.Response) -> None:
    assert r.status_code == 429, r.text
    assert r.headers["Retry-After"].isdigit() and 1 <= int(r.headers["Retry-After"]) <= 61
    assert r.headers["X-RateLimit-Remaining"] == "0"
    assert r.json()["detail"]


async def test_login_rate_limited_per_email_and_per_address(tmp_path) -> None:
    async with make_app_client(
        tmp_path, login_rate_limit_email="2/minute", login_rate_limit_ip="4/minute"
    ) as h:
        actor = h.tenant.admin
        for _ in range(2):
            r = await h.client.post(LOGIN, json={"email": actor.email, "password": "wrong-pw"})
            assert r.status_code == 401
        # the email is now locked, even with the right password
        assert_429(
            await h.client.post(LOGIN, json={"email": actor.email, "password": actor.password})
        )
        # other emails from the same address count against the address (2 used so far)
        for i in range(2):
            r = await h.client.post(LOGIN, json={"email": f"x{i}@nowhere.test", "password": "pw"})
            assert r.status_code == 401
        assert_429(await h.client.post(LOGIN, json={"email": "y@nowhere.test", "password": "p"}))

        transport = httpx.ASGITransport(app=h.app, client=("10.9.8.7", 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as far:
            # a fresh address is not limited by the first one's budget ...
            r = await far.post(
                LOGIN, json={"email": h.tenant.viewer.email, "password": h.tenant.viewer.password}
            )
            assert r.status_code == 200
            # ... but the locked email stays locked from anywhere
            assert_429(
                await far.post(LOGIN, json={"email": actor.email, "password": actor.password})
            )
