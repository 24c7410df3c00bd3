"""The operator: its key, the tenant API, suspension and deletion (with export)."""

from __future__ import annotations

import json
import secrets

import pytest
from sqlalchemy import func, select, text

from nexatron.identity.operators import create_operator_key
from nexatron.query.service import query_service
from nexatron.store.tables import audit_events, metadata, operator_keys, refresh_tokens
from nexatron.testing import Harness

pytestmark = pytest.mark.anyio
OPS = "/api/v1/operator/tenants"


def operator_key(harness: Harness) -> dict[str, str]:
    with harness.services.db.begin() as conn:
        _record, key = create_operator_key(conn, harness.services.settings.secret_key, "tests")
    return {"Authorization": f"Bearer {key}"}


async def new_tenant(harness: Harness, op: dict[str, str], **extra: str) -> dict[str, object]:
    slug = "t-" + secrets.token_hex(4)
    body = {"name": f"Tenant {slug}", "slug": slug, "plan": "free", "admin_email": f"a@{slug}.test"}
    r = await harness.client.post(OPS, json={**body, **extra}, headers=op)
    assert r.status_code == 201, r.text
    created: dict[str, object] = r.json()
    return created


async def test_operator_key_is_stored_hashed(harness: Harness) -> None:
    with harness.services.db.begin() as conn:
        record, key = create_operator_key(conn, harness.services.settings.secret_key, "x")
    assert key.startswith("nxo_") and record["prefix"] == key[:10]
    with harness.services.db.connect() as conn:
        stored = conn.execute(select(operator_keys)).mappings().all()
    assert all(key not in json.dumps(dict(r), default=str) for r in stored)


async def test_operator_and_tenant_credentials_are_separate(harness: Harness) -> None:
    op = operator_key(harness)
    tenant_admin = harness.tenant.admin.headers
    # An operator key on tenant routes: 403, whatever the route.
    for method, url in (
        ("GET", "/api/v1/auth/me"),
        ("GET", "/api/v1/users"),
        ("POST", "/api/v1/api-keys"),
    ):
        r = await harness.client.request(
            method, url, headers=op, json={} if method == "POST" else None
        )
        assert r.status_code == 403, (url, r.text)
        assert "operator key cannot call tenant routes" in r.json()["detail"]
    # A tenant admin's key or access token on operator routes: 403.
    login = await harness.client.post(
        "/api/v1/auth/login",
        json={"email": harness.tenant.admin.email, "password": harness.tenant.admin.password},
    )
    token = {"Authorization": f"Bearer {login.json()['access_token']}"}
    for headers in (tenant_admin, token):
        r = await harness.client.get(OPS, headers=headers)
        assert r.status_code == 403 and "operator key" in r.json()["detail"]
        r = await harness.client.post(
            OPS, headers=headers, json={"name": "x", "slug": "x-1", "admin_email": "a@x.test"}
        )
        assert r.status_code == 403
    # No credential, or a forged operator key: 401.
    assert (await harness.client.get(OPS)).status_code == 401
    forged = {"Authorization": "Bearer nxo_" + "A" * 38}
    assert (await harness.client.get(OPS, headers=forged)).status_code == 401
    assert (await harness.client.get(OPS, headers=op)).status_code == 200


async def test_create_list_get_and_plan(harness: Harness) -> None:
    op = operator_key(harness)
    created = await new_tenant(harness, op)
    tenant, admin = created["tenant"], created["admin"]
    assert isinstance(tenant, dict) and isinstance(admin, dict)
    assert tenant["plan"] == "free" and tenant["status"] == "active"
    me = await harness.client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {admin['api_key']}"}
    )
    assert me.status_code == 200 and me.json()["tenant_id"] == tenant["id"]
    assert me.json()["role"] == "admin"
    listed = (await harness.client.get(OPS, headers=op)).json()["data"]
    assert tenant["id"] in {t["id"] for t in listed} and harness.tenant.id in {
        t["id"] for t in listed
    }
    by_slug = await harness.client.get(f"{OPS}/{tenant['slug']}", headers=op)
    assert by_slug.json()["id"] == tenant["id"]
    r = await harness.client.patch(f"{OPS}/{tenant['id']}", json={"plan": "enterprise"}, headers=op)
    assert r.status_code == 200 and r.json()["plan"] == "enterprise"
    r = await harness.client.patch(f"{OPS}/{tenant['id']}", json={"plan": "gold"}, headers=op)
    assert r.status_code == 422 and "unknown plan" in r.text
    dup = {"name": "Again", "slug": tenant["slug"], "admin_email": "b@x.test"}
    assert (await harness.client.post(OPS, json=dup, headers=op)).status_code == 409
    assert (await harness.client.get(f"{OPS}/ten_nothing", headers=op)).status_code == 404


async def test_suspend_refuses_keys_sessions_and_logins_until_resumed(harness: Harness) -> None:
    op = operator_key(harness)
    victim = harness.tenant.admin
    login = await harness.client.post(
        "/api/v1/auth/login", json={"email": victim.email, "password": victim.password}
    )
    tokens = login.json()
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    made = await harness.as_(victim, "POST", "/api/v1/scim/tokens", json={"name": "idp"})
    scim = {"Authorization": f"Bearer {made.json()['token']}"}
    # Warm every cache (the SQLite row cache keeps auth rows under the metadata version).
    assert (await harness.client.get("/api/v1/auth/me", headers=victim.headers)).status_code == 200
    assert (await harness.client.get("/api/v1/auth/me", headers=bearer)).status_code == 200
    assert (await harness.client.get("/scim/v2/Users", headers=scim)).status_code == 200

    r = await harness.client.post(f"{OPS}/{harness.tenant.id}/suspend", headers=op)
    assert r.status_code == 200 and r.json()["status"] == "suspended"
    for headers in (victim.headers, bearer, harness.tenant.viewer.headers):
        r = await harness.client.get("/api/v1/auth/me", headers=headers)
        assert r.status_code == 403 and "suspended" in r.json()["detail"]
    r = await harness.client.post(
        "/api/v1/auth/login", json={"email": victim.email, "password": victim.password}
    )
    assert r.status_code == 403 and "suspended" in r.json()["detail"]
    r = await harness.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert r.status_code == 403
    # The tenant's SCIM token is a tenant key too: a SCIM error saying why.
    r = await harness.client.get("/scim/v2/Users", headers=scim)
    assert r.status_code == 403 and "suspended" in r.json()["detail"]
    assert r.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    # The other tenant is untouched.
    assert (
        await harness.client.get("/api/v1/auth/me", headers=harness.other.admin.headers)
    ).status_code == 200
    assert (
        await harness.client.post(f"{OPS}/{harness.tenant.id}/suspend", headers=op)
    ).status_code == 409

    r = await harness.client.post(f"{OPS}/{harness.tenant.id}/resume", headers=op)
    assert r.status_code == 200 and r.json()["status"] == "active"
    assert (await harness.client.get("/api/v1/auth/me", headers=victim.headers)).status_code == 200
    assert (await harness.client.get("/api/v1/auth/me", headers=bearer)).status_code == 200
    assert (await harness.client.get("/scim/v2/Users", headers=scim)).status_code == 200

    actions = [e["action"] for e in await tenant_events(harness, harness.tenant.id)]
    assert "tenant.suspend" in actions and "tenant.resume" in actions
    assert "auth.login.failed" in actions  # the refused login, as denied


async def tenant_events(harness: Harness, chain: str) -> list[dict[str, object]]:
    with harness.services.db.connect() as conn:
        rows = conn.execute(
            select(audit_events).where(audit_events.c.chain == chain).order_by(audit_events.c.seq)
        ).mappings()
        return [dict(r) for r in rows]


def rows_of(harness: Harness, tenant_id: str) -> dict[str, int]:
    counts = {}
    with harness.services.db.connect() as conn:
        for table in metadata.sorted_tables:
            if "tenant_id" in table.c:
                n = conn.execute(
                    select(func.count()).select_from(table).where(table.c.tenant_id == tenant_id)
                ).scalar_one()
                if n:
                    counts[table.name] = n
        counts["tenants"] = conn.execute(
            text("SELECT count(*) FROM tenants WHERE id = :t"), {"t": tenant_id}
        ).scalar_one()
        counts["audit_events"] = conn.execute(
            select(func.count()).select_from(audit_events).where(audit_events.c.chain == tenant_id)
        ).scalar_one()
    return {k: v for k, v in counts.items() if v}


async def test_delete_exports_then_erases_every_row(harness: Harness, tmp_path) -> None:
    from nexatron.demo.install import install_demo
    from nexatron.identity.roles import Principal

    op = operator_key(harness)
    created = await new_tenant(harness, op)
    tenant, admin = created["tenant"], created["admin"]
    assert isinstance(tenant, dict) and isinstance(admin, dict)
    auth = {"Authorization": f"Bearer {admin['api_key']}"}
    principal = Principal(tenant_id=tenant["id"], user_id=admin["id"], role="admin")
    connection_id = install_demo(harness.services, principal)
    asked = await harness.client.post(
        "/api/v1/query",
        json={"question": "revenue by region", "connection_id": connection_id},
        headers=auth,
    )
    assert asked.status_code == 200, asked.text
    login = await harness.client.post(
        "/api/v1/users",
        json={"email": "second@x.test", "password": "second-password", "role": "viewer"},
        headers=auth,
    )
    assert login.status_code == 201
    session = await harness.client.post(
        "/api/v1/auth/login",
        json={"email": "second@x.test", "password": "second-password", "tenant": tenant["slug"]},
    )
    assert session.status_code == 200
    with harness.services.db.connect() as conn:
        sessions = list(
            conn.execute(
                text("SELECT id FROM auth_sessions WHERE tenant_id = :t"), {"t": tenant["id"]}
            ).scalars()
        )
    assert sessions
    query_service(harness.services).recorder.flush()  # history is written behind the answer
    before = rows_of(harness, str(tenant["id"]))
    assert {
        "users",
        "api_keys",
        "connections",
        "semantic_objects",
        "queries",
        "auth_sessions",
    } <= before.keys()

    r = await harness.client.delete(f"{OPS}/{tenant['id']}", headers=op)
    assert r.status_code == 200, r.text
    export = r.json()
    assert export["tenant"]["id"] == tenant["id"]
    [connection] = export["connections"]
    assert "metrics:" in connection["layer_yaml"] and "password" not in json.dumps(
        connection["config"]
    ).lower().replace("has_password", "")
    assert {u["email"] for u in export["users"]} == {admin["email"], "second@x.test"}
    assert [q["question"] for q in export["history"]] == ["revenue by region"]
    assert any(e["action"] == "tenant.create" for e in export["audit_events"])
    assert "password_hash" not in r.text and "key_hash" not in r.text

    assert rows_of(harness, str(tenant["id"])) == {}
    with harness.services.db.connect() as conn:
        left = select(func.count()).where(refresh_tokens.c.session_id.in_(sessions))
        assert conn.execute(left).scalar_one() == 0
    assert (await harness.client.get("/api/v1/auth/me", headers=auth)).status_code == 401
    operator_log = await tenant_events(harness, "operator")
    assert [e["action"] for e in operator_log][-1] == "tenant.delete"
    assert operator_log[-1]["target_id"] == tenant["id"]
    # The other tenants are untouched.
    assert (
        await harness.client.get("/api/v1/auth/me", headers=harness.tenant.admin.headers)
    ).status_code == 200
