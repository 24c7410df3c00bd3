"""POST /semantic/bootstrap on PostgreSQL with two schemas and no foreign keys: every schema is
bootstrapped, a key inferred from names across schemas is verified on the data and declared, a
guess whose values are missing is refused, and the report says which and why."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import psycopg2
import pytest

from nexatron.testing import Harness, metadata_backend

pytestmark = pytest.mark.anyio

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "test"}


@pytest.fixture
def schemas() -> Iterator[tuple[str, str]]:
    tag = uuid.uuid4().hex[:8]
    crm, sales = f"bs_{tag}_crm", f"bs_{tag}_sales"
    con = psycopg2.connect(**PG)
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute(f"CREATE SCHEMA {crm}; CREATE SCHEMA {sales}")
        cur.execute(
            f'CREATE TABLE {crm}."crmCustomer" ("custId" integer, "custName" text, "custCat" text);'
            f'CREATE TABLE {sales}."crmOrder" ("ordId" integer, "custId" integer,'
            f' "promoCd" text, "ordAmt" numeric(10,2), "ordDt" date);'
            f'CREATE TABLE {sales}."crmPromo" ("promoCd" text, "promoDesc" text);'
            f"INSERT INTO {crm}.\"crmCustomer\" VALUES (1, 'Ann', 'Retail'), (2, 'Bob', 'Trade');"
            f"INSERT INTO {sales}.\"crmPromo\" VALUES ('SPRING', 'Spring sale');"
            f"INSERT INTO {sales}.\"crmOrder\" VALUES (10, 1, 'SPRING', 5.50, '2026-01-01'),"
            f" (11, 2, 'WINTER', 7.25, '2026-01-02'), (12, 2, NULL, 2.25, '2026-02-01')"
        )
    try:
        yield crm, sales
    finally:
        with con.cursor() as cur:
            cur.execute(f"DROP SCHEMA {crm} CASCADE; DROP SCHEMA {sales} CASCADE")
        con.close()


async def _post(harness: Harness, path: str, body: dict[str, Any]) -> Any:
    response = await harness.as_(harness.tenant.admin, "POST", path, json=body)
    assert response.status_code in (200, 201), response.text
    return response.json()


@pytest.mark.skipif(
    metadata_backend() == "postgres",
    reason="the local PostgreSQL is then the metadata store, which the connection policy refuses "
    "(runs in the SQLite pass)",
)
async def test_bootstrap_covers_every_schema_and_verifies_inferred_keys(
    harness: Harness, schemas: tuple[str, str]
) -> None:
    crm, sales = schemas
    config = {"host": "127.0.0.1", "database": "test", "user": "postgres", "schemas": [crm, sales]}
    conn = await _post(
        harness, "/api/v1/connections", {"name": "crm", "type": "postgres", "config": config}
    )
    body = await _post(
        harness, "/api/v1/semantic/bootstrap", {"connection_id": conn["id"], "apply": True}
    )
    assert set(body) >= {"applied", "diff", "layer", "report"}
    layer, report = body["layer"], body["report"]
    assert report["prefix"] == "crm"
    metrics = {m["name"]: m for m in layer["metrics"]}
    assert metrics["orders"]["table"] == f"{sales}.crmOrder"
    assert metrics["customers"]["label"] == "Number of customers"
    assert metrics["total_order_amount"]["expr"] == '"ordAmt"'
    rels = {(r["from_table"], r["from_columns"][0], r["to_table"]) for r in layer["relationships"]}
    assert rels == {(f"{sales}.crmOrder", "custId", f"{crm}.crmCustomer")}
    refused = {r["name"]: r["reason"] for r in report["refused"] if r["kind"] == "relationship"}
    (promo,) = [reason for name, reason in refused.items() if "promoCd" in name]
    assert "1 of 2 sampled values are not in" in promo
    declared = [d for d in report["declared"] if d["kind"] == "relationship"]
    assert "inferred from names" in declared[0]["reason"]

    # the applied layer answers across the two schemas (camelCase names quoted for PostgreSQL)
    answer = await _post(
        harness,
        "/api/v1/query",
        {"connection_id": conn["id"], "question": "total order amount by customer name"},
    )
    got = sorted((row["customer_name"], float(row["total_order_amount"])) for row in answer["data"])
    assert got == [("Ann", 5.5), ("Bob", 9.5)]

    # the value index reads the quoted camelCase column in the other schema: "Retail" is a value
    retail = await _post(
        harness,
        "/api/v1/query",
        {"connection_id": conn["id"], "question": "total order amount for Retail customers"},
    )
    assert [float(v) for row in retail["data"] for v in row.values()] == [5.5]

    openapi = (await harness.as_(harness.tenant.admin, "GET", "/openapi.json")).json()
    documented = openapi["paths"]["/api/v1/semantic/bootstrap"]["post"]["responses"]["200"]
    assert "BootstrapOut" in str(documented)
