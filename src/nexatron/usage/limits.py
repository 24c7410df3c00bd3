"""Seats and connections of a tenant's plan: a create beyond the limit is a 403 naming it.

Checked in the creating transaction, after taking the tenant's write lock (`lock_tenant`), so
two creates racing at the limit are serialised: the second counts the first's row and is
refused. PostgreSQL: `SELECT ... FOR NO KEY UPDATE` of the tenant row (it does not wait for the
history writer's inserts, whose foreign keys only take KEY SHARE). SQLite: `BEGIN IMMEDIATE`
(the database's one write lock, taken before anything is read).
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from nexatron.errors import Forbidden
from nexatron.settings import Settings
from nexatron.store.tables import connections, tenants, users
from nexatron.usage.plans import plan_spec


def lock_tenant(conn: Connection, tenant_id: str) -> None:
    """Serialise this transaction with every other one that locks the same tenant (until it
    commits or rolls back). Call it before counting what the transaction will add to."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.execute(
            select(tenants.c.id).where(tenants.c.id == tenant_id).with_for_update(key_share=True)
        )
    elif dialect == "sqlite":
        raw = conn.connection.dbapi_connection
        # The sqlite3 module opens a transaction only before the first write; one already open
        # holds the write lock since that write. Otherwise take the lock before reading.
        if raw is not None and not raw.in_transaction:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def seats_used(conn: Connection, tenant_id: str) -> int:
    return int(
        conn.execute(
            select(func.count()).where(users.c.tenant_id == tenant_id, users.c.disabled.is_(False))
        ).scalar_one()
    )


def connections_used(conn: Connection, tenant_id: str) -> int:
    return int(
        conn.execute(select(func.count()).where(connections.c.tenant_id == tenant_id)).scalar_one()
    )


def _refuse(kind: str, plan: str, limit: int, what: str) -> Forbidden:
    return Forbidden(
        {
            "code": f"{kind}_limit_reached",
            "limit": limit,
            "plan": plan,
            "message": f"The {plan!r} plan allows {limit} {what}, and the tenant has them all. "
            f"Free one, or ask the operator for a larger plan.",
        }
    )


def check_new_seat(conn: Connection, settings: Settings, tenant_id: str, plan: str) -> None:
    """Before a user is created or re-enabled: 403 when every seat of the plan is taken."""
    limit = plan_spec(settings, plan).seats
    if limit is None:
        return
    lock_tenant(conn, tenant_id)
    if seats_used(conn, tenant_id) >= limit:
        raise _refuse("seat", plan, limit, "enabled users (seats)")


def check_new_connection(
    conn: Connection, settings: Settings, tenant_id: str, plan: str, *, lock: bool = True
) -> None:
    """Before a connection is created: 403 when the plan's connections are all used. `lock`
    False: an early look without the lock (before validating a body), not the check itself."""
    limit = plan_spec(settings, plan).connections
    if limit is None:
        return
    if lock:
        lock_tenant(conn, tenant_id)
    if connections_used(conn, tenant_id) >= limit:
        raise _refuse("connection", plan, limit, "connections")
