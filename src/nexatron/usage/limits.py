"""Seats and connections of a tenant's plan: a create beyond the limit is a 403 naming it.

Checked in the creating transaction; two creates racing at the limit may both pass (the count
does not lock the tenant), so the limit can be passed by the creates running at that moment.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from nexatron.errors import Forbidden
from nexatron.settings import Settings
from nexatron.store.tables import connections, users
from nexatron.usage.plans import plan_spec


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
    if limit is not None and seats_used(conn, tenant_id) >= limit:
        raise _refuse("seat", plan, limit, "enabled users (seats)")


def check_new_connection(conn: Connection, settings: Settings, tenant_id: str, plan: str) -> None:
    """Before a connection is created: 403 when the plan's connections are all used."""
    limit = plan_spec(settings, plan).connections
    if limit is not None and connections_used(conn, tenant_id) >= limit:
        raise _refuse("connection", plan, limit, "connections")
