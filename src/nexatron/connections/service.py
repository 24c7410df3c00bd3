"""CRUD for connections. Secrets are encrypted with the tenant and connection ids bound in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, select, update

from nexatron import audit
from nexatron.clock import now
from nexatron.errors import Conflict, NotFound
from nexatron.ids import new_id
from nexatron.services import Services
from nexatron.store.installation import installation_id
from nexatron.store.records import ConnectionRecord
from nexatron.store.tables import connections
from nexatron.warehouse.base import Engine, EngineConfig
from nexatron.warehouse.policy import ConnectFailed, ConnectionPolicy, RefusedByPolicy
from nexatron.warehouse.pool import EnginePool
from nexatron.warehouse.registry import (
    FIELD_ALIASES,
    get_engine_class,
    merge_secrets,
    parse_config,
    split_secrets,
)

MASKS = {"********", "***", "•••••"}
FILE_ENGINES = {"duckdb", "sqlite"}
DEFAULT_PORTS = {"SnowflakeConfig": 443}


def aad(tenant_id: str, connection_id: str) -> str:
    return f"connection:{tenant_id}:{connection_id}"


def pool(services: Services) -> EnginePool:
    existing = services.engine_pool
    if existing is None:
        existing = services.engine_pool = EnginePool(
            connect_timeout_s=services.settings.connect_timeout_s,
            policy=connection_policy(services),
        )
    return existing


def public(row: ConnectionRecord) -> dict[str, Any]:
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


def _canonical(keys: Any) -> list[str]:
    """Config keys under their canonical names (`dbname` -> `database`): the audit log names
    only known fields, and an alias is one (it was a 500 before)."""
    return [FIELD_ALIASES.get(k, k) if isinstance(k, str) else k for k in keys]


def _fields(type_name: str) -> set[str]:
    """The engine's config field names (what the audit log may name)."""
    return set(get_engine_class(type_name).config_model.model_fields)


def connection_policy(services: Services) -> ConnectionPolicy:
    """The policy every connection of this server opens under (built once per Services)."""
    existing = services.connection_policy
    if existing is None:
        existing = ConnectionPolicy.from_settings(services.settings, installation_id(services.db))
        services.connection_policy = existing
    return existing


def check_config(services: Services, tenant_id: str, config: EngineConfig) -> None:
    """The policy's verdict at create and update (it is asked again at every connect): a
    refused address or file is a 422 with `type: refused_by_policy`. A host that does not
    resolve now, or a file not there yet, is left to the connect."""
    gate = connection_policy(services).for_tenant(tenant_id)
    try:
        path = getattr(config, "path", None)
        if isinstance(path, str):
            gate.check_file(path)
        host = getattr(config, "host", None)
        if isinstance(host, str) and host:
            port = getattr(config, "port", None) or DEFAULT_PORTS.get(type(config).__name__, 443)
            gate.address(host, int(port))
    except RefusedByPolicy:
        raise
    except ConnectFailed:
        return


def _seal(
    services: Services, tenant_id: str, conn_id: str, type_name: str, data: dict[str, Any]
) -> tuple[dict[str, Any], str | None]:
    config = parse_config(type_name, data)
    check_config(services, tenant_id, config)
    public_part, secret_part = split_secrets(config)
    secret_part = {k: v for k, v in secret_part.items() if v is not None}
    public_part["__secret_fields__"] = sorted(secret_part)
    sealed = (
        services.box.encrypt_json(secret_part, aad(tenant_id, conn_id)) if secret_part else None
    )
    return public_part, sealed


def get_row(conn: Connection, tenant_id: str, connection_id: str) -> ConnectionRecord:
    row = conn.execute(
        select(*ConnectionRecord.columns(connections)).where(
            connections.c.tenant_id == tenant_id, connections.c.id == connection_id
        )
    ).first()
    if row is None:
        raise NotFound("Connection not found.")
    return ConnectionRecord.from_row(row)


def list_rows(conn: Connection, tenant_id: str) -> list[ConnectionRecord]:
    query = (
        select(*ConnectionRecord.columns(connections))
        .where(connections.c.tenant_id == tenant_id)
        .order_by(connections.c.created_at)
    )
    return [ConnectionRecord.from_row(row) for row in conn.execute(query)]


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
    check: Callable[[Connection], None] | None = None,
) -> dict[str, Any]:
    """`check` runs first in the inserting transaction (the plan's connection limit)."""
    type_name = get_engine_class(type_name).type_name  # canonical: "postgresql" -> "postgres"
    conn_id = new_id("connection")
    public_part, sealed = _seal(services, tenant_id, conn_id, type_name, config)
    with services.db.begin() as conn:
        if check is not None:
            check(conn)
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
                *audit.field_names("config", _canonical(config), _fields(type_name)),
            ],
        )
        return public(get_row(conn, tenant_id, conn_id))


def secrets_of(services: Services, row: ConnectionRecord) -> dict[str, Any]:
    if not row.secrets:
        return {}
    value: dict[str, Any] = services.box.decrypt_json(row.secrets, aad(row.tenant_id, row.id))
    return value


def full_config(services: Services, row: ConnectionRecord) -> dict[str, Any]:
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
                    changed.extend(
                        audit.field_names("config", _canonical([key]), _fields(row.type))
                    )
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


def engine_for(services: Services, row: ConnectionRecord) -> Engine:
    """The pooled live engine for a stored connection (re-created when its config changed)."""
    config = parse_config(row.type, full_config(services, row))
    return pool(services).get(row.id, row.type, config, row.tenant_id)
