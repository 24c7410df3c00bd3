"""Typed metadata rows: frozen records built from SQLAlchemy rows where the store is read.

Code past the store boundary reads `record.name`, checked by mypy, instead of attributes of an
untyped `Row`. Each record names the columns it holds (`columns()`), so a query selects
exactly what the record needs. Records whose fields use a domain's types live with that domain
(`identity.users.UserRecord`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Self

from sqlalchemy import Column, Row, Table


@dataclass(frozen=True, slots=True)
class Record:
    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def columns(cls, table: Table) -> list[Column[Any]]:
        """The table's columns this record holds, for a `select`."""
        return [table.c[name] for name in cls.names()]

    @classmethod
    def from_row(cls, row: Row[Any]) -> Self:
        mapping = row._mapping
        return cls(**{name: mapping[name] for name in cls.names()})


@dataclass(frozen=True, slots=True)
class TenantRecord(Record):
    id: str
    name: str
    slug: str
    plan: str
    settings: dict[str, Any]
    created_at: datetime
    suspended_at: datetime | None


@dataclass(frozen=True, slots=True)
class ConnectionRecord(Record):
    """A stored connection without its schema snapshot or value index, which can be megabytes
    of JSON on a large warehouse. `config` holds the non-secret fields, `secrets` the sealed
    rest."""

    id: str
    tenant_id: str
    name: str
    type: str
    config: dict[str, Any]
    secrets: str | None
    is_default: bool
    created_at: datetime
    updated_at: datetime
    schema_cached_at: datetime | None
    layer_version: int
