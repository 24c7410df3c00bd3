"""Schema snapshots per connection: introspected in bulk, cached in the store, refreshable."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from nexatron import audit
from nexatron.clock import now
from nexatron.connections.service import (
    connection_policy,
    engine_for,
    full_config,
    get_row,
)
from nexatron.connections.tester import ConnectionTester
from nexatron.services import Services
from nexatron.store.tables import connections
from nexatron.warehouse.registry import open_engine, parse_config
from nexatron.warehouse.types import SchemaSnapshot, TestResult


def _fresh(cached_at: dt.datetime | None, ttl_s: float) -> bool:
    return cached_at is not None and now() - cached_at < dt.timedelta(seconds=ttl_s)


def get_schema(
    services: Services, tenant_id: str, connection_id: str, *, refresh: bool = False
) -> SchemaSnapshot:
    with services.db.connect() as conn:
        row = get_row(conn, tenant_id, connection_id)
        cached = None
        if not refresh and _fresh(row.schema_cached_at, services.settings.schema_cache_ttl_s):
            cached = conn.execute(
                select(connections.c.schema_cache).where(connections.c.id == row.id)
            ).scalar()
    if cached is not None:
        return SchemaSnapshot.model_validate(cached)
    snapshot = engine_for(services, row).introspect()
    if snapshot.introspected_at is None:
        snapshot.introspected_at = now()
    with services.db.begin() as conn:
        conn.execute(
            update(connections)
            .where(connections.c.tenant_id == tenant_id, connections.c.id == connection_id)
            .values(
                schema_cache=snapshot.model_dump(mode="json"),
                schema_cached_at=snapshot.introspected_at,
                value_index=None,
            )
        )
    return snapshot


def test_connection(services: Services, tenant_id: str, connection_id: str) -> TestResult:
    """A round trip on an engine of its own with the short test timeout (closed afterwards),
    audited as `connection.test` (a failed test records its outcome)."""
    with services.db.connect() as conn:
        row = get_row(conn, tenant_id, connection_id)
    engine = open_engine(
        row.type,
        parse_config(row.type, full_config(services, row)),
        connect_timeout_s=services.settings.connection_test_timeout_s,
        gate=connection_policy(services).for_tenant(tenant_id),
    )
    try:
        result = engine.test()
    finally:
        engine.dispose()
    with services.db.begin() as conn:
        audit.record(
            conn,
            tenant_id=tenant_id,
            action="connection.test",
            target=audit.Target("connection", connection_id, row.name),
            outcome="success" if result.ok else "failure",
            reason=None if result.ok else f"test failed: {result.error_code}",
        )
    return result


def tester(services: Services) -> ConnectionTester:
    existing = services.connection_tester
    if existing is None:
        settings = services.settings
        existing = services.connection_tester = ConnectionTester(
            workers=settings.connection_test_workers,
            per_tenant=settings.connection_tests_per_tenant,
        )
    return existing
