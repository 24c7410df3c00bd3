"""Schema snapshots per connection: introspected in bulk, cached in the store, refreshable."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Callable
from functools import partial

import anyio
from sqlalchemy import select, update

from nexatron import audit
from nexatron.clock import now
from nexatron.connections.service import (
    connection_policy,
    full_config,
    get_row,
)
from nexatron.connections.tester import ConnectPool
from nexatron.services import Services
from nexatron.store.records import ConnectionRecord
from nexatron.store.tables import connections
from nexatron.warehouse.base import Engine
from nexatron.warehouse.registry import open_engine, parse_config
from nexatron.warehouse.types import SchemaSnapshot, TestResult


def _fresh(cached_at: dt.datetime | None, ttl_s: float) -> bool:
    return cached_at is not None and now() - cached_at < dt.timedelta(seconds=ttl_s)


def cached_schema(
    services: Services, tenant_id: str, connection_id: str, *, refresh: bool = False
) -> SchemaSnapshot | None:
    """The stored snapshot while it is fresh (404 for another tenant's connection); None when
    it has to be introspected."""
    with services.db.connect() as conn:
        row = get_row(conn, tenant_id, connection_id)
        cached = None
        if not refresh and _fresh(row.schema_cached_at, services.settings.schema_cache_ttl_s):
            cached = conn.execute(
                select(connections.c.schema_cache).where(connections.c.id == row.id)
            ).scalar()
    return None if cached is None else SchemaSnapshot.model_validate(cached)


def introspect(services: Services, tenant_id: str, connection_id: str) -> SchemaSnapshot:
    """Introspect now, on an engine of its own with the short connect timeout (closed
    afterwards), and store the snapshot. Runs on the bounded pool (`introspector`)."""
    with services.db.connect() as conn:
        row = get_row(conn, tenant_id, connection_id)
    engine = _short_lived_engine(services, row)
    try:
        snapshot = engine.introspect()
    finally:
        engine.dispose()
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


def get_schema(
    services: Services, tenant_id: str, connection_id: str, *, refresh: bool = False
) -> SchemaSnapshot:
    """For callers on a thread: the cached snapshot, else an introspection under the tenant's
    share of the bounded pool (429 beyond it)."""
    cached = cached_schema(services, tenant_id, connection_id, refresh=refresh)
    if cached is not None:
        return cached
    return introspector(services).run(
        tenant_id, lambda: introspect(services, tenant_id, connection_id)
    )


async def get_schema_async(
    services: Services, tenant_id: str, connection_id: str, *, refresh: bool = False
) -> SchemaSnapshot:
    """`get_schema` for the event loop: no thread is held while the introspection waits, and
    concurrent requests for one connection share one introspection."""
    if services.local_io:
        cached = cached_schema(services, tenant_id, connection_id, refresh=refresh)
    else:
        cached = await anyio.to_thread.run_sync(
            partial(cached_schema, services, tenant_id, connection_id, refresh=refresh)
        )
    if cached is not None:
        return cached
    job = introspector(services).submit(
        tenant_id,
        lambda: introspect(services, tenant_id, connection_id),
        key=f"{tenant_id}:{connection_id}",
    )
    # Shielded: a client that goes away must not cancel a job other requests share.
    return await asyncio.shield(asyncio.wrap_future(job))


def _short_lived_engine(services: Services, row: ConnectionRecord) -> Engine:
    return open_engine(
        row.type,
        parse_config(row.type, full_config(services, row)),
        connect_timeout_s=services.settings.connection_test_timeout_s,
        gate=connection_policy(services).for_tenant(row.tenant_id),
    )


def test_connection(services: Services, tenant_id: str, connection_id: str) -> TestResult:
    """A round trip on an engine of its own with the short test timeout (closed afterwards),
    audited as `connection.test` (a failed test records its outcome)."""
    with services.db.connect() as conn:
        row = get_row(conn, tenant_id, connection_id)
    engine = _short_lived_engine(services, row)
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


_POOLS_MADE = threading.Lock()  # two first requests at once must not make two pools


def _pool(services: Services, field: str, make: Callable[[], ConnectPool]) -> ConnectPool:
    existing: ConnectPool | None = getattr(services, field)
    if existing is None:
        with _POOLS_MADE:
            existing = getattr(services, field)
            if existing is None:
                existing = make()
                setattr(services, field, existing)
    return existing


def tester(services: Services) -> ConnectPool:
    """The connection tests' pool."""
    settings = services.settings
    return _pool(
        services,
        "connection_tester",
        lambda: ConnectPool(
            workers=settings.connection_test_workers,
            per_tenant=settings.connection_tests_per_tenant,
            what="connection tests",
            name="nexatron-conntest",
        ),
    )


def introspector(services: Services) -> ConnectPool:
    """The pool of schema introspections, bootstraps and value-index builds (apart from tests:
    an introspection of a large warehouse takes longer than a test, and must not delay one)."""
    settings = services.settings
    return _pool(
        services,
        "schema_introspector",
        lambda: ConnectPool(
            workers=settings.introspection_workers,
            per_tenant=settings.introspections_per_tenant,
            what="schema introspections, bootstraps or value indexes",
            name="nexatron-introspect",
        ),
    )
