"""Malformed configs are 422 with one entry per bad field, names are unique per tenant, roles and
tenants are enforced, and file engines may not open the server's own data directory."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from nexatron.testing import Harness

from .conn_support import CANARY, SUPERUSER_PW, create_connection, locs

pytestmark = pytest.mark.anyio

# Not the local PostgreSQL's 5432: with a PostgreSQL metadata store that is the store's own
# address, refused by the connection policy. Nothing here connects.
PG = {"host": "127.0.0.1", "port": 6543, "database": "test", "user": "postgres"}


@pytest.fixture
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder outside the server's data dir (the harness puts that dir at tmp_path)."""
    return tmp_path_factory.mktemp("conn_files")


def _sqlite_file(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    con.commit()
    con.close()
    return str(path)


async def test_malformed_configs_are_422_with_field_locations(harness: Harness) -> None:
    admin = harness.tenant.admin
    unknown = await create_connection(harness, admin, "x", "oracle", PG)
    assert locs(unknown) == [("body", "type")]
    assert "postgres" in unknown.json()["detail"][0]["msg"]

    bad_port = await create_connection(harness, admin, "x", "postgres", {**PG, "port": "abc"})
    assert locs(bad_port) == [("body", "config", "port")]
    assert bad_port.json()["detail"][0]["type"] == "int_parsing"

    missing = await create_connection(harness, admin, "x", "mysql", {"host": "h"})
    assert sorted(locs(missing)) == [("body", "config", "database"), ("body", "config", "user")]
    assert {e["type"] for e in missing.json()["detail"]} == {"missing"}

    extra = await create_connection(harness, admin, "x", "postgres", {**PG, "colour": "red"})
    assert locs(extra) == [("body", "config", "colour")]
    assert extra.json()["detail"][0]["type"] == "extra_forbidden"

    several = await create_connection(
        harness, admin, "x", "postgres", {**PG, "port": 70000, "sslmode": "sometimes"}
    )
    assert sorted(locs(several)) == [("body", "config", "port"), ("body", "config", "sslmode")]

    no_name = await harness.as_(
        admin, "POST", "/api/v1/connections", json={"type": "postgres", "config": PG, "x": 1}
    )
    assert sorted(locs(no_name)) == [("body", "name"), ("body", "x")]

    # a rejected secret is not echoed back
    bad_secret = await create_connection(harness, admin, "x", "postgres", {**PG, "password": 7})
    assert locs(bad_secret) == [("body", "config", "password")]
    assert "7" not in str(bad_secret.json()["detail"][0].get("input", ""))
    echoed = await create_connection(
        harness, admin, "x", "postgres", {**PG, "password": [CANARY], "port": "abc"}
    )
    assert echoed.status_code == 422 and CANARY not in echoed.text

    listing = await harness.as_(admin, "GET", "/api/v1/connections")
    assert listing.json()["data"] == []


async def test_patch_revalidates_the_merged_config(harness: Harness) -> None:
    admin = harness.tenant.admin
    created = await create_connection(harness, admin, "pg", "postgres", {**PG, "password": CANARY})
    cid = created.json()["id"]
    bad = await harness.as_(
        admin, "PATCH", f"/api/v1/connections/{cid}", json={"config": {"port": "abc"}}
    )
    assert locs(bad) == [("body", "config", "port")]
    unknown = await harness.as_(
        admin, "PATCH", f"/api/v1/connections/{cid}", json={"config": {"colour": "red"}}
    )
    assert locs(unknown) == [("body", "config", "colour")]
    after = await harness.as_(admin, "GET", f"/api/v1/connections/{cid}")
    assert after.json() == created.json()


async def test_duplicate_name_is_409_on_create_and_rename(harness: Harness, outside: Path) -> None:
    admin = harness.tenant.admin
    config = {"path": _sqlite_file(outside / "a.sqlite")}
    assert (await create_connection(harness, admin, "One", "sqlite", config)).status_code == 201
    second = await create_connection(harness, admin, "Two", "sqlite", config)
    assert second.status_code == 201
    again = await create_connection(harness, admin, "One", "sqlite", config)
    assert again.status_code == 409 and "One" in again.json()["detail"]
    rename = await harness.as_(
        admin, "PATCH", f"/api/v1/connections/{second.json()['id']}", json={"name": "One"}
    )
    assert rename.status_code == 409
    # the same name in another tenant is fine
    other = await create_connection(harness, harness.other.admin, "One", "sqlite", config)
    assert other.status_code == 201


async def test_roles_and_tenants(harness: Harness, outside: Path) -> None:
    config = {"path": _sqlite_file(outside / "a.sqlite")}
    viewer, analyst = harness.tenant.viewer, harness.tenant.analyst
    assert (await create_connection(harness, viewer, "v", "sqlite", config)).status_code == 403
    assert (await create_connection(harness, analyst, "a", "sqlite", config)).status_code == 403
    made = await create_connection(harness, harness.tenant.admin, "mine", "sqlite", config)
    cid = made.json()["id"]
    url = f"/api/v1/connections/{cid}"
    assert (await harness.as_(viewer, "PATCH", url, json={"name": "v"})).status_code == 403
    assert (await harness.as_(viewer, "DELETE", url)).status_code == 403
    intruder = harness.other.admin
    for method, path in [
        ("GET", url),
        ("PATCH", url),
        ("DELETE", url),
        ("POST", f"{url}/test"),
        ("GET", f"{url}/schema"),
    ]:
        body = {"json": {"name": "stolen"}} if method == "PATCH" else {}
        response = await harness.as_(intruder, method, path, **body)
        assert response.status_code == 404, (method, path, response.text)
    assert (await harness.as_(intruder, "GET", "/api/v1/connections")).json()["data"] == []
    assert (await harness.as_(viewer, "GET", url)).json()["name"] == "mine"


@pytest.mark.parametrize("engine", ["sqlite", "duckdb"])
async def test_files_inside_the_data_dir_are_refused(harness: Harness, engine: str) -> None:
    data_dir = harness.services.settings.data_dir
    admin = harness.tenant.admin
    inside = [
        data_dir / f"x.{engine}",
        data_dir / "sub" / f"y.{engine}",
        data_dir / "files" / ".." / f"z.{engine}",
    ]
    inside += [p for p in data_dir.iterdir() if p.is_file()]  # the metadata store, key files
    for path in inside:
        refused = await create_connection(harness, admin, "bad", engine, {"path": str(path)})
        assert locs(refused) == [("body", "config", "path")], path
    allowed = _sqlite_file(data_dir / "files" / admin.tenant_id / "ok.sqlite")
    if engine == "sqlite":
        made = await create_connection(harness, admin, "ok", engine, {"path": allowed})
        assert made.status_code == 201, made.text
        cid = made.json()["id"]
        assert (await harness.as_(admin, "POST", f"/api/v1/connections/{cid}/test")).json()["ok"]
        moved = await harness.as_(
            admin,
            "PATCH",
            f"/api/v1/connections/{cid}",
            json={"config": {"path": str(data_dir / "nexatron.db")}},
        )
        assert locs(moved) == [("body", "config", "path")]


async def test_common_aliases_for_types_and_fields_are_accepted(
    harness: Harness, pg_scram_port: int
) -> None:
    """'postgresql' / 'mariadb' and 'username' / 'dbname' are what many tools call them."""
    r = await harness.as_(
        harness.tenant.admin,
        "POST",
        "/api/v1/connections",
        json={
            "name": "aliased",
            "type": "postgresql",
            "config": {
                "host": "127.0.0.1",
                "port": pg_scram_port,
                "dbname": "postgres",
                "username": "postgres",
                "password": SUPERUSER_PW,
                "sslmode": "disable",
            },
        },
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["type"] == "postgres" and body["config"]["user"] == "postgres"
    assert body["config"]["database"] == "postgres"
    test = await harness.as_(harness.tenant.admin, "POST", f"/api/v1/connections/{body['id']}/test")
    assert test.json()["ok"] is True
