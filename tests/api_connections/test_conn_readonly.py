"""Writes sent down the query path's execution stage (the pooled engine of a stored connection,
past the SQL guard) and straight to a registry engine are refused; the tables are unchanged."""

from __future__ import annotations

import pytest

from nexatron.connections.service import full_config, get_row
from nexatron.errors import NexatronError
from nexatron.identity.roles import Principal
from nexatron.query.service import query_service
from nexatron.semantic.model import CompiledQuery
from nexatron.testing import Harness
from nexatron.warehouse.registry import open_engine, parse_config

from .conn_support import Target, create_connection

pytestmark = pytest.mark.anyio

WRITES = [
    "DELETE FROM loans",
    "DROP TABLE loans",
    "INSERT INTO branches VALUES (9, 'Annex')",
    "UPDATE loans SET fee = 0",
    "CREATE TABLE evil (id INTEGER)",
    "SELECT 1; DELETE FROM loans",
]


def _state(target: Target) -> tuple[object, ...]:
    tables = target.query(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'evil'"
        if target.type != "sqlite"
        else "SELECT count(*) FROM sqlite_master WHERE name = 'evil'"
    )
    return (
        *target.query("SELECT count(*), sum(fee) FROM loans"),
        *target.query("SELECT count(*) FROM branches"),
        *tables,
    )


async def test_writes_through_the_execution_layer_are_refused(
    harness: Harness, target: Target
) -> None:
    admin = harness.tenant.admin
    created = await create_connection(harness, admin, "lib", target.type, target.config)
    cid = created.json()["id"]
    metric = await harness.as_(
        admin,
        "POST",
        "/api/v1/semantic/metrics",
        json={
            "connection_id": cid,
            "name": "loan_count",
            "label": "Number of loans",
            "table": "loans",
            "agg": "count",
        },
    )
    assert metric.status_code == 201, metric.text
    before = _state(target)
    assert before[0][0] == 4 and before[1][0] == 2 and before[2][0] == 0

    service = query_service(harness.services)
    principal = Principal(tenant_id=admin.tenant_id, user_id=admin.user_id, role="admin")
    prepared = service.prepare(principal, "number of loans", cid, None)
    result, _cached = service.execute(prepared)
    assert result.rows == [[4]]  # the path works for reads
    for sql in WRITES:
        prepared.compiled = CompiledQuery(sql=sql, dialect=prepared.compiled.dialect, columns=[])
        with pytest.raises(NexatronError):
            service.execute(prepared)
        assert _state(target) == before, sql

    with harness.services.db.connect() as db:
        row = get_row(db, admin.tenant_id, cid)
    engine = open_engine(target.type, parse_config(target.type, full_config(harness.services, row)))
    try:
        for sql in WRITES:
            with pytest.raises(NexatronError):
                engine.execute(sql, timeout_s=5, row_cap=10)
            assert _state(target) == before, sql
    finally:
        engine.dispose()
    answer = await harness.as_(
        admin, "POST", "/api/v1/query", json={"question": "delete all loans"}
    )
    assert answer.status_code in (400, 422), answer.text
    assert _state(target) == before
