"""The value index (what lets 'sales in Germany' find Germany): low-cardinality string columns
are indexed completely, a column a sample proves high-cardinality is skipped without a full
DISTINCT over it."""

from __future__ import annotations

import duckdb
import pytest

from nexatron.connections import service as connections
from nexatron.query import context
from nexatron.query.context import ContextLoader
from nexatron.semantic import repository as repo
from nexatron.semantic.model import Dimension, Metric
from nexatron.store.records import ConnectionRecord
from nexatron.testing import Harness, tenant_files

pytestmark = pytest.mark.anyio


async def test_complete_for_few_values_and_sampled_away_for_many(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tenant_files(harness.services, harness.tenant.admin.tenant_id) / "events.duckdb"
    with duckdb.connect(str(path)) as con:
        # 30,000 rows: 'rare' appears only after the sample's first rows; 'label' is unique.
        con.execute(
            "CREATE TABLE events AS SELECT range AS id, 'label-' || range AS label, "
            "CASE WHEN range = 29999 THEN 'rare' ELSE 'common-' || (range % 3) END AS kind "
            "FROM range(30000)"
        )
    admin = harness.tenant.admin
    created = connections.create(
        harness.services,
        admin.tenant_id,
        admin.user_id,
        name="Events",
        type_name="duckdb",
        config={"path": str(path)},
        is_default=False,
    )
    with harness.services.db.begin() as conn:
        for dim in ("label", "kind"):
            obj = Dimension(name=dim, label=dim, table="events", expr=dim)
            repo.insert_object(conn, admin.tenant_id, created["id"], "dimension", obj)
        metric = Metric(name="events", label="Events", table="events", agg="count")
        repo.insert_object(conn, admin.tenant_id, created["id"], "metric", metric)
    monkeypatch.setattr(context, "VALUE_SAMPLE", 1000)
    ran: list[str] = []
    engine_for = context.engine_for

    def spying(services, row):  # type: ignore[no-untyped-def]
        engine = engine_for(services, row)
        execute = engine.execute

        def recorded(sql: str, **kwargs):  # type: ignore[no-untyped-def]
            ran.append(sql)
            return execute(sql, **kwargs)

        monkeypatch.setattr(engine, "execute", recorded)
        return engine

    monkeypatch.setattr(context, "engine_for", spying)
    with harness.services.db.connect() as conn:
        found = conn.execute(context._ONE, {"t": admin.tenant_id, "c": created["id"]}).one()
        row = ConnectionRecord.from_row(found)
        layer = repo.load_layer(conn, admin.tenant_id, created["id"])
    values = ContextLoader(harness.services).value_index(row, layer)
    assert values == {"kind": ["common-0", "common-1", "common-2", "rare"]}
    assert not any("DISTINCT label" in sql for sql in ran)  # the sample ruled it out
    assert any("DISTINCT kind" in sql for sql in ran)
