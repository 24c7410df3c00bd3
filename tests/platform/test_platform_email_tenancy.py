"""Emails are unique per tenant (not across tenants), tenants have slugs, login takes a tenant.

Regression: `POST /users` in tenant B answered 409 for an address that existed only in tenant A,
telling B's admin who is a user elsewhere.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, inspect, select, text

from nexatron.identity.users import create_tenant
from nexatron.store import db
from nexatron.store.tables import tenants
from nexatron.testing import PG_URL, Harness, metadata_backend

pytestmark = pytest.mark.anyio
LOGIN, USERS = "/api/v1/auth/login", "/api/v1/users"


def _slug(harness: Harness, tenant_id: str) -> str:
    with harness.services.db.connect() as conn:
        return str(conn.execute(select(tenants.c.slug).where(tenants.c.id == tenant_id)).scalar())


async def test_an_address_of_another_tenant_is_not_revealed(harness: Harness) -> None:
    a, b = harness.tenant, harness.other
    body = {"email": a.analyst.email, "password": "another-pass-9", "role": "viewer"}
    created = await harness.as_(b.admin, "POST", USERS, json=body)
    assert created.status_code == 201, created.text  # was 409: A's address leaked to B
    assert created.json()["tenant_id"] == b.id
    again = await harness.as_(b.admin, "POST", USERS, json=body)
    assert again.status_code == 409 and "this tenant" in again.json()["detail"]
    mixed = await harness.as_(b.admin, "POST", USERS, json={**body, "email": body["email"].upper()})
    assert mixed.status_code == 409


async def test_login_with_an_address_in_two_tenants(harness: Harness) -> None:
    a, b = harness.tenant, harness.other
    email = a.analyst.email
    b_password = "b-password-" + secrets.token_hex(4)
    made = await harness.as_(
        b.admin, "POST", USERS, json={"email": email, "password": b_password, "role": "viewer"}
    )
    assert made.status_code == 201
    a_slug, b_slug = _slug(harness, a.id), _slug(harness, b.id)
    assert (a_slug, b_slug) == ("acme", "globex")

    # no tenant: a right password gets a 409 naming no tenant; a wrong one the usual 401
    ask = await harness.client.post(LOGIN, json={"email": email, "password": a.analyst.password})
    assert ask.status_code == 409, ask.text
    assert "tenant" in ask.json()["detail"]
    assert a_slug not in ask.text and b_slug not in ask.text and a.id not in ask.text
    wrong = await harness.client.post(LOGIN, json={"email": email, "password": "wrong-wrong"})
    unknown = await harness.client.post(
        LOGIN, json={"email": "nobody@nowhere.test", "password": "wrong-wrong"}
    )
    assert wrong.status_code == unknown.status_code == 401 and wrong.json() == unknown.json()

    # with the tenant (slug or id) each user gets their own tenant's token
    for tenant, password, tenant_id in (
        (a_slug, a.analyst.password, a.id),
        (b_slug, b_password, b.id),
        (b.id, b_password, b.id),
    ):
        r = await harness.client.post(
            LOGIN, json={"email": email, "password": password, "tenant": tenant}
        )
        assert r.status_code == 200, r.text
        me = await harness.client.get(
            "/api/v1/auth/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"}
        )
        assert me.json()["tenant_id"] == tenant_id
    crossed = await harness.client.post(
        LOGIN, json={"email": email, "password": b_password, "tenant": a_slug}
    )
    nowhere = await harness.client.post(
        LOGIN, json={"email": email, "password": b_password, "tenant": "no-such-tenant"}
    )
    assert crossed.status_code == nowhere.status_code == 401
    assert crossed.json() == nowhere.json() == wrong.json()

    # the contract's body, unchanged, still logs in an address that is in one tenant
    single = await harness.client.post(
        LOGIN, json={"email": a.admin.email, "password": a.admin.password}
    )
    assert single.status_code == 200


async def test_slugs_are_made_unique_and_checked(harness: Harness) -> None:
    with harness.services.db.begin() as conn:
        first = create_tenant(conn, "Acme")  # "acme" is the harness's tenant A
        second = create_tenant(conn, "  Ünïcode & Co!! ")
        third = create_tenant(conn, "Chosen", slug="chosen-one")
        rows = dict(conn.execute(select(tenants.c.id, tenants.c.slug)).all())
    assert rows[first] == "acme-2" and rows[second] == "n-code-co" and rows[third] == "chosen-one"
    from nexatron.errors import Conflict, ValidationFailed

    with harness.services.db.begin() as conn, pytest.raises(Conflict):
        create_tenant(conn, "Again", slug="chosen-one")
    with harness.services.db.begin() as conn, pytest.raises(ValidationFailed):
        create_tenant(conn, "Bad", slug="Not A Slug")


def _engine(tmp_path: Path) -> tuple[Engine, object]:
    """The store as the app opens it (SQLite: foreign keys on), fresh; and its cleanup."""
    if metadata_backend() != "postgres":
        return db.make_engine(f"sqlite:///{tmp_path / 'upgrade.db'}"), None
    schema = "nx_mig_" + secrets.token_hex(5)
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg2://"))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))

    def cleanup() -> None:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    return db.make_engine(f"{PG_URL}?options=-csearch_path%3D{schema}"), cleanup


def test_upgrade_from_0002_keeps_every_row(tmp_path: Path) -> None:
    """A store at 0002 with data: slugs are derived, rows (and their children) all survive."""
    engine, cleanup = _engine(tmp_path)
    try:
        with engine.begin() as conn:
            cfg = db.alembic_config(engine)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0002")
        stamp = "2026-01-01 00:00:00+00:00"
        with engine.begin() as conn:
            for tid, name in (("ten_1", "Acme Corp"), ("ten_2", "Acme corp"), ("ten_3", "!!!")):
                conn.execute(
                    text(
                        "INSERT INTO tenants (id, name, plan, settings, created_at) "
                        "VALUES (:i, :n, 'default', '{}', :c)"
                    ),
                    {"i": tid, "n": name, "c": stamp},
                )
            conn.execute(
                text(
                    "INSERT INTO users (id, tenant_id, email, role, disabled, created_at) "
                    "VALUES ('usr_1', 'ten_1', 'x@a.test', 'admin', false, :c)"
                ),
                {"c": stamp},
            )
            conn.execute(
                text(
                    "INSERT INTO api_keys (id, tenant_id, created_by, prefix, key_hash, role, "
                    "created_at) VALUES ('key_1', 'ten_1', 'usr_1', 'nx_', 'h1', 'admin', :c)"
                ),
                {"c": stamp},
            )
            conn.execute(
                text(
                    "INSERT INTO auth_sessions (id, tenant_id, user_id, created_at) "
                    "VALUES ('ses_1', 'ten_1', 'usr_1', :c)"
                ),
                {"c": stamp},
            )
        db.migrate(engine)
        assert db.current_revision(engine) == db.head_revision()
        with engine.begin() as conn:
            slugs = dict(conn.execute(text("SELECT id, slug FROM tenants")).all())
            assert slugs == {"ten_1": "acme-corp", "ten_2": "acme-corp-2", "ten_3": "tenant"}
            assert conn.execute(text("SELECT count(*) FROM api_keys")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM auth_sessions")).scalar() == 1
            version = conn.execute(text("SELECT version FROM metadata_version")).scalar()
            conn.execute(
                text(
                    "INSERT INTO users (id, tenant_id, email, role, disabled, created_at) "
                    "VALUES ('usr_2', 'ten_2', 'x@a.test', 'admin', false, :c)"
                ),
                {"c": stamp},
            )
            if engine.dialect.name == "sqlite":  # the version triggers survived the rebuild
                after = conn.execute(text("SELECT version FROM metadata_version")).scalar()
                assert after == version + 1
        with pytest.raises(Exception, match=r"(?i)unique"), engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (id, tenant_id, email, role, disabled, created_at) "
                    "VALUES ('usr_3', 'ten_2', 'x@a.test', 'viewer', false, :c)"
                ),
                {"c": stamp},
            )
        names = {c["name"] for c in inspect(engine).get_unique_constraints("users")}
        assert "uq_users_tenant_email" in names and "uq_users_email" not in names
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()
        if cleanup:
            cleanup()  # type: ignore[operator]
