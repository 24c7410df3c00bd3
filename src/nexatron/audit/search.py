"""Reading a tenant's events: filters, newest first, cursor pagination."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, RowMapping, or_, select

from nexatron.errors import BadRequest
from nexatron.store.tables import audit_events

PUBLIC = (
    "id",
    "occurred_at",
    "tenant_id",
    "action",
    "outcome",
    "reason",
    "client_ip",
    "user_agent",
    "request_id",
    "changed_fields",
    "seq",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True, slots=True)
class Filters:
    actor: str | None = None  # an actor id (user, key, ...) or display
    action: str | None = None  # a prefix on dot boundaries: `auth` matches auth.login.failed
    target: str | None = None  # a target id or name
    since: dt.datetime | None = None  # inclusive
    until: dt.datetime | None = None  # exclusive


def parse_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    if not cursor.isdigit() or len(cursor) > 18:
        raise BadRequest("Invalid cursor: pass the `next_cursor` of the previous page.")
    return int(cursor)


def public_event(row: RowMapping) -> dict[str, Any]:
    event = {name: row[name] for name in PUBLIC}
    event["actor"] = {
        "type": row["actor_type"],
        "id": row["actor_id"],
        "display": row["actor_display"],
    }
    event["target"] = {
        "type": row["target_type"],
        "id": row["target_id"],
        "name": row["target_name"],
    }
    return event


def page(
    conn: Connection, tenant_id: str, filters: Filters, *, cursor: int | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """Up to `limit` events older than the cursor, newest first, and the next page's cursor."""
    query = select(audit_events).where(audit_events.c.chain == tenant_id)
    if cursor is not None:
        query = query.where(audit_events.c.seq < cursor)
    if filters.actor:
        query = query.where(
            or_(
                audit_events.c.actor_id == filters.actor,
                audit_events.c.actor_display == filters.actor,
            )
        )
    if filters.action:
        prefix = filters.action.rstrip(".")
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(
            or_(
                audit_events.c.action == prefix,
                audit_events.c.action.like(escaped + ".%", escape="\\"),
            )
        )
    if filters.target:
        query = query.where(
            or_(
                audit_events.c.target_id == filters.target,
                audit_events.c.target_name == filters.target,
            )
        )
    if filters.since:
        query = query.where(audit_events.c.occurred_at >= filters.since)
    if filters.until:
        query = query.where(audit_events.c.occurred_at < filters.until)
    rows = list(conn.execute(query.order_by(audit_events.c.seq.desc()).limit(limit + 1)).mappings())
    more = len(rows) > limit
    rows = rows[:limit]
    return [public_event(r) for r in rows], (str(rows[-1]["seq"]) if more and rows else None)
