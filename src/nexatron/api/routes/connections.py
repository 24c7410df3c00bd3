"""The Connections resource: list, create, get, update, delete, test, schema."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Query
from pydantic import Field

from nexatron import audit
from nexatron.api.deps import AppState, require
from nexatron.api.schemas import Patch, Response
from nexatron.api.schemas import Request as Body
from nexatron.connections import schema as schemas
from nexatron.connections import service
from nexatron.errors import RateLimited
from nexatron.identity.roles import Principal
from nexatron.usage.limits import check_new_connection
from nexatron.warehouse.types import SchemaSnapshot, TestResult

router = APIRouter(prefix="/connections", tags=["connections"])
Reader = Annotated[Principal, Depends(require("connections:read"))]
Writer = Annotated[Principal, Depends(require("connections:write"))]
Tester = Annotated[Principal, Depends(require("connections:test"))]


class CreateConnection(Body):
    name: str = Field(min_length=1, max_length=200)
    type: str = Field(
        description="postgres, mysql, redshift, snowflake, bigquery, mssql, "
        "clickhouse, duckdb or sqlite"
    )
    config: dict[str, Any] = Field(
        description="The engine's fields (host, port, database, "
        "user, password, ...); secrets are encrypted at rest."
    )
    is_default: bool | None = Field(
        default=None, description="Defaults to true for the tenant's first connection."
    )


class UpdateConnection(Patch):
    not_null = ("name", "config", "is_default")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    config: dict[str, Any] | None = Field(
        default=None,
        description="Fields to change; a masked secret (********) keeps the stored value.",
    )
    is_default: bool | None = None


class ConnectionOut(Response):
    id: str
    name: str
    type: str
    dialect: str
    config: dict[str, Any] = Field(description="Without secrets: `has_password` and the like.")
    is_default: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    schema_cached_at: dt.datetime | None = None


class ConnectionList(Response):
    data: list[ConnectionOut]


@router.get("", response_model=ConnectionList)
def list_connections(principal: Reader, services: AppState) -> ConnectionList:
    with services.db.connect() as conn:
        rows = service.list_rows(conn, principal.tenant_id)
    return ConnectionList(data=[ConnectionOut(**service.public(r)) for r in rows])


@router.post(
    "",
    response_model=ConnectionOut,
    status_code=201,
    responses={403: {"description": "Not an admin, or the plan's connections are all used."}},
    openapi_extra=audit.action("connection.create"),
)
def create_connection(
    body: CreateConnection, principal: Writer, services: AppState
) -> ConnectionOut:
    with services.db.connect() as conn:  # refused before the body is validated
        check_new_connection(
            conn, services.settings, principal.tenant_id, principal.plan, lock=False
        )

    def within_plan(conn: Any) -> None:  # in the inserting transaction, under the tenant lock
        check_new_connection(conn, services.settings, principal.tenant_id, principal.plan)

    created = service.create(
        services,
        principal.tenant_id,
        principal.user_id,
        name=body.name,
        type_name=body.type,
        config=body.config,
        is_default=body.is_default,
        check=within_plan,
    )
    return ConnectionOut(**created)


@router.get("/{connection_id}", response_model=ConnectionOut)
def get_connection(connection_id: str, principal: Reader, services: AppState) -> ConnectionOut:
    with services.db.connect() as conn:
        return ConnectionOut(
            **service.public(service.get_row(conn, principal.tenant_id, connection_id))
        )


@router.patch(
    "/{connection_id}",
    response_model=ConnectionOut,
    openapi_extra=audit.action("connection.update"),
)
def update_connection(
    connection_id: str, body: UpdateConnection, principal: Writer, services: AppState
) -> ConnectionOut:
    changes = body.model_dump(exclude_unset=True)
    return ConnectionOut(
        **service.update_connection(services, principal.tenant_id, connection_id, changes)
    )


@router.delete("/{connection_id}", status_code=204, openapi_extra=audit.action("connection.delete"))
def delete_connection(connection_id: str, principal: Writer, services: AppState) -> None:
    """Removes the connection, its semantic layer and its pooled engine."""
    service.delete(services, principal.tenant_id, connection_id)


@router.post(
    "/{connection_id}/test",
    response_model=TestResult,
    openapi_extra=audit.action("connection.test"),
    responses={429: {"description": "Too many tests by this tenant (rate or concurrency)."}},
)
async def test_connection(connection_id: str, principal: Tester, services: AppState) -> TestResult:
    """A real round trip: ok, latency and server version, or one classified outcome
    (`unreachable`, `refused_by_policy`, `authentication_failed`, `database_missing`,
    `timeout`, `protocol_error`) with a fixed sentence, never the driver's text. Admins and
    analysts; rate-limited per tenant and run in a small pool of its own."""
    tenant_id = principal.tenant_id
    spec = services.settings.connection_test_rate_limit
    if services.local_io:
        decision = services.limiter.hit(spec, "conntest", tenant_id)
    else:
        decision = await anyio.to_thread.run_sync(services.limiter.hit, spec, "conntest", tenant_id)
    if not decision.allowed:
        raise RateLimited(
            "Too many connection tests by this tenant; retry after the seconds in Retry-After.",
            headers=decision.headers(),
        )
    job = schemas.tester(services).submit(
        tenant_id, lambda: schemas.test_connection(services, tenant_id, connection_id)
    )
    return await asyncio.wrap_future(job)


@router.get(
    "/{connection_id}/schema",
    response_model=SchemaSnapshot,
    responses={429: {"description": "This tenant's introspections are all running."}},
)
async def get_schema(
    connection_id: str,
    principal: Reader,
    services: AppState,
    refresh: Annotated[bool, Query(description="Re-introspect now")] = False,
) -> SchemaSnapshot:
    """Schemas, tables, views, columns, keys and approximate row counts (cached). An
    introspection runs in a small pool of its own, a few per tenant at once (429 beyond);
    concurrent requests for one connection share one."""
    return await schemas.get_schema_async(
        services, principal.tenant_id, connection_id, refresh=refresh
    )
