"""DuckDB and SQLite files: read-only connections, interrupt-based timeouts, bulk catalogs."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import duckdb
import pytest

from nexatron.warehouse import QueryFailed, QueryTimeout, open_engine, parse_config
from nexatron.warehouse.local import FileEngine

from . import wh_dataset as dataset
from . import wh_proof as proof


def make_duckdb(path: Path) -> FileEngine:
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE SCHEMA sales")
        for stmt in dataset.seed_sql("duckdb", "sales"):
            conn.execute(stmt)
        conn.execute("COMMENT ON TABLE sales.orders IS 'one row per order'")
    engine = open_engine("duckdb", parse_config("duckdb", {"path": str(path)}))
    assert isinstance(engine, FileEngine)
    return engine


def make_sqlite(path: Path) -> FileEngine:
    with sqlite3.connect(path) as conn:
        for stmt in dataset.seed_sql("sqlite", None):
            conn.execute(stmt)
        conn.execute("ANALYZE")
    conn.close()
    engine = open_engine("sqlite", parse_config("sqlite", {"path": str(path)}))
    assert isinstance(engine, FileEngine)
    return engine


def test_duckdb_proof(tmp_path: Path) -> None:
    engine = make_duckdb(tmp_path / "w.duckdb")
    proof.check_test(engine)
    snap = engine.introspect()
    proof.check_schema(snap, "sales")
    assert snap.table("sales.orders").comment == "one row per order"  # type: ignore[union-attr]
    assert snap.default_schema == "main"
    proof.check_query(engine, dataset.proof_sql("sales", "DATE '2024-02-01'"))
    count = "SELECT COUNT(*), SUM(amount) FROM sales.orders"
    writes = [
        *dataset.write_attempts("sales"),
        "ATTACH ':memory:' AS m",
        "INSTALL httpfs",
        "COPY sales.orders TO '/tmp/nx-out.csv'",
        "SET enable_external_access = true",
    ]
    proof.check_writes_refused(engine, writes, count)
    with pytest.raises(QueryFailed):
        engine.execute("SELECT * FROM read_csv('/etc/passwd')", timeout_s=5, row_cap=1)
    proof.check_row_cap(engine, "SELECT * FROM sales.orders ORDER BY id")
    engine.dispose()


def test_duckdb_timeout_and_stream(tmp_path: Path) -> None:
    engine = make_duckdb(tmp_path / "w.duckdb")
    start = time.perf_counter()
    with pytest.raises(QueryTimeout):
        engine.execute("SELECT COUNT(*) FROM range(10000000000) a", timeout_s=0.3, row_cap=1)
    assert time.perf_counter() - start < 3
    columns, batches = engine.stream(
        "SELECT range AS g FROM range(2500)", timeout_s=10, batch_size=1000
    )
    assert [c.name for c in columns] == ["g"]
    assert [len(b) for b in batches] == [1000, 1000, 500]
    engine.dispose()


def test_sqlite_proof(tmp_path: Path) -> None:
    engine = make_sqlite(tmp_path / "w.sqlite")
    proof.check_test(engine)
    snap = engine.introspect()
    proof.check_schema(snap, "main")
    assert snap.table("orders").row_count == len(dataset.ORDERS)  # type: ignore[union-attr]
    proof.check_query(engine, dataset.proof_sql(None, "'2024-02-01'"))
    count = "SELECT COUNT(*), SUM(amount) FROM orders"
    attach = tmp_path / "x.db"
    writes = [*dataset.write_attempts(None), f"ATTACH '{attach}' AS x", "PRAGMA query_only = 0"]
    proof.check_writes_refused(engine, writes, count)
    assert not attach.exists()
    proof.check_row_cap(engine, "SELECT * FROM orders ORDER BY id")


def test_sqlite_does_not_trust_the_files_schema(tmp_path: Path) -> None:
    """Issue 11 (uploaded files are parsed in the server): a view, trigger or default in a
    tenant's file may use only innocuous functions and virtual tables (trusted_schema=OFF).
    Before, a view over a pragma virtual table answered and was introspected; now it is refused
    (so is an introspection that would have to prepare it), while ordinary views still work."""
    plain, unsafe = tmp_path / "plain.sqlite", tmp_path / "unsafe.sqlite"
    for path in (plain, unsafe):
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE t (x INTEGER)")
            conn.execute("CREATE VIEW doubled AS SELECT upper('a') AS a, x * 2 AS y FROM t")
            if path == unsafe:
                conn.execute("CREATE VIEW files AS SELECT * FROM pragma_database_list")
        conn.close()
    engine = open_engine("sqlite", parse_config("sqlite", {"path": str(unsafe)}))
    cursor, _interrupt, close = engine.open_cursor()  # type: ignore[attr-defined]
    try:
        assert cursor.execute("PRAGMA trusted_schema").fetchone() == (0,)
    finally:
        close()
    with pytest.raises(QueryFailed):
        engine.execute("SELECT * FROM files", timeout_s=5, row_cap=10)
    with pytest.raises(QueryFailed):
        engine.introspect()
    assert engine.execute("SELECT COUNT(*) FROM doubled", timeout_s=5, row_cap=1).rows == [[0]]
    ordinary = open_engine("sqlite", parse_config("sqlite", {"path": str(plain)}))
    assert {t.name for t in ordinary.introspect().tables} == {"t", "doubled"}


def test_sqlite_timeout_and_missing_file(tmp_path: Path) -> None:
    engine = make_sqlite(tmp_path / "w.sqlite")
    sql = "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT COUNT(*) FROM r"
    with pytest.raises(QueryTimeout):
        engine.execute(sql, timeout_s=0.3, row_cap=1)
    missing = open_engine("sqlite", parse_config("sqlite", {"path": str(tmp_path / "nope.db")}))
    result = missing.test()
    assert result.error_code == "database_missing"
    assert not (tmp_path / "nope.db").exists()  # read-only open never creates the file
