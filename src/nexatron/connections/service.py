"""CRUD for connections. Secrets are encrypted with the tenant and connection ids bound in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select, update

from nexatron import audit
from nexatron.errors import Conflict, NotFound, ValidationFailed
from nexatron.ids import new_id
from nexatron.services import Services
from nexatron.store.tables import connections
from nexatron.warehouse.base import Engine
from nexatron.warehouse.pool import EnginePool
from nexatron.warehouse.registry import get_engine_class, merge_secrets, parse_config, split_secrets

MASKS = {"********", "***", "•••••"}
FILE_ENGINES = {"duckdb", "sqlite"}


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def aad(tenant_id: str, connection_id: str) -> str:
    return f"connection:{tenant_id}:{connection_id}"


def pool(services: Services) -> EnginePool:
    existing = services.extras.get("engine_pool")
    if existing is None:
        existing = services.extras["engine_pool"] = EnginePool()
    return existing


def public(row: Any) -> dict[str, Any]:
    """The API view: config without secrets, `has_<secret>` flags instead."""
    cls = get_engine_class(row.type)
    secret_fields = cls.config_model.secret_fields
    present = set(row.config.get("__secret_fields__", []))
    config = {k: v for k, v in row.config.items() if k != "__secret_fields__"}
    flags = {f"has_{name}": name in present for name in secret_fields}
    return {
        "id": row.id,
        "name": row.name,
        "type": row.type,
        "dialect": cls.dialect,
        "config": {**config, **flags},
        "is_default": row.is_default,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "schema_cached_at": row.schema_cached_at,
    }


def _fields(type_name: str) -> set[str]:
    """The engine's config field names (what the audit log may name)."""
    return set(get_engine_class(type_name).config_model.model_fields)


def _check_file(services: Services, type_name: str, config: dict[str, Any]) -> None:
    """File engines may not open the server's own data (metadata store, secrets)."""
    if type_name not in FILE_ENGINES or not config.get("path"):
        return
    target = Path(str(config["path"])).expanduser().resolve()
    data_dir = services.settings.data_dir.resolve()
    allowed_inside = data_dir / "files"
    if target.is_relative_to(data_dir) and not target.is_relative_to(allowed_inside):
        raise ValidationFailed(
            [
                {
                    "loc": ["body", "config", "path"],
                    "type": "value_error",
                    "msg": f"Files inside the server's data directory are off limits; "
                    f"put database files under {allowed_inside} or elsewhere.",
                }
            ]
        )


def _seal(
    services: Services, tenant_id: str, conn_id: str, type_name: str, data: dict[str, Any]
) -> tuple[dict[str, Any], str | None]:
    config = parse_config(type_name, data)
    _check_file(services, type_name, config.model_dump())
    public_part, secret_part = split_secrets(config)
    secret_part = {k: v for k, v in secret_part.items() if v is not None}
    public_part["__secret_fields__"] = sorted(secret_part)
    sealed = (
        services.box.encrypt_json(secret_part, aad(tenant_id, conn_id)) if secret_part else None
    )
    return public_part, sealed


def get_row(conn: Connection, tenant_id: str, connection_id: str) -> Any:
    row = conn.execute(
        select(connections).where(
            connections.c.tenant_id == tenant_id, connections.c.id == connection_id
        )
    ).first()
    if row is None:
        raise NotFound("Connection not found.")
    return row


def list_rows(conn: Connection, tenant_id: str) -> list[Any]:
    return list(
        conn.execute(
            select(connections)
            .where(connections.c.tenant_id == tenant_id)
            .order_by(connections.c.created_at)
        )
    )


def _name_taken(conn: Connection, tenant_id: str, name: str, exclude: str | None = None) -> bool:
    clause = (connections.c.tenant_id == tenant_id) & (connections.c.name == name)
    if exclude:
        clause = clause & (connections.c.id != exclude)
    return conn.execute(select(connections.c.id).where(clause)).first() is not None


def create(
    services: Services,
    tenant_id: str,
    user_id: str,
    *,
    name: str,
    type_name: str,
    config: dict[str, Any],
    is_default: bool | None,
) -> dict[str, Any]:
    type_name = get_engine_class(type_name).type_name  # canonical: "postgresql" -> "postgres"
    conn_id = new_id("connection")
    public_part, sealed = _seal(services, tenant_id, conn_id, type_name, config)
    with services.db.begin() as conn:
        if _name_taken(conn, tenant_id, name):
            raise Conflict(f"A connection named {name!r} already exists.")
        first = not list_rows(conn, tenant_id)
        make_default = first if is_default is None else is_default
        if make_default:
            conn.execute(
                update(connections)
                .where(connections.c.tenant_id == tenant_id)
                .values(is_default=False)
            )
        stamp = now()
        conn.execute(
            connections.insert().values(
                id=conn_id,
                tenant_id=tenant_id,
                name=name,
                type=type_name,
                config=public_part,
                secrets=sealed,
                is_default=make_default,
                created_by=user_id,
                created_at=stamp,
                updated_at=stamp,
                layer_version=0,
            )
        )
        audit.record(
            conn,
            tenant_id=tenant_id,
            action="connection.create",
            target=audit.Target("connection", conn_id, name),
            changed_fields=[
                "name",
                "type",
                "is_default",
                *audit.field_names("config", config, _fields(type_name)),
            ],
        )
        return public(get_row(conn, tenant_id, conn_id))


def secrets_of(services: Services, row: Any) -> dict[str, Any]:
    if not row.secrets:
        return {}
    value: dict[str, Any] = services.box.decrypt_json(row.secrets, aad(row.tenant_id, row.id))
    return value


def full_config(services: Services, row: Any) -> dict[str, Any]:
    base = {k: v for k, v in row.config.items() if k != "__secret_fields__"}
    return merge_secrets(base, secrets_of(services, row))


def update_connection(
    services: Services, tenant_id: str, connection_id: str, changes: dict[str, Any]
) -> dict[str, Any]:
    with services.db.begin() as conn:
        row = get_row(conn, tenant_id, connection_id)
        values: dict[str, Any] = {"updated_at": now()}
        changed: list[str] = []
        if "name" in changes and changes["name"] != row.name:
            if _name_taken(conn, tenant_id, changes["name"], exclude=connection_id):
                raise Conflict(f"A connection named {changes['name']!r} already exists.")
            values["name"] = changes["name"]
            changed.append("name")
        if changes.get("config") is not None:
            merged = full_config(services, row)
            for key, value in changes["config"].items():
                if isinstance(value, str) and value in MASKS:
                    continue  # a masked secret sent back keeps the stored one
                if key.startswith("has_"):
                    continue
                if merged.get(key) != value:
                    changed.extend(audit.field_names("config", [key], _fields(row.type)))
                merged[key] = value
            values["config"], values["secrets"] = _seal(
                services, tenant_id, connection_id, row.type, merged
            )
            values["schema_cache"] = None
            values["schema_cached_at"] = None
            values["value_index"] = None
            values["layer_version"] = row.layer_version + 1
        if changes.get("is_default") is True:
            conn.execute(
                update(connections)
                .where(connections.c.tenant_id == tenant_id)
                .values(is_default=False)
            )
            values["is_default"] = True
        elif changes.get("is_default") is False:
            values["is_default"] = False
        if values.get("is_default", row.is_default) != row.is_default:
            changed.append("is_default")
        conn.execute(update(connections).where(connections.c.id == connection_id).values(**values))
        result = public(get_row(conn, tenant_id, connection_id))
        audit.record(
            conn,
            tenant_id=tenant_id,
            action="connection.update",
            target=audit.Target("connection", connection_id, result["name"]),
            changed_fields=changed,
        )
    pool(services).evict(connection_id)
    return result


def delete(services: Services, tenant_id: str, connection_id: str) -> None:
    with services.db.begin() as conn:
        row = get_row(conn, tenant_id, connection_id)
        conn.execute(
            connections.delete().where(
                connections.c.tenant_id == tenant_id, connections.c.id == connection_id
            )
        )
        audit.record(
            conn,
            tenant_id=tenant_id,
            action="connection.delete",
            target=audit.Target("connection", connection_id, row.name),
        )
    pool(services).evict(connection_id)


def engine_for(services: Services, row: Any) -> Engine:
    """The pooled live engine for a stored connection (re-created when its config changed)."""
    config = parse_config(row.type, full_config(services, row))
    return pool(services).get(row.id, row.type, config)
