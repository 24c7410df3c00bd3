"""Typed views of the API's answers, written from its OpenAPI (extra fields are kept)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow")


class Column(_Model):
    name: str
    type: str
    role: str
    label: str


class Answer(_Model):
    """POST /query, POST /semantic/query, GET /query/{id} and history entries."""

    id: str
    question: str
    data: list[dict[str, Any]] = Field(default_factory=list)
    summary: str | None = None
    conversation_id: str
    connection_id: str
    execution_time_ms: float | None = None
    created_at: dt.datetime
    sql: str | None = None
    plan: dict[str, Any] | None = None
    columns: list[Column] = Field(default_factory=list)
    row_count: int | None = None
    truncated: bool = False
    chart: dict[str, Any] | None = None
    warnings: list[str] = Field(default_factory=list)
    cached: bool = False
    status: str = "answered"

    @property
    def rows(self) -> list[list[Any]]:
        """The rows as lists, in column order."""
        names = [c.name for c in self.columns]
        return [[record.get(n) for n in names] for record in self.data]


class Connection(_Model):
    id: str
    name: str
    type: str
    dialect: str
    is_default: bool = False


class LayerObject(_Model):
    """A metric, dimension or relationship of the semantic layer."""

    id: str
    connection_id: str
    name: str | None = None


class Event(_Model):
    """One server-sent event of POST /query/stream: plan, sql, rows, summary, done or error."""

    event: str
    id: str | None = None
    data: Any = None
