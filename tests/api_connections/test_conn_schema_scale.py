"""GET /schema on a 1,000-table x 20-column PostgreSQL schema, through the API: complete and
cached (its time is bench/bench_schema.py's figure; the test prints it with -s)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import psycopg2
import pytest

from nexatron.testing import Harness

from .conn_support import SUPERUSER_PW, create_connection

pytestmark = pytest.mark.anyio

TABLES, COLUMNS = 1000, 20
_TYPES = ["TEXT", "NUMERIC(12,2)", "DATE", "TIMESTAMPTZ", "BOOLEAN", "BIGINT"]


def _ddl(schema: str) -> str:
    statements = []
    for i in range(TABLES):
        cols = ["id INTEGER PRIMARY KEY"]
        cols.append(f"t{i - 1}_id INTEGER REFERENCES {schema}.t{i - 1}(id)" if i else "ref_id INT")
        cols += [f"c{j} {_TYPES[j % len(_TYPES)]}" for j in range(2, COLUMNS)]
        statements.append(f"CREATE TABLE {schema}.t{i} ({', '.join(cols)})")
    return ";\n".join(statements)


@pytest.fixture
def wide_schema(pg_scram_port: int) -> Iterator[str]:
    """In the throwaway cluster: with a PostgreSQL metadata store the shared server's 5432 is
    the store's own address, which the connection policy refuses."""
    schema = f"nx_wide_{uuid.uuid4().hex[:10]}"
    conn = psycopg2.connect(
        host="127.0.0.1",
        port=pg_scram_port,
        user="postgres",
        password=SUPERUSER_PW,
        dbname="postgres",
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(f"CREATE SCHEMA {schema};\n" + _ddl(schema))
        yield schema
    finally:
        with conn.cursor() as cur:
            cur.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.close()


async def test_schema_of_a_thousand_tables_is_complete_and_cached(
    harness: Harness, wide_schema: str, pg_scram_port: int
) -> None:
    admin = harness.tenant.admin
    config = {
        "host": "127.0.0.1",
        "port": pg_scram_port,
        "database": "postgres",
        "user": "postgres",
        "password": SUPERUSER_PW,
        "sslmode": "disable",
        "schemas": [wide_schema],
    }
    created = await create_connection(harness, admin, "wide", "postgres", config)
    assert created.status_code == 201, created.text
    url = f"/api/v1/connections/{created.json()['id']}/schema"

    start = time.perf_counter()
    response = await harness.as_(admin, "GET", url)
    cold = time.perf_counter() - start
    assert response.status_code == 200, response.text
    start = time.perf_counter()
    cached = await harness.as_(admin, "GET", url)
    warm = time.perf_counter() - start
    start = time.perf_counter()
    refreshed = await harness.as_(admin, "GET", url + "?refresh=true")
    again = time.perf_counter() - start
    print(  # the figure for the report (pytest -s)
        f"\n/schema 1000x20 PostgreSQL: cold {cold * 1000:.0f} ms, cached {warm * 1000:.0f} ms, "
        f"refresh {again * 1000:.0f} ms, {len(response.content) / 1e6:.1f} MB"
    )

    snapshot = response.json()
    assert len(snapshot["tables"]) == TABLES
    assert {t["schema_name"] for t in snapshot["tables"]} == {wide_schema}
    t500 = next(t for t in snapshot["tables"] if t["name"] == "t500")
    assert len(t500["columns"]) == COLUMNS and t500["primary_key"] == ["id"]
    assert t500["foreign_keys"] == [
        {
            "columns": ["t499_id"],
            "ref_schema": wide_schema,
            "ref_table": "t499",
            "ref_columns": ["id"],
        }
    ]
    kinds = ["string", "decimal", "date", "timestamp", "boolean", "integer"]
    normalized = dict(zip(_TYPES, kinds, strict=True))
    assert [c["type"] for c in t500["columns"][2:]] == [
        normalized[_TYPES[j % len(_TYPES)]] for j in range(2, COLUMNS)
    ]
    assert cached.json() == snapshot
    assert len(refreshed.json()["tables"]) == TABLES
