"""GET /audit-log: the tenant's audit events for its admins, newest first, filtered, paged by
cursor, or exported whole as JSON lines or CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from pydantic import Field

from nexatron.api.deps import AppState, require
from nexatron.api.schemas import Response
from nexatron.audit.search import Filters, page, parse_cursor
from nexatron.errors import BadRequest
from nexatron.identity.roles import Principal
from nexatron.services import Services
from nexatron.usage.plans import require_feature

router = APIRouter(prefix="/audit-log", tags=["audit log"])
Admin = Annotated[Principal, Depends(require("tenant:admin"))]
EXPORT_PAGE = 500
CSV_COLUMNS = (
    "id",
    "occurred_at",
    "actor_type",
    "actor_id",
    "actor_display",
    "action",
    "target_type",
    "target_id",
    "target_name",
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


class Party(Response):
    type: str | None
    id: str | None
    display: str | None = None
    name: str | None = None


class AuditEvent(Response):
    id: str
    occurred_at: dt.datetime
    tenant_id: str | None
    actor: Party
    action: str
    target: Party
    outcome: Literal["success", "failure", "denied"]
    reason: str | None
    client_ip: str | None
    user_agent: str | None
    request_id: str | None
    changed_fields: list[str] | None
    seq: int = Field(description="position in the tenant's hash chain")
    prev_hash: str
    hash: str


class AuditPage(Response):
    data: list[AuditEvent]
    next_cursor: str | None = Field(description="pass as `cursor` for older events")


def _aware(value: dt.datetime | None, name: str) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        raise BadRequest(f"`{name}` needs a time zone, e.g. 2026-12-01T00:00:00Z.")
    return value


def _flat(event: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in event.items() if k not in ("actor", "target")}
    for side in ("actor", "target"):
        for key, value in event[side].items():
            out[f"{side}_{key}"] = value
    return out


def _export(services: Services, tenant_id: str, filters: Filters, fmt: str) -> Iterator[str]:
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        yield buffer.getvalue()
    cursor: int | None = None
    while True:
        with services.db.connect() as conn:
            events, next_cursor = page(conn, tenant_id, filters, cursor=cursor, limit=EXPORT_PAGE)
        for event in events:
            if fmt == "jsonl":
                yield json.dumps(event, default=str) + "\n"
            else:
                flat = _flat(event)
                flat["changed_fields"] = " ".join(flat["changed_fields"] or [])
                buffer = io.StringIO()
                csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore").writerow(flat)
                yield buffer.getvalue()
        if next_cursor is None:
            return
        cursor = int(next_cursor)


@router.get(
    "",
    response_model=AuditPage,
    responses={
        200: {
            "content": {"application/x-ndjson": {}, "text/csv": {}},
            "description": "a page (JSON), or every matching event (jsonl, csv)",
        },
        400: {"description": "bad cursor or naive time"},
        401: {"description": "no or invalid credentials"},
        403: {"description": "not an admin, or jsonl/csv export outside the plan (audit_export)"},
    },
)
def list_events(
    principal: Admin,
    services: AppState,
    actor: Annotated[str | None, Query(description="actor id or display")] = None,
    action: Annotated[
        str | None, Query(description="action prefix: `auth` matches auth.login.failed")
    ] = None,
    target: Annotated[str | None, Query(description="target id or name")] = None,
    since: Annotated[dt.datetime | None, Query(description="from (inclusive)")] = None,
    until: Annotated[dt.datetime | None, Query(description="to (exclusive)")] = None,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    format: Annotated[Literal["json", "jsonl", "csv"], Query()] = "json",
) -> Any:
    """Your tenant's events (admins only). JSON pages newest first; `jsonl` and `csv` stream
    every matching event (no cursor) when the plan has the `audit_export` feature."""
    filters = Filters(actor, action, target, _aware(since, "since"), _aware(until, "until"))
    if format != "json":
        require_feature(services.settings, principal.plan, "audit_export")
        media = "application/x-ndjson" if format == "jsonl" else "text/csv"
        return StreamingResponse(
            _export(services, principal.tenant_id, filters, format),
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="audit-log.{format}"'},
        )
    with services.db.connect() as conn:
        events, next_cursor = page(
            conn, principal.tenant_id, filters, cursor=parse_cursor(cursor), limit=limit
        )
    return AuditPage(data=[AuditEvent(**e) for e in events], next_cursor=next_cursor)
