"""Roles: 403 for actions a role may not do; a key never exceeds its creator's current role."""

from __future__ import annotations

import secrets

import pytest

pytestmark = pytest.mark.anyio

USERS = "/api/v1/users"
KEYS = "/api/v1/api-keys"


def new_user(role: str = "viewer") -> dict[str, str]:
    tag = secrets.token_hex(4)
    return {"email": f"u-{tag}@acme.test", "password": f"password-{tag}", "role": role}


async def test_viewer_gets_403_on_admin_and_key_actions(harness) -> None:
    viewer, admin = harness.tenant.viewer, harness.tenant.admin
    admin_key_id = (await harness.as_(admin, "GET", "/api/v1/auth/me")).json()["api_key_id"]
    attempts = [
        ("POST", USERS, {"json": new_user()}),
        ("GET", USERS, {}),
        ("GET", f"{USERS}/{admin.user_id}", {}),
        ("PATCH", f"{USERS}/{admin.user_id}", {"json": {"role": "viewer"}}),
        ("POST", KEYS, {"json": {"name": "mine"}}),
        ("GET", KEYS, {}),
        ("DELETE", f"{KEYS}/{admin_key_id}", {}),
        ("GET", "/api/v1/analytics/usage", {}),
        ("GET", "/api/v1/analytics/questions", {}),
        ("GET", "/api/v1/billing", {}),
        ("GET", "/api/v1/scim/tokens", {}),
        ("POST", "/api/v1/scim/tokens", {"json": {"name": "mine"}}),
        ("DELETE", "/api/v1/scim/tokens/scimtok_any", {}),
        ("GET", "/api/v1/scim/role-mapping", {}),
        ("PUT", "/api/v1/scim/role-mapping", {"json": {"group_roles": {"x": "admin"}}}),
        ("GET", "/api/v1/sso/settings", {}),
        ("PUT", "/api/v1/sso/settings", {"json": {"issuer": "https://8.8.8.8", "client_id": "x"}}),
        ("DELETE", "/api/v1/sso/settings", {}),
    ]
    for method, url, kwargs in attempts:
        r = await harness.as_(viewer, method, url, **kwargs)
        assert r.status_code == 403, (method, url, r.text)
        assert "viewer" in r.json()["detail"]
    # nothing happened: the admin is still an admin and their key still works
    me = await harness.as_(admin, "GET", "/api/v1/auth/me")
    assert me.status_code == 200 and me.json()["role"] == "admin"


async def test_analyst_manages_own_keys_only(harness) -> None:
    analyst, admin = harness.tenant.analyst, harness.tenant.admin
    assert (await harness.as_(analyst, "POST", USERS, json=new_user())).status_code == 403

    created = await harness.as_(analyst, "POST", KEYS, json={"name": "analyst-2"})
    assert created.status_code == 201, created.text
    assert created.json()["role"] == "analyst"
    admin_key = (await harness.as_(admin, "POST", KEYS, json={"name": "admin-2"})).json()

    listed = (await harness.as_(analyst, "GET", KEYS)).json()["data"]
    assert {k["created_by"] for k in listed} == {analyst.user_id}
    assert created.json()["id"] in {k["id"] for k in listed}
    assert admin_key["id"] not in {k["id"] for k in listed}

    # another user's key: not visible, so 404, and it still works
    r = await harness.as_(analyst, "DELETE", f"{KEYS}/{admin_key['id']}")
    assert r.status_code == 404
    auth = {"Authorization": f"Bearer {admin_key['key']}"}
    assert (await harness.client.get("/api/v1/auth/me", headers=auth)).status_code == 200

    # own key: revoked
    r = await harness.as_(analyst, "DELETE", f"{KEYS}/{created.json()['id']}")
    assert r.status_code == 204
    auth = {"Authorization": f"Bearer {created.json()['key']}"}
    assert (await harness.client.get("/api/v1/auth/me", headers=auth)).status_code == 401

    # the admin sees every key of the tenant
    every = (await harness.as_(admin, "GET", KEYS)).json()["data"]
    assert {analyst.user_id, admin.user_id} <= {k["created_by"] for k in every}


async def test_key_role_cannot_exceed_creator(harness) -> None:
    analyst = harness.tenant.analyst
    r = await harness.as_(analyst, "POST", KEYS, json={"name": "escalate", "role": "admin"})
    assert r.status_code == 403
    listed = (await harness.as_(analyst, "GET", KEYS)).json()["data"]
    assert all(k["role"] != "admin" for k in listed)
    lower = await harness.as_(analyst, "POST", KEYS, json={"role": "viewer"})
    assert lower.status_code == 201 and lower.json()["role"] == "viewer"
    auth = {"Authorization": f"Bearer {lower.json()['key']}"}
    me = await harness.client.get("/api/v1/auth/me", headers=auth)
    assert me.json()["role"] == "viewer"
    assert (await harness.client.post(KEYS, headers=auth, json={})).status_code == 403


async def test_key_effective_role_drops_when_creator_is_demoted(harness) -> None:
    admin = harness.tenant.admin
    body = new_user("admin")
    user = (await harness.as_(admin, "POST", USERS, json=body)).json()
    login = await harness.client.post(
        "/api/v1/auth/login", json={"email": body["email"], "password": body["password"]}
    )
    token = {"Authorization": f"Bearer {login.json()['access_token']}"}
    key = (await harness.client.post(KEYS, headers=token, json={"role": "admin"})).json()
    auth = {"Authorization": f"Bearer {key['key']}"}
    assert (await harness.client.get("/api/v1/auth/me", headers=auth)).json()["role"] == "admin"
    assert (await harness.client.get(USERS, headers=auth)).status_code == 200

    r = await harness.as_(admin, "PATCH", f"{USERS}/{user['id']}", json={"role": "viewer"})
    assert r.status_code == 200 and r.json()["role"] == "viewer"
    assert (await harness.client.get("/api/v1/auth/me", headers=auth)).json()["role"] == "viewer"
    assert (await harness.client.get(USERS, headers=auth)).status_code == 403
    assert (await harness.client.get(USERS, headers=token)).status_code == 403
    assert (await harness.client.post(USERS, headers=auth, json=new_user())).status_code == 403

    # promoted back: the key regains its own role, never more
    await harness.as_(admin, "PATCH", f"{USERS}/{user['id']}", json={"role": "admin"})
    assert (await harness.client.get("/api/v1/auth/me", headers=auth)).json()["role"] == "admin"

    # disabled: the key and the session stop working at once
    await harness.as_(admin, "PATCH", f"{USERS}/{user['id']}", json={"disabled": True})
    assert (await harness.client.get("/api/v1/auth/me", headers=auth)).status_code == 401
    assert (await harness.client.get("/api/v1/auth/me", headers=token)).status_code == 401


async def test_admin_cannot_demote_self(harness) -> None:
    admin = harness.tenant.admin
    r = await harness.as_(admin, "PATCH", f"{USERS}/{admin.user_id}", json={"role": "viewer"})
    assert r.status_code == 400
    r = await harness.as_(admin, "PATCH", f"{USERS}/{admin.user_id}", json={"disabled": True})
    assert r.status_code == 400
    assert (await harness.as_(admin, "GET", "/api/v1/auth/me")).json()["role"] == "admin"


async def test_metrics_take_the_operator_key_and_no_tenant_credential(harness) -> None:
    """/metrics in the role matrix: every tenant role, by API key or by access token, is refused
    (403); no credential or a bad one is 401; only an operator key reads it. (The other way in is
    NEXATRON_METRICS_ADDR, a listener of its own: tests/platform/test_platform_multinode.py.)"""
    from nexatron.identity.operators import create_operator_key

    for actor in (harness.tenant.viewer, harness.tenant.analyst, harness.tenant.admin):
        r = await harness.as_(actor, "GET", "/metrics")
        assert r.status_code == 403, (actor.role, r.text)
        assert "nexatron_" not in r.text
        login = {"email": actor.email, "password": actor.password}
        token = (await harness.client.post("/api/v1/auth/login", json=login)).json()
        bearer = {"Authorization": f"Bearer {token['access_token']}"}
        r = await harness.client.get("/metrics", headers=bearer)
        assert r.status_code == 403, (actor.role, r.text)
    assert (await harness.client.get("/metrics")).status_code == 401
    bad = {"Authorization": "Bearer nxo_not-a-real-key"}
    assert (await harness.client.get("/metrics", headers=bad)).status_code == 401
    with harness.services.db.begin() as conn:
        _record, key = create_operator_key(conn, harness.services.settings.secret_key, "roles")
    r = await harness.client.get("/metrics", headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 200 and "nexatron_http_request_duration_seconds" in r.text
