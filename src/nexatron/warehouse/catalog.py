"""Assemble a SchemaSnapshot from the rows of bulk catalog queries (same shape for every engine)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from nexatron.warehouse.typemap import normalize_type
from nexatron.warehouse.types import ColumnInfo, ForeignKeyInfo, SchemaSnapshot, TableInfo

Key = tuple[str | None, str]


class TableRow(NamedTuple):
    schema: str | None
    name: str
    kind: str  # "table" | "view"
    row_count: int | None = None
    comment: str | None = None


class ColumnRow(NamedTuple):
    schema: str | None
    table: str
    name: str
    native_type: str
    nullable: bool = True
    comment: str | None = None
    position: int = 0


class KeyRow(NamedTuple):
    """One column of a primary key (kind "p") or foreign key (kind "f")."""

    schema: str | None
    table: str
    constraint: str
    kind: str
    column: str
    position: int
    ref_schema: str | None = None
    ref_table: str | None = None
    ref_column: str | None = None


def _count(value: Any) -> int | None:
    if value is None:
        return None
    n = int(value)
    return n if n >= 0 else None


def build_snapshot(
    default_schema: str | None,
    tables: Iterable[Sequence[Any]],
    columns: Iterable[Sequence[Any]],
    keys: Iterable[Sequence[Any]] = (),
) -> SchemaSnapshot:
    """Group column and key rows under their tables; unknown tables in key rows are ignored."""
    infos: dict[Key, TableInfo] = {}
    for raw in tables:
        t = TableRow(*raw)
        kind = "view" if t.kind == "view" else "table"
        infos[(t.schema, t.name)] = TableInfo(
            schema_name=t.schema,
            name=t.name,
            kind=kind,
            row_count=_count(t.row_count),
            comment=t.comment or None,
        )
    for raw in sorted((ColumnRow(*r) for r in columns), key=lambda c: c.position):
        info = infos.get((raw.schema, raw.table))
        if info is not None:
            info.columns.append(
                ColumnInfo(
                    name=raw.name,
                    type=normalize_type(raw.native_type),
                    native_type=raw.native_type,
                    nullable=bool(raw.nullable),
                    comment=raw.comment or None,
                )
            )
    _apply_keys(infos, [KeyRow(*r) for r in keys])
    return SchemaSnapshot(
        default_schema=default_schema,
        tables=sorted(infos.values(), key=lambda t: (t.schema_name or "", t.name)),
        introspected_at=dt.datetime.now(dt.UTC),
    )


def _apply_keys(infos: dict[Key, TableInfo], rows: list[KeyRow]) -> None:
    fks: dict[tuple[Key, str], list[KeyRow]] = {}
    for row in sorted(rows, key=lambda r: r.position):
        info = infos.get((row.schema, row.table))
        if info is None:
            continue
        if row.kind == "p":
            info.primary_key.append(row.column)
        elif row.kind == "f" and row.ref_table:
            fks.setdefault(((row.schema, row.table), row.constraint), []).append(row)
    for (key, _name), parts in sorted(fks.items(), key=lambda kv: kv[0][1]):
        infos[key].foreign_keys.append(
            ForeignKeyInfo(
                columns=[p.column for p in parts],
                ref_schema=parts[0].ref_schema,
                ref_table=parts[0].ref_table or "",
                ref_columns=[p.ref_column or "" for p in parts],
            )
        )
    for info in infos.values():
        pk = set(info.primary_key)
        for col in info.columns:
            col.primary_key = col.name in pk
