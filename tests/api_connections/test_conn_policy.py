"""Issue #11: the connection policy, proven through the API as a tenant admin.

The attack corpus (tests/api_connections/attack_corpus.py) is refused at create with a 422 of
type `refused_by_policy` and no packet sent; files swapped after create are refused at the next
open; a database stamped with this installation's id (the metadata store through a proxy, a copy
of it) is refused after connecting; the store's and Redis's own ports are refused even when the
operator allows loopback. These tests run with the defaults (no loopback, no file roots) unless
they say otherwise.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import secrets
import socket
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from nexatron.connections.service import connection_policy
from nexatron.settings import Settings, settings_from_env
from nexatron.testing import PG_URL, Harness, make_app_client, tenant_files
from nexatron.warehouse.policy import ConnectionPolicy, RefusedByPolicy

from .attack_corpus import FILES, NETWORK, Ctx, network_config
from .conn_support import create_connection
from .policy_support import forwarder, listening

pytestmark = pytest.mark.anyio

STRICT = {"connection_allow_loopback": False, "file_roots": ()}


def refused(response: Any) -> bool:
    if response.status_code != 422:
        return False
    detail = response.json()["detail"]
    return isinstance(detail, list) and detail[0].get("type") == "refused_by_policy"


async def upload_csv(h: Harness, actor: Any, name: str = "other.csv") -> dict[str, Any]:
    r = await h.as_(
        actor,
        "POST",
        "/api/v1/files",
        files={"file": (name, b"secret_col,amount\nother-tenant-row,7\n", "text/csv")},
        data={"create_connection": "false"},
    )
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def ensure_store_file(h: Harness) -> None:
    """With a PostgreSQL store there is no nexatron.db: put a stand-in where it would be."""
    store = h.services.settings.data_dir.resolve() / "nexatron.db"
    if not store.exists():
        with sqlite3.connect(store) as db:
            db.execute("CREATE TABLE users (email TEXT)")


async def test_attack_corpus_is_refused_before_any_packet_leaves(tmp_path: Path) -> None:
    async with make_app_client(tmp_path, **STRICT) as h:
        with listening() as listener:
            ensure_store_file(h)
            admin = h.tenant.admin
            other = await upload_csv(h, h.other.admin)
            ctx = Ctx(
                data_dir=h.services.settings.data_dir.resolve(),
                own=tenant_files(h.services, admin.tenant_id),
                other_file=Path(other["path"]),
                port=listener.port,
            )
            cases = [(label, t, network_config(t, build, ctx)) for label, t, build in NETWORK]
            for label, build in FILES:
                for engine in ("sqlite", "duckdb"):
                    cases.append((f"{label} ({engine})", engine, {"path": build(ctx)}))
            assert len(cases) >= 60
            failures = []
            for i, (label, type_name, config) in enumerate(cases):
                r = await create_connection(h, admin, f"attack-{i}", type_name, config)
                if not refused(r):
                    failures.append(f"{label}: {r.status_code} {r.text[:300]}")
                elif "other-tenant-row" in r.text or "secret_col" in r.text:
                    failures.append(f"{label}: the refusal leaks the other tenant's data")
            assert not failures, "\n".join(failures)
            await asyncio.sleep(0.3)  # a connect that slipped through would have landed by now
            assert listener.accepted == 0, "a refused connection sent packets"
            print(f"\nattack corpus: {len(cases)} cases refused, {listener.accepted} accepts")

            # nothing was created, so nothing is readable: no connection, no answer
            listed = (await h.as_(admin, "GET", "/api/v1/connections")).json()["data"]
            assert listed == []
            asked = await h.as_(admin, "POST", "/api/v1/query", json={"question": "users"})
            assert 400 <= asked.status_code < 500


def _legit(path: Path, engine: str) -> None:
    if engine == "sqlite":
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE sales (amount INTEGER)")
            db.execute("INSERT INTO sales VALUES (1)")
    else:
        import duckdb

        with duckdb.connect(str(path)) as db:
            db.execute("CREATE TABLE sales AS SELECT 1 AS amount")


@pytest.mark.parametrize("engine", ["sqlite", "duckdb"])
async def test_a_file_swapped_after_create_is_refused_at_the_next_open(
    tmp_path: Path, engine: str
) -> None:
    """M1: the path was checked only at create; now every open checks it again."""
    async with make_app_client(tmp_path, **STRICT) as h:
        ensure_store_file(h)
        admin = h.tenant.admin
        store = h.services.settings.data_dir.resolve() / "nexatron.db"
        path = tenant_files(h.services, admin.tenant_id) / f"sales.{engine}"
        _legit(path, engine)
        made = await create_connection(h, admin, "sales", engine, {"path": str(path)})
        assert made.status_code == 201, made.text
        cid = made.json()["id"]
        base = f"/api/v1/connections/{cid}"
        first = await h.as_(admin, "GET", f"{base}/schema")
        assert first.status_code == 200 and first.json()["tables"][0]["name"] == "sales"

        for swap in ("symlink", "hardlink"):
            path.unlink()
            if swap == "symlink":
                path.symlink_to(store)
            else:
                os.link(store, path)
            schema = await h.as_(admin, "GET", f"{base}/schema?refresh=true")
            assert refused(schema), (swap, schema.text)
            assert "users" not in schema.text
            tested = (await h.as_(admin, "POST", f"{base}/test")).json()
            assert tested["ok"] is False and tested["error_code"] == "refused_by_policy", tested
            asked = await h.as_(
                admin,
                "POST",
                "/api/v1/query",
                json={"question": "users", "connection_id": base[-21:]},
            )
            assert 400 <= asked.status_code < 500 and "argon2" not in asked.text
        patched = await h.as_(admin, "PATCH", base, json={"config": {"path": str(store)}})
        assert refused(patched)


async def test_a_copy_of_the_store_is_refused_by_its_installation_stamp(tmp_path: Path) -> None:
    """Not a link (its own inode): the identity check finds this installation's stamp."""
    async with make_app_client(tmp_path, **STRICT) as h:
        admin = h.tenant.admin
        stamp = connection_policy(h.services).installation_id
        assert stamp and stamp.startswith("inst_")
        copy = tenant_files(h.services, admin.tenant_id) / "copy.db"
        with sqlite3.connect(copy) as db:
            db.execute("CREATE TABLE nexatron_installation (id TEXT PRIMARY KEY, created_at TEXT)")
            db.execute("INSERT INTO nexatron_installation (id) VALUES (?)", (stamp,))
            db.execute("CREATE TABLE users (email TEXT, password_hash TEXT)")
        made = await create_connection(h, admin, "copy", "sqlite", {"path": str(copy)})
        assert made.status_code == 201, made.text
        base = f"/api/v1/connections/{made.json()['id']}"
        tested = (await h.as_(admin, "POST", f"{base}/test")).json()
        assert tested["error_code"] == "refused_by_policy", tested
        assert refused(await h.as_(admin, "GET", f"{base}/schema"))
        # another installation's stamp is just data
        with sqlite3.connect(copy) as db:
            db.execute("UPDATE nexatron_installation SET id = 'inst_someone_else'")
        assert (await h.as_(admin, "POST", f"{base}/test")).json()["ok"] is True


@pytest.fixture
async def pg_store(tmp_path: Path) -> AsyncIterator[Harness]:
    """The app with its metadata store in a throwaway schema of the local PostgreSQL `test`
    database, whichever store the suite runs on; loopback allowed (the operator's setting)."""
    schema = "nx_store_" + secrets.token_hex(5)
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg2://"))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
        async with make_app_client(tmp_path, database_url=url, connection_allow_loopback=True) as h:
            yield h
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


async def test_the_store_through_a_proxy_is_refused_by_the_identity_check(
    pg_store: Harness,
) -> None:
    """C2: loopback allowed and a port that is not the store's: only the stamp tells."""
    h, admin = pg_store, pg_store.tenant.admin
    config = {"host": "127.0.0.1", "port": 5432, "database": "test", "user": "postgres"}
    direct = await create_connection(h, admin, "direct", "postgres", config)
    assert refused(direct), direct.text  # the store's own host:port
    with forwarder(5432) as port:
        made = await create_connection(h, admin, "proxied", "postgres", {**config, "port": port})
        assert made.status_code == 201, made.text
        base = f"/api/v1/connections/{made.json()['id']}"
        tested = (await h.as_(admin, "POST", f"{base}/test")).json()
        assert tested == {**tested, "ok": False, "error_code": "refused_by_policy"}, tested
        schema = await h.as_(admin, "GET", f"{base}/schema")
        assert refused(schema) and "api_keys" not in schema.text
        asked = await h.as_(
            admin,
            "POST",
            "/api/v1/query",
            json={"question": "users", "connection_id": made.json()["id"]},
        )
        assert 400 <= asked.status_code < 500 and "argon2" not in asked.text
        # the same route to a database without the stamp works: the refusal is the identity
        other = {**config, "port": port, "database": "postgres"}
        control = await create_connection(h, admin, "control", "postgres", other)
        cid = control.json()["id"]
        ok = (await h.as_(admin, "POST", f"/api/v1/connections/{cid}/test")).json()
        assert ok["ok"] is True, ok


async def test_redis_port_is_refused_even_with_loopback_allowed(tmp_path: Path) -> None:
    async with make_app_client(
        tmp_path, connection_allow_loopback=True, redis_url="redis://127.0.0.1:6379/12"
    ) as h:
        admin = h.tenant.admin
        for i, host in enumerate(("127.0.0.1", "localhost", "127.0.0.9")):
            config = {"host": host, "port": 6379, "database": "d", "user": "u"}
            assert refused(await create_connection(h, admin, f"r{i}", "mysql", config))


def _policy(**values: Any) -> ConnectionPolicy:
    settings = Settings.model_validate({"data_dir": "/tmp/nx-policy-unit", **values})
    return ConnectionPolicy.from_settings(settings, "inst_unit")


def test_store_endpoint_allow_and_deny_lists() -> None:
    gate = _policy(
        connection_allow_loopback=True,
        database_url="postgresql://nx@127.0.0.1:5432/meta",
    ).for_tenant("ten_x")
    with pytest.raises(RefusedByPolicy):
        gate.address("127.0.0.1", 5432)
    with pytest.raises(RefusedByPolicy):
        gate.address("::ffff:127.0.0.1", 5432)
    assert gate.address("127.0.0.1", 5433) == "127.0.0.1"

    listed = _policy(connection_allow=("10.0.0.0/8", "*.corp.example")).for_tenant("ten_x")
    assert listed.address("10.1.2.3", 5432) == "10.1.2.3"
    with pytest.raises(RefusedByPolicy):
        listed.address("192.168.1.10", 5432)  # private, but outside the allow list
    denied = _policy(connection_deny=("192.168.0.0/16", "*.bad.example")).for_tenant("ten_x")
    assert denied.address("10.9.9.9", 5432) == "10.9.9.9"  # private ranges: allowed by default
    for host in ("192.168.7.7", "db.bad.example"):
        with pytest.raises(RefusedByPolicy):
            denied.address(host, 5432)

    from_env = settings_from_env(
        {
            "NEXATRON_CONNECTION_ALLOW": "10.0.0.0/8, *.corp.example",
            "NEXATRON_CONNECTION_DENY": "10.9.0.0/16",
            "NEXATRON_CONNECTION_ALLOW_LOOPBACK": "1",
            "NEXATRON_FILE_ROOTS": "/srv/a:/srv/b",
            "NEXATRON_DATA_DIR": "/tmp/nx-policy-unit",
            "NEXATRON_SECRET_KEY": "k" * 40,
        }
    )
    assert from_env.connection_allow == ("10.0.0.0/8", "*.corp.example")
    assert from_env.connection_deny == ("10.9.0.0/16",)
    assert from_env.connection_allow_loopback is True
    assert from_env.file_roots == ("/srv/a", "/srv/b")
    assert Settings().connection_allow_loopback is False  # the default: no loopback
    assert Settings(dev=True).connection_allow_loopback is False  # dev mode does not imply it


def _lan_address() -> str | None:
    """The address this host sends from on its default route (a UDP connect sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if ipaddress.ip_address(address).is_loopback else address


async def test_the_hosts_own_addresses_are_the_server_itself(tmp_path: Path) -> None:
    """Before, a service bound to 0.0.0.0 here (Redis, the store, the app) was reachable at the
    host's LAN address: the policy refused only loopback and the URLs' own host:port. Now the
    host's interface addresses are treated as loopback: refused unless the operator allows
    loopback, and the store's and Redis's ports on them always."""
    lan = _lan_address()
    if lan is None:
        pytest.skip("no non-loopback address on this host")
    with pytest.raises(RefusedByPolicy):
        _policy().for_tenant("ten_x").address(lan, 5433)
    allowed = _policy(
        connection_allow_loopback=True,
        database_url="postgresql://nx@127.0.0.1:5432/meta",
        redis_url="redis://localhost:6379/0",
    ).for_tenant("ten_x")
    assert allowed.address(lan, 5433) == lan
    for port in (5432, 6379):
        with pytest.raises(RefusedByPolicy):
            allowed.address(lan, port)

    server = socket.socket()
    server.bind(("0.0.0.0", 0))  # what a 0.0.0.0-bound Redis does
    server.listen(8)
    server.settimeout(0.2)
    try:
        async with make_app_client(tmp_path, connection_allow_loopback=False) as h:
            config = {"host": lan, "port": server.getsockname()[1], "database": "d", "user": "u"}
            for i, kind in enumerate(("postgres", "mysql")):
                assert refused(await create_connection(h, h.tenant.admin, f"lan{i}", kind, config))
        with pytest.raises(TimeoutError):
            server.accept()  # no packet reached it
    finally:
        server.close()


def test_every_new_pooled_connection_is_checked_and_pinned_to_the_checked_address() -> None:
    """The gate is asked in SQLAlchemy's do_connect: the address libpq uses is the one checked
    (`hostaddr`), the name stays `host`; a second DBAPI connection opened after the policy
    changed is refused while the first keeps working (no check only at create)."""
    from nexatron.warehouse.policy import Rule
    from nexatron.warehouse.registry import open_engine, parse_config

    policy = _policy(connection_allow_loopback=True)
    config = {"host": "localhost", "port": 5432, "database": "test", "user": "postgres"}
    engine = open_engine(
        "postgres", parse_config("postgres", config), gate=policy.for_tenant("ten_x")
    )
    try:
        with engine.session(5.0) as first:
            dsn = first.connection.dbapi_connection.get_dsn_parameters()  # type: ignore[union-attr]
            assert dsn["host"] == "localhost" and dsn["hostaddr"] in {"127.0.0.1", "::1"}
            policy.deny = (Rule.parse("127.0.0.0/8"), Rule.parse("::1/128"))
            with pytest.raises(RefusedByPolicy), engine.session(5.0):
                pass  # the pool must open a second connection: refused before connecting
            assert first.exec_driver_sql("SELECT 1").scalar() == 1
    finally:
        engine.dispose()


def test_sql_server_and_mysql_keep_the_name_for_tls() -> None:
    from nexatron.warehouse.engines.mssql import route_odbc
    from nexatron.warehouse.engines.mysql import _tls_context

    routed = route_odbc("DRIVER={X};Server=db.corp.example,1433;Database=d;UID=u", "10.0.0.5")
    assert "Server=10.0.0.5,1433" in routed and "HostNameInCertificate=db.corp.example" in routed
    assert "Server=[fd00::5],1433" in route_odbc("Server=db6,1433;UID=u", "fd00::5")
    context = _tls_context(True, "db.corp.example")
    assert context.check_hostname and context.server_name == "db.corp.example"  # type: ignore[attr-defined]


@pytest.mark.parametrize(("sqlstate", "refused"), [("42P01", False), ("42501", True)])
def test_a_stamp_table_that_is_gone_is_no_stamp_but_an_unreadable_one_is(
    sqlstate: str, refused: bool
) -> None:
    """A stamp table dropped between the catalog listing and the read (another store's schema
    going away, as when tests run in parallel) is not a stamp; one the user may not read still
    counts as a store of unknown identity. The read raises `sqlstate` through a view."""
    import psycopg2

    from nexatron.warehouse.policy import UNREADABLE, postgres_stamps

    from ..throwaway import unique

    name = unique("nx_stamp")
    admin = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}")
    try:
        conn = psycopg2.connect(host="127.0.0.1", user="postgres", dbname=name)
        with conn.cursor() as cur:
            cur.execute(
                "CREATE FUNCTION fails() RETURNS SETOF text LANGUAGE plpgsql AS "
                f"$$ BEGIN RAISE EXCEPTION 'no' USING ERRCODE = '{sqlstate}'; END $$"
            )
            cur.execute("CREATE VIEW nexatron_installation AS SELECT fails() AS id")
        conn.commit()
        try:
            assert (UNREADABLE in postgres_stamps(conn)) is refused
        finally:
            conn.close()
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE {name} WITH (FORCE)")
        admin.close()
