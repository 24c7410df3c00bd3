"""GET /audit-log, what events carry, and the secrets canary."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import secrets
import sqlite3

import pytest
from sqlalchemy import select

from nexatron.audit.verify import verify
from nexatron.observability.requestid import MAX_LENGTH
from nexatron.store.tables import audit_events
from nexatron.testing import Harness

pytestmark = pytest.mark.anyio
LOG = "/api/v1/audit-log"


async def make_connection(harness: Harness, password: str) -> dict[str, object]:
    folder = harness.services.settings.data_dir / "files"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"audit-{secrets.token_hex(4)}.db"
    sqlite3.connect(path).close()
    r = await harness.as_(
        harness.tenant.admin,
        "POST",
        "/api/v1/connections",
        json={
            "name": f"wh-{secrets.token_hex(3)}",
            "type": "sqlite",
            "config": {"path": str(path)},
        },
    )
    assert r.status_code == 201, r.text
    created: dict[str, object] = r.json()
    return created


async def test_events_carry_request_client_and_agent(harness: Harness) -> None:
    r = await harness.as_(
        harness.tenant.admin,
        "POST",
        "/api/v1/api-keys",
        json={"name": "ci"},
        headers={"User-Agent": "audit-test/1.0"},
    )
    assert r.status_code == 201
    page = (
        await harness.as_(harness.tenant.admin, "GET", LOG, params={"action": "api_key"})
    ).json()
    [event] = page["data"]
    assert event["action"] == "api_key.create" and event["outcome"] == "success"
    assert event["actor"] == {
        "type": "api_key",
        "id": event["actor"]["id"],
        "display": harness.tenant.admin.user_id,
        "name": None,
    }
    assert event["target"]["id"] == r.json()["id"] and event["target"]["name"] == "ci"
    assert event["changed_fields"] == ["name"]
    assert event["request_id"] == r.headers["x-request-id"]
    assert event["client_ip"] == "127.0.0.1" and event["user_agent"] == "audit-test/1.0"


async def test_the_longest_accepted_request_id_is_recorded(harness: Harness) -> None:
    """The gateway keeps ids of up to 128 characters (observability/requestid.py); an audited
    write with one is stored whole and the chain still verifies (it was a 500 on PostgreSQL
    while the column held 64)."""
    longest = "r" * MAX_LENGTH
    r = await harness.as_(
        harness.tenant.admin,
        "POST",
        "/api/v1/api-keys",
        json={"name": "long-id"},
        headers={"X-Request-ID": longest},
    )
    assert r.status_code == 201, r.text
    assert r.headers["x-request-id"] == longest
    page = await harness.as_(harness.tenant.admin, "GET", LOG, params={"target": "long-id"})
    [event] = page.json()["data"]
    assert event["request_id"] == longest
    with harness.services.db.connect() as conn:
        [report] = verify(conn, harness.tenant.id)
    assert report.broken is None


async def test_admin_only_own_tenant_filters_and_pages(harness: Harness) -> None:
    admin = harness.tenant.admin
    for i in range(5):
        await harness.as_(admin, "POST", "/api/v1/api-keys", json={"name": f"k{i}"})
    await harness.as_(harness.other.admin, "POST", "/api/v1/api-keys", json={"name": "other"})
    denied = await harness.as_(harness.tenant.analyst, "GET", LOG)
    assert denied.status_code == 403

    first = (await harness.as_(admin, "GET", LOG, params={"limit": 3})).json()
    assert len(first["data"]) == 3 and first["next_cursor"]
    rest = (
        await harness.as_(admin, "GET", LOG, params={"limit": 3, "cursor": first["next_cursor"]})
    ).json()
    seqs = [e["seq"] for e in first["data"] + rest["data"]]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == len(seqs)
    everything = (await harness.as_(admin, "GET", LOG, params={"limit": 500})).json()["data"]
    assert {e["tenant_id"] for e in everything} == {harness.tenant.id}
    assert "other" not in {e["target"]["name"] for e in everything}
    # The analyst's refusal is in the log, as denied.
    assert any(
        e["outcome"] == "denied" and e["actor"]["display"] == harness.tenant.analyst.user_id
        for e in everything
    )

    by_target = (await harness.as_(admin, "GET", LOG, params={"target": "k3"})).json()["data"]
    assert [e["target"]["name"] for e in by_target] == ["k3"]
    by_actor = await harness.as_(admin, "GET", LOG, params={"actor": admin.user_id})
    assert {e["actor"]["display"] for e in by_actor.json()["data"]} == {admin.user_id}
    assert (await harness.as_(admin, "GET", LOG, params={"action": "api"})).json()["data"] == []
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    assert (await harness.as_(admin, "GET", LOG, params={"since": future})).json()["data"] == []
    until = await harness.as_(admin, "GET", LOG, params={"until": future, "limit": 500})
    assert len(until.json()["data"]) == len(everything)
    naive = await harness.as_(admin, "GET", LOG, params={"since": "2026-01-01T00:00:00"})
    assert naive.status_code == 400 and "time zone" in naive.json()["detail"]
    bad = await harness.as_(admin, "GET", LOG, params={"cursor": "abc"})
    assert bad.status_code == 400

    lines = await harness.as_(admin, "GET", LOG, params={"format": "jsonl", "action": "api_key"})
    assert lines.headers["content-type"].startswith("application/x-ndjson")
    parsed = [json.loads(line) for line in lines.text.splitlines()]
    assert [e["target"]["name"] for e in parsed] == [f"k{i}" for i in range(4, -1, -1)]
    table = await harness.as_(admin, "GET", LOG, params={"format": "csv", "action": "api_key"})
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert [r["target_name"] for r in rows] == [f"k{i}" for i in range(4, -1, -1)]
    assert rows[0]["action"] == "api_key.create" and rows[0]["outcome"] == "success"


async def test_secrets_never_reach_the_audit_log(harness: Harness) -> None:
    """The canary: connection passwords and an LLM key, set, changed, tested and failing,
    appear in no audit row (not even sent as a config key)."""
    admin = harness.tenant.admin
    canaries = [f"canary{i}x{secrets.token_hex(6)}" for i in range(4)]
    pw, pw2, llm_key, as_key = canaries
    config = {"host": "127.0.0.1", "port": 1, "user": "u", "password": pw, "database": "d"}
    r = await harness.as_(
        admin,
        "POST",
        "/api/v1/connections",
        json={"name": "pg", "type": "postgres", "config": config},
    )
    assert r.status_code == 201, r.text
    url = f"/api/v1/connections/{r.json()['id']}"
    r = await harness.as_(admin, "PATCH", url, json={"config": {"password": pw2}})
    assert r.status_code == 200, r.text
    await harness.as_(admin, "PATCH", url, json={"config": {as_key: pw}})
    tested = await harness.as_(admin, "POST", f"{url}/test")
    assert tested.status_code == 200 and tested.json()["ok"] is False
    llm = {"provider": "openai", "base_url": "https://api.openai.com/v1", "model": "m"}
    r = await harness.as_(admin, "PUT", "/api/v1/llm/settings", json={**llm, "api_key": llm_key})
    assert r.status_code == 200, r.text
    await harness.as_(
        admin, "PUT", "/api/v1/llm/settings", json={**llm, "api_key": llm_key, as_key: 1}
    )
    await harness.client.post("/api/v1/auth/login", json={"email": admin.email, "password": pw})
    with harness.services.db.connect() as db:
        rows = [dict(r) for r in db.execute(select(audit_events)).mappings()]
    dump = json.dumps(rows, default=str)
    assert [c for c in canaries if c in dump] == []
    updates = [r for r in rows if r["action"] == "connection.update"]
    assert next((u["outcome"], u["changed_fields"]) for u in updates) == (
        "success",
        ["config.password"],
    )
    by_action = {r["action"]: r for r in rows}
    assert by_action["connection.test"]["outcome"] == "failure"
    assert {"connection.create", "llm_settings.update", "auth.login.failed"} <= by_action.keys()


async def test_login_refresh_reuse_and_logout_are_recorded(harness: Harness) -> None:
    admin = harness.tenant.admin
    wrong = await harness.client.post(
        "/api/v1/auth/login", json={"email": admin.email, "password": "not-the-password"}
    )
    assert wrong.status_code == 401
    login = await harness.client.post(
        "/api/v1/auth/login", json={"email": admin.email, "password": admin.password}
    )
    first = login.json()["refresh_token"]
    rotated = await harness.client.post("/api/v1/auth/refresh", json={"refresh_token": first})
    assert rotated.status_code == 200
    replay = await harness.client.post("/api/v1/auth/refresh", json={"refresh_token": first})
    assert replay.status_code == 401  # reuse: the whole session is revoked
    second = await harness.client.post(
        "/api/v1/auth/login", json={"email": admin.email, "password": admin.password}
    )
    bearer = {"Authorization": f"Bearer {second.json()['access_token']}"}
    assert (await harness.client.post("/api/v1/auth/logout", headers=bearer)).status_code == 204
    page = await harness.as_(admin, "GET", LOG, params={"action": "auth", "limit": 20})
    seen = [(e["action"], e["outcome"]) for e in reversed(page.json()["data"])]
    assert seen == [
        ("auth.login.failed", "failure"),
        ("auth.login", "success"),
        ("auth.refresh", "success"),
        ("auth.refresh.reuse_detected", "denied"),
        ("auth.login", "success"),
        ("auth.logout", "success"),
    ]
    failed = page.json()["data"][-1]
    assert failed["reason"] == "wrong password" and failed["actor"]["display"] == admin.email


async def test_export_needs_the_plans_audit_export_feature(tmp_path) -> None:
    from sqlalchemy import update

    from nexatron.store.tables import tenants
    from nexatron.testing import make_app_client

    plans = {"basic": {"rate_limit": "1000/minute", "features": ["llm"]}}
    async with make_app_client(tmp_path, plans=plans) as h:
        with h.services.db.begin() as conn:
            conn.execute(update(tenants).where(tenants.c.id == h.tenant.id).values(plan="basic"))
        assert (await h.as_(h.tenant.admin, "GET", LOG)).status_code == 200
        r = await h.as_(h.tenant.admin, "GET", LOG, params={"format": "csv"})
        assert r.status_code == 403 and "audit_export" in r.text
        assert (
            await h.as_(h.other.admin, "GET", LOG, params={"format": "jsonl"})
        ).status_code == 200
