"""The whole life of a connection through the API on each engine reachable here: create, list,
get, test, schema (cached, refreshed), patch (rename, masked and wrong passwords, a wrong host),
delete (with its semantic objects) -- and the canary password never leaves the server."""

from __future__ import annotations

import logging
import socket
import traceback
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text

from nexatron.connections.service import pool
from nexatron.store.tables import connections, semantic_objects
from nexatron.testing import Harness

from .conn_support import CANARY, Target, create_connection

pytestmark = pytest.mark.anyio

VERSION_HINT = {"postgres": "15", "mysql": "MariaDB", "duckdb": "DuckDB", "sqlite": "SQLite"}


class Recorder:
    """Every response the client sees, headers and body, for the leak check."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.seen: list[str] = []
        client.event_hooks["response"].append(self.hook)

    async def hook(self, response: httpx.Response) -> None:
        await response.aread()
        headers = "\n".join(f"{k}: {v}" for k, v in response.headers.multi_items())
        self.seen.append(
            f"{response.request.method} {response.request.url}\n{headers}\n{response.text}"
        )


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _table(snapshot: dict[str, Any], name: str) -> dict[str, Any]:
    return next(t for t in snapshot["tables"] if t["name"] == name)


def _check_schema(snapshot: dict[str, Any], target: Target) -> None:
    names = {t["name"] for t in snapshot["tables"]}
    assert {"branches", "members", "loans"} <= names, names
    loans = _table(snapshot, "loans")
    assert loans["schema_name"] == target.schema
    types = {c["name"]: c["type"] for c in loans["columns"]}
    assert types == {"id": "integer", "member_id": "integer", "loan_date": "date", "fee": "decimal"}
    assert [c["name"] for c in loans["columns"]] == ["id", "member_id", "loan_date", "fee"]
    assert loans["primary_key"] == ["id"]
    assert [c["primary_key"] for c in loans["columns"]] == [True, False, False, False]
    assert {c["name"]: c["nullable"] for c in loans["columns"]}["loan_date"] is False
    [fk] = loans["foreign_keys"]
    assert (fk["columns"], fk["ref_table"], fk["ref_columns"]) == (["member_id"], "members", ["id"])
    assert _table(snapshot, "members")["foreign_keys"][0]["ref_table"] == "branches"
    assert {c["name"]: c["type"] for c in _table(snapshot, "branches")["columns"]} == {
        "id": "integer",
        "name": "string",
    }


async def test_connection_lifecycle_without_leaking_the_secret(
    harness: Harness, target: Target, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    seen = Recorder(harness.client)
    admin, viewer = harness.tenant.admin, harness.tenant.viewer
    base = "/api/v1/connections"

    # create
    created = await create_connection(harness, admin, "Library", target.type, target.config)
    assert created.status_code == 201, created.text
    conn = created.json()
    cid = conn["id"]
    assert cid.startswith("conn_") and conn["type"] == target.type and conn["is_default"] is True
    assert "password" not in conn["config"]
    if target.has_password:
        assert conn["config"]["has_password"] is True
        assert conn["config"]["user"] == target.config["user"]

    # list and get (a viewer may read)
    listing = await harness.as_(viewer, "GET", base)
    assert [c["id"] for c in listing.json()["data"]] == [cid]
    got = await harness.as_(viewer, "GET", f"{base}/{cid}")
    assert got.status_code == 200 and got.json() == conn

    # test: a real round trip
    tested = (await harness.as_(admin, "POST", f"{base}/{cid}/test")).json()
    assert tested["ok"] is True, tested
    assert tested["latency_ms"] > 0 and VERSION_HINT[target.type] in tested["server_version"]

    # schema: introspected, then cached, then refreshed
    first = await harness.as_(viewer, "GET", f"{base}/{cid}/schema")
    assert first.status_code == 200, first.text
    _check_schema(first.json(), target)
    if target.type == "duckdb":  # the pooled engine holds the file; nothing else could write it
        pool(harness.services).evict(cid)
    target.run("CREATE TABLE reservations (id INTEGER PRIMARY KEY, note VARCHAR(20))")
    cached = (await harness.as_(viewer, "GET", f"{base}/{cid}/schema")).json()
    assert cached["introspected_at"] == first.json()["introspected_at"]
    assert "reservations" not in {t["name"] for t in cached["tables"]}
    fresh = (await harness.as_(viewer, "GET", f"{base}/{cid}/schema?refresh=true")).json()
    assert "reservations" in {t["name"] for t in fresh["tables"]}
    assert fresh["introspected_at"] > first.json()["introspected_at"]
    assert (await harness.as_(viewer, "GET", f"{base}/{cid}")).json()["schema_cached_at"]

    # patch: rename
    renamed = await harness.as_(admin, "PATCH", f"{base}/{cid}", json={"name": "Library 2"})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "Library 2"
    assert renamed.json()["config"] == conn["config"]

    if target.has_password:
        # a masked password keeps the stored secret: the connection still authenticates
        masked = {"config": {"password": "********", "has_password": True}}
        kept = await harness.as_(admin, "PATCH", f"{base}/{cid}", json=masked)
        assert kept.status_code == 200 and kept.json()["config"]["has_password"] is True
        assert (await harness.as_(admin, "POST", f"{base}/{cid}/test")).json()["ok"] is True
        # a new wrong password really is used, and fails as an authentication problem
        wrong = {"config": {"password": "not-the-password"}}
        assert (await harness.as_(admin, "PATCH", f"{base}/{cid}", json=wrong)).status_code == 200
        failed = (await harness.as_(admin, "POST", f"{base}/{cid}/test")).json()
        assert failed["ok"] is False and failed["error_code"] == "authentication_failed", failed
        # the right one again, then a host where nothing listens
        right = {"config": {"password": CANARY}}
        assert (await harness.as_(admin, "PATCH", f"{base}/{cid}", json=right)).status_code == 200
        assert (await harness.as_(admin, "POST", f"{base}/{cid}/test")).json()["ok"] is True
        away = {"config": {"port": _closed_port()}}
        assert (await harness.as_(admin, "PATCH", f"{base}/{cid}", json=away)).status_code == 200
        down = (await harness.as_(admin, "POST", f"{base}/{cid}/test")).json()
        assert down["ok"] is False and down["error_code"] == "unreachable", down
        schema_down = await harness.as_(admin, "GET", f"{base}/{cid}/schema")
        assert schema_down.status_code >= 400
        nowhere = {"config": {"host": "nx-nowhere.invalid"}}
        assert (await harness.as_(admin, "PATCH", f"{base}/{cid}", json=nowhere)).status_code == 200
        lost = (await harness.as_(admin, "POST", f"{base}/{cid}/test")).json()
        assert lost["ok"] is False and lost["error_code"] == "unreachable", lost
        assert (await harness.as_(admin, "GET", f"{base}/{cid}/schema")).status_code >= 400
        back = {"config": {"port": target.config["port"], "host": target.config["host"]}}
        assert (await harness.as_(admin, "PATCH", f"{base}/{cid}", json=back)).status_code == 200
        assert (await harness.as_(admin, "POST", f"{base}/{cid}/test")).json()["ok"] is True
        # nowhere in plaintext in the metadata store
        with harness.services.db.connect() as db:
            stored = db.execute(select(connections).where(connections.c.id == cid)).one()
            dump = repr(tuple(stored)) + repr(db.execute(text("SELECT * FROM connections")).all())
        assert stored.secrets and CANARY not in dump

    # a semantic object on it, then delete: both gone
    dim = await harness.as_(
        admin,
        "POST",
        "/api/v1/semantic/dimensions",
        json={"connection_id": cid, "name": "branch", "table": "branches", "expr": "name"},
    )
    assert dim.status_code == 201, dim.text
    assert (await harness.as_(admin, "DELETE", f"{base}/{cid}")).status_code == 204
    assert (await harness.as_(admin, "GET", f"{base}/{cid}")).status_code == 404
    assert (await harness.as_(admin, "POST", f"{base}/{cid}/test")).status_code == 404
    assert (await harness.as_(admin, "GET", f"{base}/{cid}/schema")).status_code == 404
    gone = await harness.as_(admin, "GET", f"/api/v1/semantic/dimensions/{dim.json()['id']}")
    assert gone.status_code == 404
    left = await harness.as_(admin, "GET", f"/api/v1/semantic/dimensions?connection_id={cid}")
    assert left.json()["data"] == []
    with harness.services.db.connect() as db:
        rows = db.execute(
            select(semantic_objects).where(semantic_objects.c.connection_id == cid)
        ).all()
    assert rows == []
    assert len(pool(harness.services)) == 0

    # the secret went nowhere: responses (bodies and headers) and log records
    assert len(seen.seen) >= 15
    assert not [r for r in seen.seen if CANARY in r]
    assert caplog.records  # the capture works (httpx logs each request)
    for record in caplog.records:
        message = record.getMessage()
        if record.exc_info:
            message += "".join(traceback.format_exception(*record.exc_info))
        assert CANARY not in message, record
