"""Stored semantic objects of a connection (tenant-scoped) and the layer assembled from them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import Connection, Row, select, update

from nexatron.clock import now
from nexatron.errors import Conflict, NotFound
from nexatron.ids import new_id
from nexatron.semantic.model import Dimension, Metric, Relationship, SemanticLayer
from nexatron.store.tables import connections, semantic_objects

Kind = Literal["metric", "dimension", "relationship"]
MODELS: dict[str, type[BaseModel]] = {
    "metric": Metric,
    "dimension": Dimension,
    "relationship": Relationship,
}


def object_name(kind: Kind, obj: BaseModel) -> str:
    if kind == "relationship":
        rel: Relationship = obj  # type: ignore[assignment]
        return rel.name or (
            f"{rel.from_table}({','.join(rel.from_columns)})->"
            f"{rel.to_table}({','.join(rel.to_columns)})"
        )
    return str(obj.name)  # type: ignore[attr-defined]


def to_public(row: Row[Any]) -> dict[str, Any]:
    body = dict(row.body)
    body.update(
        id=row.id,
        connection_id=row.connection_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
    return body


def load_layer(conn: Connection, tenant_id: str, connection_id: str) -> SemanticLayer:
    version = conn.execute(
        select(connections.c.layer_version).where(
            connections.c.tenant_id == tenant_id, connections.c.id == connection_id
        )
    ).scalar()
    if version is None:
        raise NotFound("Connection not found.")
    rows = conn.execute(
        select(semantic_objects)
        .where(
            semantic_objects.c.tenant_id == tenant_id,
            semantic_objects.c.connection_id == connection_id,
        )
        .order_by(semantic_objects.c.created_at, semantic_objects.c.id)
    )
    layer = SemanticLayer(version=f"{connection_id}:{version}")
    for row in rows:
        body = {**row.body, "id": row.id}
        if row.kind == "metric":
            layer.metrics.append(Metric.model_validate(body))
        elif row.kind == "dimension":
            layer.dimensions.append(Dimension.model_validate(body))
        else:
            layer.relationships.append(Relationship.model_validate(body))
    return layer


def bump_version(conn: Connection, connection_id: str) -> None:
    conn.execute(
        update(connections)
        .where(connections.c.id == connection_id)
        .values(layer_version=connections.c.layer_version + 1)
    )


def get_object(conn: Connection, tenant_id: str, kind: Kind, object_id: str) -> Any:
    row = conn.execute(
        select(semantic_objects).where(
            semantic_objects.c.tenant_id == tenant_id,
            semantic_objects.c.kind == kind,
            semantic_objects.c.id == object_id,
        )
    ).first()
    if row is None:
        raise NotFound(f"{kind.capitalize()} not found.")
    return row


def list_objects(
    conn: Connection, tenant_id: str, kind: Kind, connection_id: str | None
) -> list[Any]:
    clause = (semantic_objects.c.tenant_id == tenant_id) & (semantic_objects.c.kind == kind)
    if connection_id:
        clause = clause & (semantic_objects.c.connection_id == connection_id)
    return list(
        conn.execute(
            select(semantic_objects)
            .where(clause)
            .order_by(semantic_objects.c.created_at, semantic_objects.c.id)
        )
    )


def insert_object(
    conn: Connection, tenant_id: str, connection_id: str, kind: Kind, obj: BaseModel
) -> str:
    name = object_name(kind, obj)
    taken = conn.execute(
        select(semantic_objects.c.id).where(
            semantic_objects.c.connection_id == connection_id,
            semantic_objects.c.kind == kind,
            semantic_objects.c.name == name,
        )
    ).first()
    if taken:
        raise Conflict(f"A {kind} named {name!r} already exists on this connection.")
    object_id = new_id(kind)
    stamp = now()
    body = obj.model_dump(mode="json", exclude={"id"})
    conn.execute(
        semantic_objects.insert().values(
            id=object_id,
            tenant_id=tenant_id,
            connection_id=connection_id,
            kind=kind,
            name=name,
            body=body,
            origin=body.get("origin", "user"),
            created_at=stamp,
            updated_at=stamp,
        )
    )
    bump_version(conn, connection_id)
    return object_id


def replace_layer(
    conn: Connection,
    tenant_id: str,
    connection_id: str,
    objects: Sequence[tuple[Kind, BaseModel]],
) -> None:
    """Delete the connection's whole layer and insert `objects` (names already checked unique),
    in two statements and one version bump."""
    conn.execute(
        semantic_objects.delete().where(
            semantic_objects.c.tenant_id == tenant_id,
            semantic_objects.c.connection_id == connection_id,
        )
    )
    stamp = now()
    rows = []
    for index, (kind, obj) in enumerate(objects):
        created = stamp + dt.timedelta(microseconds=index)  # the layer is listed in this order
        body = obj.model_dump(mode="json", exclude={"id"})
        rows.append(
            {
                "id": new_id(kind),
                "tenant_id": tenant_id,
                "connection_id": connection_id,
                "kind": kind,
                "name": object_name(kind, obj),
                "body": body,
                "origin": body.get("origin", "user"),
                "created_at": created,
                "updated_at": created,
            }
        )
    if rows:
        conn.execute(semantic_objects.insert(), rows)
    bump_version(conn, connection_id)


def replace_object(conn: Connection, row: Row[Any], kind: Kind, obj: BaseModel) -> None:
    name = object_name(kind, obj)
    if name != row.name:
        taken = conn.execute(
            select(semantic_objects.c.id).where(
                semantic_objects.c.connection_id == row.connection_id,
                semantic_objects.c.kind == kind,
                semantic_objects.c.name == name,
            )
        ).first()
        if taken:
            raise Conflict(f"A {kind} named {name!r} already exists on this connection.")
    body = obj.model_dump(mode="json", exclude={"id"})
    conn.execute(
        update(semantic_objects)
        .where(semantic_objects.c.id == row.id)
        .values(name=name, body=body, origin=body.get("origin", "user"), updated_at=now())
    )
    bump_version(conn, row.connection_id)


def delete_object(conn: Connection, row: Row[Any]) -> None:
    conn.execute(semantic_objects.delete().where(semantic_objects.c.id == row.id))
    bump_version(conn, row.connection_id)
