"""The SCIM 2.0 API (RFC 7644), mounted at /scim/v2 as an application of its own: SCIM error
bodies, `application/scim+json`, SCIM tokens only. Left out of the OpenAPI document (/openapi.json
describes /api/v1; SCIM clients read /scim/v2/ServiceProviderConfig, ResourceTypes and Schemas)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from scim2_models import (
    Context,
    Error,
    NotFoundException,
    NotImplementedException,
    ResponseParameters,
    SCIMException,
)
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from nexatron import audit
from nexatron.api.audit_errors import record_failure
from nexatron.api.scim_mount import PREFIX
from nexatron.errors import Forbidden, NexatronError, Unauthorized
from nexatron.identity.roles import Principal
from nexatron.scim import discovery, groups, query, users
from nexatron.scim.models import GroupModel, UserModel
from nexatron.scim.users import Caller
from nexatron.services import Services
from nexatron.usage.plans import require_feature

MEDIA_TYPE = "application/scim+json"

log = logging.getLogger("nexatron.scim")


class ScimResponse(JSONResponse):
    media_type = MEDIA_TYPE


def error_response(status: int, detail: str, scim_type: str | None = None) -> ScimResponse:
    body: dict[str, Any] = {"schemas": [Error.__schema__], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    headers = {"WWW-Authenticate": 'Bearer realm="scim"'} if status == 401 else None
    return ScimResponse(body, status_code=status, headers=headers)


def _caller(request: Request) -> Caller:
    state = request.scope.get("state", {})
    principal: Principal | None = state.get("principal")
    if principal is None:
        error = state.get("auth_error")
        raise error or Unauthorized("Send `Authorization: Bearer <SCIM token>`.")
    if not principal.is_scim:
        raise Forbidden("Only a SCIM token (created with POST /api/v1/scim/tokens) works here.")
    settings = request.app.state.services.settings
    require_feature(settings, principal.plan, "scim")
    base = str(request.base_url).rstrip("/")
    if not base.endswith(PREFIX):
        base += PREFIX
    return Caller(principal.tenant_id, principal.user_id, base, principal.plan, settings)


async def _body(request: Request) -> Any:
    raw = await request.body()
    try:
        payload = json.loads(raw or b"null")
    except ValueError:
        raise SCIMException(detail="The body is not valid JSON.") from None
    if not isinstance(payload, dict):
        raise SCIMException(detail="The body must be a JSON object.")
    return payload


def _shown(resource: Any, ctx: Context, request: Request, status: int = 200) -> ScimResponse:
    params = {k.lower(): v for k, v in request.query_params.items()}
    chosen = ResponseParameters[Any].model_validate(
        {
            "attributes": params.get("attributes"),
            "excludedAttributes": params.get("excludedattributes"),
        }
    )
    body = resource.model_dump(scim_ctx=ctx, response_parameters=chosen)
    headers = None
    if status == 201 and resource.meta is not None and resource.meta.location:
        headers = {"Location": str(resource.meta.location)}
    return ScimResponse(body, status_code=status, headers=headers)


def _install_errors(app: FastAPI) -> None:
    async def failed(request: Request, status: int, detail: str, scim_type: Any = None) -> Response:
        await record_failure(request, status, detail)
        return error_response(status, detail, scim_type)

    @app.exception_handler(SCIMException)
    async def _scim(request: Request, exc: SCIMException) -> Response:
        error = exc.to_error()
        return await failed(
            request, error.status or 400, error.detail or "Bad request.", error.scim_type
        )

    @app.exception_handler(ValidationError)
    async def _invalid(request: Request, exc: ValidationError) -> Response:
        error = Error.from_validation_error(exc.errors()[0])
        scim_type = str(error.scim_type) if error.scim_type else "invalidValue"
        return await failed(request, error.status or 400, error.detail or "Invalid.", scim_type)

    @app.exception_handler(IntegrityError)
    async def _conflict(request: Request, _exc: IntegrityError) -> Response:
        detail = "A unique value (userName, email or displayName) is taken."
        return await failed(request, 409, detail, "uniqueness")

    @app.exception_handler(NexatronError)
    async def _nexatron(request: Request, exc: NexatronError) -> Response:
        detail = exc.detail
        if isinstance(detail, dict):  # a structured refusal (e.g. feature_not_in_plan)
            detail = detail.get("message")
        if not isinstance(detail, str):
            detail = "Bad request."
        return await failed(request, exc.status_code, detail)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_r: Request, exc: StarletteHTTPException) -> Response:
        detail = {404: "No such SCIM endpoint.", 405: "Method not allowed on this endpoint."}
        return error_response(exc.status_code, detail.get(exc.status_code, str(exc.detail)))

    @app.exception_handler(Exception)
    async def _unexpected(_r: Request, exc: Exception) -> Response:
        log.exception("unhandled SCIM error", exc_info=exc)
        return error_response(500, "Internal server error.")


def create_scim_app(services: Services) -> FastAPI:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.state.services = services
    _install_errors(app)

    def write(fn: Callable[..., Any], caller: Caller, *args: Any) -> Any:
        with services.db.begin() as conn:
            return fn(conn, caller, *args)

    def read(fn: Callable[..., Any], caller: Caller, *args: Any) -> Any:
        with services.db.connect() as conn:
            return fn(conn, caller, *args)

    @app.get("/ServiceProviderConfig")
    async def service_provider_config(request: Request) -> Response:
        caller = _caller(request)
        return ScimResponse(discovery.service_provider_config(caller.base))

    @app.get("/ResourceTypes")
    async def resource_types(request: Request) -> Response:
        found = discovery.resource_types(_caller(request).base)
        return ScimResponse(_list(found))

    @app.get("/ResourceTypes/{type_id}")
    async def resource_type(type_id: str, request: Request) -> Response:
        found = [t for t in discovery.resource_types(_caller(request).base) if t["id"] == type_id]
        if not found:
            raise NotFoundException(detail=f"No resource type {type_id}.")
        return ScimResponse(found[0])

    @app.get("/Schemas")
    async def schemas(request: Request) -> Response:
        return ScimResponse(_list(discovery.schemas(_caller(request).base)))

    @app.get("/Schemas/{schema_id}")
    async def schema(schema_id: str, request: Request) -> Response:
        found = [s for s in discovery.schemas(_caller(request).base) if s["id"] == schema_id]
        if not found:
            raise NotFoundException(detail=f"No schema {schema_id}.")
        return ScimResponse(found[0])

    @app.post("/.search")
    async def search_everything(request: Request) -> Response:
        _caller(request)
        raise NotImplementedException(
            detail="Search one resource type at a time: POST /Users/.search or /Groups/.search."
        )

    for plural, model, service in (
        ("Users", UserModel, users),
        ("Groups", GroupModel, groups),
    ):
        _resource_routes(app, plural, model, service, read, write)
    return app


def _list(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": len(items),
        "startIndex": 1,
        "itemsPerPage": len(items),
        "Resources": items,
    }


def _resource_routes(
    app: FastAPI,
    plural: str,
    model: Any,
    service: Any,
    read: Callable[..., Any],
    write: Callable[..., Any],
) -> None:
    singular = plural[:-1].lower()
    get_one = getattr(service, f"get_{singular}")
    list_all = getattr(service, f"list_{singular}s")
    create = getattr(service, f"create_{singular}")
    replace = getattr(service, f"replace_{singular}")
    patch = getattr(service, f"patch_{singular}")
    delete = getattr(service, f"delete_{singular}")

    async def list_resources(request: Request) -> Response:
        caller = _caller(request)
        search = query.search_request(model, request.query_params)
        found = await run_in_threadpool(read, list_all, caller, search)
        return ScimResponse(query.render(found, search))

    async def search_resources(request: Request) -> Response:
        caller = _caller(request)
        search = query.search_body(model, await _body(request))
        found = await run_in_threadpool(read, list_all, caller, search)
        return ScimResponse(query.render(found, search))

    async def create_resource(request: Request) -> Response:
        caller = _caller(request)
        payload = await _body(request)
        made = await run_in_threadpool(write, create, caller, payload)
        return _shown(made, Context.RESOURCE_CREATION_RESPONSE, request, 201)

    async def get_resource(object_id: str, request: Request) -> Response:
        caller = _caller(request)
        found = await run_in_threadpool(read, get_one, caller, object_id)
        return _shown(found, Context.RESOURCE_QUERY_RESPONSE, request)

    async def replace_resource(object_id: str, request: Request) -> Response:
        caller = _caller(request)
        payload = await _body(request)
        done = await run_in_threadpool(write, replace, caller, object_id, payload)
        return _shown(done, Context.RESOURCE_REPLACEMENT_RESPONSE, request)

    async def patch_resource(object_id: str, request: Request) -> Response:
        caller = _caller(request)
        payload = await _body(request)
        done = await run_in_threadpool(write, patch, caller, object_id, payload)
        return _shown(done, Context.RESOURCE_PATCH_RESPONSE, request)

    async def delete_resource(object_id: str, request: Request) -> Response:
        caller = _caller(request)
        await run_in_threadpool(write, delete, caller, object_id)
        return Response(status_code=204)

    path = f"/{plural}"

    def changes(verb: str) -> dict[str, Any]:  # a failure of this route is audited as such
        return audit.action(f"scim.{singular}.{verb}")

    app.add_api_route(path, list_resources, methods=["GET"])
    app.add_api_route(path, create_resource, methods=["POST"], openapi_extra=changes("create"))
    app.add_api_route(path + "/.search", search_resources, methods=["POST"])
    app.add_api_route(path + "/{object_id}", get_resource, methods=["GET"])
    one = path + "/{object_id}"
    app.add_api_route(one, replace_resource, methods=["PUT"], openapi_extra=changes("replace"))
    app.add_api_route(one, patch_resource, methods=["PATCH"], openapi_extra=changes("patch"))
    app.add_api_route(one, delete_resource, methods=["DELETE"], openapi_extra=changes("delete"))
