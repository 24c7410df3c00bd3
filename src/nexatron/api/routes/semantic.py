"""The Semantic Layer resource: metrics, dimensions and relationships per connection, plus
bootstrap from the schema and YAML export/import (extensions of the contract)."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field, create_model

from nexatron import audit
from nexatron.api.deps import AppState, require
from nexatron.api.schemas import Request as RequestBody
from nexatron.identity.roles import Principal
from nexatron.semantic import repository as repo
from nexatron.semantic import service
from nexatron.semantic.model import Dimension, Metric, Relationship

router = APIRouter(prefix="/semantic", tags=["semantic layer"])
Reader = Annotated[Principal, Depends(require("semantic:read"))]
Writer = Annotated[Principal, Depends(require("semantic:write"))]
ConnectionFilter = Annotated[str | None, Query(description="Only this connection's objects")]


def _add_crud(kind: repo.Kind, plural: str, model: type[Any]) -> None:
    """list, create, get, update, delete for one kind of semantic object."""
    create_body = create_model(
        f"Create{model.__name__}",
        __base__=model,
        connection_id=(str, Field(description="The owning connection")),
    )
    out = create_model(
        f"{model.__name__}Out",
        __base__=model,
        id=(str, ...),
        connection_id=(str, ...),
        created_at=(Any, None),
        updated_at=(Any, None),
    )
    listing = create_model(f"{model.__name__}List", data=(list[out], ...))

    @router.get(f"/{plural}", response_model=listing, name=f"list_{plural}")
    def list_objects(
        principal: Reader, services: AppState, connection_id: ConnectionFilter = None
    ) -> dict[str, Any]:
        with services.db.connect() as conn:
            rows = repo.list_objects(conn, principal.tenant_id, kind, connection_id)
        return {"data": [repo.to_public(r) for r in rows]}

    @router.post(
        f"/{plural}",
        response_model=out,
        status_code=201,
        name=f"create_{kind}",
        openapi_extra=audit.action(f"semantic.{kind}.create"),
    )
    def create_object(
        body: create_body,
        principal: Writer,
        services: AppState,
    ) -> dict[str, Any]:
        data = body.model_dump(exclude_unset=True)
        return service.create_object(services, principal.tenant_id, kind, data)

    @router.get(f"/{plural}/{{object_id}}", response_model=out, name=f"get_{kind}")
    def get_object(object_id: str, principal: Reader, services: AppState) -> dict[str, Any]:
        with services.db.connect() as conn:
            return repo.to_public(repo.get_object(conn, principal.tenant_id, kind, object_id))

    @router.patch(
        f"/{plural}/{{object_id}}",
        response_model=out,
        name=f"update_{kind}",
        openapi_extra=audit.action(f"semantic.{kind}.update"),
    )
    def update_object(
        object_id: str,
        principal: Writer,
        services: AppState,
        changes: Annotated[dict[str, Any], Body(description=f"Fields of the {kind} to change")],
    ) -> dict[str, Any]:
        return service.update_object(services, principal.tenant_id, kind, object_id, dict(changes))

    @router.delete(
        f"/{plural}/{{object_id}}",
        status_code=204,
        name=f"delete_{kind}",
        openapi_extra=audit.action(f"semantic.{kind}.delete"),
    )
    def delete_object(object_id: str, principal: Writer, services: AppState) -> None:
        """409 while other objects refer to it (a ratio's numerator, a time dimension)."""
        service.delete_object(services, principal.tenant_id, kind, object_id)


_add_crud("metric", "metrics", Metric)
_add_crud("dimension", "dimensions", Dimension)
_add_crud("relationship", "relationships", Relationship)


class BootstrapBody(RequestBody):
    connection_id: str
    apply: bool = Field(default=False, description="false: only propose (dry run)")


class ImportBody(RequestBody):
    connection_id: str
    yaml: str = Field(max_length=900_000)
    dry_run: bool = True
    format: Literal["nexatron", "dbt", "cube"] = Field(
        default="nexatron",
        description="nexatron (this server's export), dbt (MetricFlow semantic_models and "
        "metrics) or cube (Cube `cubes:` YAML). Items that cannot be mapped are listed in "
        "`unmapped` with the reason.",
    )


class BootstrapItem(BaseModel):
    kind: Literal["metric", "dimension", "relationship", "column"]
    name: str = Field(description="Object name, `table.column`, or `a.x -> b.y` for a relationship")
    table: str | None = None
    reason: str


class BootstrapReport(BaseModel):
    prefix: str | None = Field(
        None, description="The prefix every table name shared, dropped from entity names"
    )
    declared: list[BootstrapItem] = Field(description="What was proposed, and from what")
    refused: list[BootstrapItem] = Field(
        description="What was not proposed and why: relationships whose target is not unique or "
        "whose values are not contained, unverifiable ones, skipped columns, existing names"
    )


class BootstrapOut(BaseModel):
    applied: bool
    diff: dict[str, Any]
    layer: dict[str, Any]
    report: BootstrapReport


@router.post(
    "/bootstrap",
    response_model=BootstrapOut,
    openapi_extra=audit.action("semantic.bootstrap"),
    responses={
        404: {"description": "No such connection"},
        422: {"description": "Bad body"},
        429: {"description": "This tenant's introspections and bootstraps are all running."},
    },
)
async def bootstrap(body: BootstrapBody, principal: Writer, services: AppState) -> dict[str, Any]:
    """Propose metrics, dimensions and relationships from the connection's schema (every schema
    it exposes); with `apply`, add the new ones. Idempotent; never overwrites objects a person
    edited. Relationships are verified on the data with bounded read-only queries: foreign keys
    only toward unique columns, and keys inferred from names (`customer_id`, `custNo`) only when
    every sampled value is found in the target. `report` lists what was declared and what was
    refused, with the reason. Runs with the schema introspections (a few per tenant at once,
    429 beyond), waiting without holding a request thread."""
    return await service.bootstrap_async(
        services, principal.tenant_id, body.connection_id, apply=body.apply
    )


@router.get("/export", response_class=PlainTextResponse)
def export_layer(
    principal: Reader, services: AppState, connection_id: Annotated[str, Query()]
) -> str:
    """The whole layer of a connection as YAML."""
    return service.export_yaml(services, principal.tenant_id, connection_id)


@router.post("/import", openapi_extra=audit.action("semantic.import"))
def import_layer(body: ImportBody, principal: Writer, services: AppState) -> dict[str, Any]:
    """Replace the layer with a YAML document (this server's, dbt MetricFlow or Cube: `format`);
    `dry_run` (default) only shows the diff. `unmapped` lists what could not be carried over."""
    return service.import_yaml(
        services,
        principal.tenant_id,
        body.connection_id,
        body.yaml,
        dry_run=body.dry_run,
        source=body.format,
    )
