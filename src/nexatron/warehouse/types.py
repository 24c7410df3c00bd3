"""Engine-neutral descriptions of a database's schema and of a query's result."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

NormalizedType = Literal[
    "string",
    "integer",
    "float",
    "decimal",
    "boolean",
    "date",
    "timestamp",
    "time",
    "json",
    "binary",
    "uuid",
    "interval",
    "array",
    "other",
]


#: What a connection test or connect tells the tenant: one classified outcome, never the
#: driver's message (no banners, roles or file names).
Outcome = Literal[
    "unreachable",
    "refused_by_policy",
    "authentication_failed",
    "database_missing",
    "timeout",
    "protocol_error",
]


class ColumnInfo(BaseModel):
    name: str
    type: NormalizedType = "other"
    native_type: str = ""
    nullable: bool = True
    comment: str | None = None
    primary_key: bool = False


class ForeignKeyInfo(BaseModel):
    columns: list[str]
    ref_schema: str | None = None
    ref_table: str
    ref_columns: list[str]


class TableInfo(BaseModel):
    schema_name: str | None = None
    name: str
    kind: Literal["table", "view"] = "table"
    columns: list[ColumnInfo] = Field(default_factory=list)
    primary_key: list[str] = Field(default_factory=list)
    foreign_keys: list[ForeignKeyInfo] = Field(default_factory=list)
    row_count: int | None = None  # approximate
    comment: str | None = None

    @property
    def qualified_name(self) -> str:
        return f"{self.schema_name}.{self.name}" if self.schema_name else self.name

    def column(self, name: str) -> ColumnInfo | None:
        low = name.lower()
        return next((c for c in self.columns if c.name.lower() == low), None)


class SchemaSnapshot(BaseModel):
    """What introspection found. Table lookups accept `table` or `schema.table`,
    case-insensitively."""

    default_schema: str | None = None
    tables: list[TableInfo] = Field(default_factory=list)
    introspected_at: dt.datetime | None = None

    def table(self, ref: str) -> TableInfo | None:
        low = ref.lower()
        for t in self.tables:
            if t.qualified_name.lower() == low:
                return t
        matches = [t for t in self.tables if t.name.lower() == low]
        if len(matches) == 1:
            return matches[0]
        preferred = [t for t in matches if t.schema_name == self.default_schema]
        return preferred[0] if preferred else None


class ResultColumn(BaseModel):
    name: str
    type: str = "string"  # number | string | boolean | date | timestamp | other


class ResultSet(BaseModel):
    """Rows already converted to JSON-safe Python values (see warehouse.convert)."""

    columns: list[ResultColumn]
    rows: list[list[Any]]
    truncated: bool = False
    elapsed_ms: float = 0.0


class TestResult(BaseModel):
    __test__ = False  # not a pytest class

    ok: bool
    latency_ms: float | None = None
    server_version: str | None = None
    error_code: Outcome | Literal["driver_missing"] | None = Field(
        default=None,
        description="A classified outcome; the detail is a fixed sentence per outcome, never "
        "the driver's message.",
    )
    detail: str | None = None
