"""A tenant's metadata as one JSON-ready document: the layer YAML per connection, connections
(no secrets), users (no password hashes), API keys (no hashes), query history and the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, select

from nexatron.audit.search import public_event
from nexatron.semantic import repository as repo
from nexatron.semantic.yaml_io import dump_layer
from nexatron.store.tables import api_keys, audit_events, queries, users
from nexatron.tenants.service import get_row, public

FORMAT = "nexatron-tenant-export/1"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def export_tenant(conn: Connection, services: Any, tenant_id: str) -> dict[str, Any]:
    from nexatron.connections import service as connection_service

    row = get_row(conn, tenant_id)
    conn_rows = connection_service.list_rows(conn, row.id)
    user_rows = conn.execute(
        select(
            users.c.id,
            users.c.email,
            users.c.name,
            users.c.role,
            users.c.disabled,
            users.c.created_at,
        ).where(users.c.tenant_id == row.id)
    )
    key_rows = conn.execute(
        select(
            api_keys.c.id,
            api_keys.c.name,
            api_keys.c.prefix,
            api_keys.c.role,
            api_keys.c.created_by,
            api_keys.c.created_at,
            api_keys.c.revoked_at,
        ).where(api_keys.c.tenant_id == row.id)
    )
    history = conn.execute(
        select(
            queries.c.id,
            queries.c.user_id,
            queries.c.connection_id,
            queries.c.conversation_id,
            queries.c.question,
            queries.c.status,
            queries.c.sql,
            queries.c.summary,
            queries.c.row_count,
            queries.c.created_at,
        )
        .where(queries.c.tenant_id == row.id)
        .order_by(queries.c.created_at)
    )
    events = conn.execute(
        select(audit_events).where(audit_events.c.chain == row.id).order_by(audit_events.c.seq)
    ).mappings()
    document = {
        "format": FORMAT,
        "exported_at": dt.datetime.now(dt.UTC),
        "tenant": public(row),
        "connections": [
            {
                **connection_service.public(c),
                "layer_yaml": dump_layer(repo.load_layer(conn, row.id, c.id)),
            }
            for c in conn_rows
        ],
        "users": [dict(u._mapping) for u in user_rows],
        "api_keys": [dict(k._mapping) for k in key_rows],
        "history": [dict(q._mapping) for q in history],
        "audit_events": [public_event(e) for e in events],
    }
    result: dict[str, Any] = _jsonable(document)
    return result
