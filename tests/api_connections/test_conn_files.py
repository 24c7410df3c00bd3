"""POST/GET/DELETE /api/v1/files: uploads checked by their bytes, kept in the tenant's own area,
queryable read-only; another tenant can neither list, open, query nor delete them."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path
from typing import Any

import duckdb
import pytest

from nexatron.connections.service import engine_for, get_row
from nexatron.demo.install import adopt_shared_demo
from nexatron.testing import Actor, Harness, make_app_client, tenant_files

pytestmark = pytest.mark.anyio

STRICT = {"connection_allow_loopback": False, "file_roots": ()}
FILES = "/api/v1/files"


async def upload(h: Harness, actor: Actor, name: str, content: bytes, **data: str) -> Any:
    return await h.as_(actor, "POST", FILES, files={"file": (name, content)}, data=data)


def sqlite_bytes(tmp: Path, rows: list[tuple[str, int]]) -> bytes:
    path = tmp / "up.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE sales (region TEXT, amount INTEGER)")
        db.executemany("INSERT INTO sales VALUES (?, ?)", rows)
    return path.read_bytes()


def duckdb_bytes(tmp: Path) -> bytes:
    path = tmp / "up.duckdb"
    with duckdb.connect(str(path)) as db:
        db.execute("CREATE TABLE orders AS SELECT 'north' AS region, 5 AS amount")
    return path.read_bytes()


def parquet_bytes(tmp: Path) -> bytes:
    path = tmp / "up.parquet"
    with duckdb.connect() as db:
        db.execute(f"COPY (SELECT 'east' AS region, 9 AS amount) TO '{path}' (FORMAT parquet)")
    return path.read_bytes()


def rows(h: Harness, tenant_id: str, connection_id: str, sql: str) -> list[list[Any]]:
    with h.services.db.connect() as conn:
        row = get_row(conn, tenant_id, connection_id)
    result = engine_for(h.services, row).execute(sql, timeout_s=10, row_cap=100)
    return [list(r) for r in result.rows]


async def test_each_kind_uploads_and_is_queryable_read_only(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    async with make_app_client(tmp_path / "data", **STRICT) as h:
        admin = h.tenant.admin
        cases = {
            "sales.csv": (b"region,amount\nwest,3\nsouth,4\n", "csv", "SELECT * FROM sales"),
            "east.parquet": (parquet_bytes(work), "parquet", "SELECT * FROM east"),
            "shop.duckdb": (duckdb_bytes(work), "duckdb", "SELECT * FROM orders"),
            "legacy.sqlite": (sqlite_bytes(work, [("x", 1)]), "sqlite", "SELECT * FROM sales"),
        }
        for name, (content, kind, sql) in cases.items():
            r = await upload(h, admin, name, content)
            assert r.status_code == 201, r.text
            body = r.json()
            assert body["kind"] == kind and body["size_bytes"] == len(content)
            path = Path(body["path"])
            assert path.parent == tenant_files(h.services, admin.tenant_id)
            assert oct(path.stat().st_mode & 0o777) == "0o600"
            cid = body["connection_id"]
            got = rows(h, admin.tenant_id, cid, sql)
            assert got, (name, got)
            schema = await h.as_(admin, "GET", f"/api/v1/connections/{cid}/schema")
            assert schema.status_code == 200 and schema.json()["tables"], schema.text
            # read-only: a write is refused by the engine
            with pytest.raises(Exception):  # noqa: B017 - each engine words it its own way
                rows(h, admin.tenant_id, cid, "DELETE FROM sales")
        listed = (await h.as_(h.tenant.viewer, "GET", FILES)).json()["data"]
        assert sorted(f["name"] for f in listed) == sorted(cases)


async def test_bad_uploads_are_refused(tmp_path: Path) -> None:
    async with make_app_client(tmp_path, max_upload_bytes=4096, **STRICT) as h:
        admin = h.tenant.admin
        bad = {
            "fake.duckdb": b"#!/bin/sh\necho not a database\n",
            "fake.sqlite": b"SQLite format 2\x00 nope",
            "fake.parquet": b"PAR1 but not really",
            "binary.csv": b"\x00\x01\x02\x03ELF",
            "script.py": b"print('hi')",
            "noext": b"a,b\n1,2\n",
            "truncated.sqlite": b"SQLite format 3\x00" + b"\x00" * 50,
        }
        for name, content in bad.items():
            r = await upload(h, admin, name, content)
            assert r.status_code == 422, (name, r.text)
        big = await upload(h, admin, "big.csv", b"a,b\n" + b"1,2\n" * 20_000)
        assert big.status_code == 413, big.text
        for actor in (h.tenant.analyst, h.tenant.viewer):
            r = await upload(h, actor, "ok.csv", b"a\n1\n")
            assert r.status_code == 403, r.text
        assert (await h.as_(admin, "GET", FILES)).json()["data"] == []
        area = tenant_files(h.services, admin.tenant_id)
        assert list(area.iterdir()) == []  # nothing half-written left behind


async def test_two_tenants_cannot_reach_each_others_files(tmp_path: Path) -> None:
    async with make_app_client(tmp_path, **STRICT) as h:
        a, b = h.tenant.admin, h.other.admin
        mine = (await upload(h, a, "a-secret.csv", b"a_col\nalpha-row\n")).json()
        theirs = (await upload(h, b, "b-secret.csv", b"b_col\nbeta-row\n")).json()
        for me, own, other in ((a, mine, theirs), (b, theirs, mine)):
            listed = (await h.as_(me, "GET", FILES)).json()["data"]
            assert [f["id"] for f in listed] == [own["id"]]
            # open the other's file by path: refused, whatever the engine
            for engine in ("duckdb", "sqlite"):
                r = await h.as_(
                    me,
                    "POST",
                    "/api/v1/connections",
                    json={"name": f"steal-{engine}", "type": engine,
                          "config": {"path": other["path"]}},
                )  # fmt: skip
                assert r.status_code == 422, r.text
                assert r.json()["detail"][0]["type"] == "refused_by_policy"
            # the other's connection and file are 404
            cid = other["connection_id"]
            for method, url in (
                ("GET", f"/api/v1/connections/{cid}/schema"),
                ("POST", f"/api/v1/connections/{cid}/test"),
                ("DELETE", f"{FILES}/{other['id']}"),
            ):
                r = await h.as_(me, method, url)
                assert r.status_code == 404, (method, url, r.text)
            asked = await h.as_(
                me, "POST", "/api/v1/query", json={"question": "rows", "connection_id": cid}
            )
            assert asked.status_code == 404, asked.text
            assert "beta-row" not in asked.text and "alpha-row" not in asked.text
        # the owner still reads its own
        assert rows(h, a.tenant_id, mine["connection_id"], "SELECT * FROM a_secret") == [
            ["alpha-row"]
        ]


async def test_delete_waits_for_the_connections_over_the_file(tmp_path: Path) -> None:
    async with make_app_client(tmp_path, **STRICT) as h:
        admin = h.tenant.admin
        made = (await upload(h, admin, "d.csv", b"x\n1\n")).json()
        busy = await h.as_(admin, "DELETE", f"{FILES}/{made['id']}")
        assert busy.status_code == 409 and made["connection_id"] in busy.text
        assert (await h.as_(h.tenant.analyst, "DELETE", f"{FILES}/{made['id']}")).status_code == 403
        gone = await h.as_(admin, "DELETE", f"/api/v1/connections/{made['connection_id']}")
        assert gone.status_code == 204
        assert (await h.as_(admin, "DELETE", f"{FILES}/{made['id']}")).status_code == 204
        assert not Path(made["path"]).exists()
        assert (await h.as_(admin, "GET", FILES)).json()["data"] == []


async def test_the_legacy_shared_demo_moves_to_its_owner(tmp_path: Path) -> None:
    """H2: `files/demo.duckdb` was shared by every tenant. A data dir from before is adopted:
    the file moves into the area of the tenant whose demo it was; other tenants' connections
    to the old path are refused."""
    async with make_app_client(tmp_path, **STRICT) as h:
        from sqlalchemy import insert

        from nexatron.clock import now
        from nexatron.store.tables import connections

        legacy = h.services.settings.data_dir.resolve() / "files" / "demo.duckdb"
        legacy.parent.mkdir(parents=True, exist_ok=True)
        with duckdb.connect(str(legacy)) as db:
            db.execute("CREATE TABLE sales AS SELECT 'demo-row' AS region")
        ids = {}
        with h.services.db.begin() as conn:  # rows as an older version wrote them
            for tenant, name in ((h.tenant, "Demo sales"), (h.other, "stolen demo")):
                ids[tenant.id] = f"conn_legacy{tenant.id[-8:]}"
                conn.execute(
                    insert(connections).values(
                        id=ids[tenant.id], tenant_id=tenant.id, name=name, type="duckdb",
                        config={"path": str(legacy), "threads": None, "__secret_fields__": []},
                        is_default=True, created_at=now(), updated_at=now(), layer_version=0,
                    )
                )  # fmt: skip
        assert adopt_shared_demo(h.services) == h.tenant.id
        assert not legacy.exists()
        assert rows(h, h.tenant.id, ids[h.tenant.id], "SELECT * FROM sales") == [["demo-row"]]
        stolen = await h.as_(h.other.admin, "GET", f"/api/v1/connections/{ids[h.other.id]}/schema")
        assert stolen.status_code == 422 and "demo-row" not in stolen.text
        assert adopt_shared_demo(h.services) is None  # nothing left to move


def test_sniffing_reads_bytes_not_names() -> None:
    from nexatron.files.sniff import sniff

    assert sniff(b"SQLite format 3\x00" + b"\x00" * 20, b"") == "sqlite"
    assert sniff(b"\x00" * 8 + b"DUCK" + b"\x00" * 8, b"") == "duckdb"
    assert sniff(b"PAR1abc", b"xxPAR1") == "parquet"
    assert sniff(b"PAR1\x00\x01", b"xxxxxx") is None  # no footer, not text
    assert sniff("région,€".encode()[:-1], b"") == "csv"  # cut mid-character
    assert sniff(b"\x7fELF\x02\x01\x00", b"") is None
    assert sniff(io.BytesIO(b"").read(), b"") is None
