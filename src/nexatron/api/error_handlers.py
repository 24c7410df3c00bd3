"""Maps every error to JSON `{"detail": ...}`; nothing internal leaks."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from nexatron.api.audit_errors import record_failure
from nexatron.errors import NexatronError
from nexatron.store.db import DB_DROPPED

log = logging.getLogger("nexatron.api")
DROPPED = "The connection to the metadata store dropped; retry the request."

_STATUS_TEXT = {
    400: "Bad request.",
    401: "Invalid or missing API key or access token.",
    403: "Your role does not allow this action.",
    404: "Not found.",
    405: "Method not allowed.",
    413: "Request body too large.",
}


def _clean(errors: list[Any]) -> list[dict[str, Any]]:
    """Field-level entries without echoing the submitted values (they may hold secrets)."""
    out = []
    for err in errors:
        entry = {
            "loc": list(err.get("loc", [])),
            "msg": err.get("msg", ""),
            "type": err.get("type", ""),
        }
        if entry["type"] == "json_invalid":
            entry["msg"] = "Malformed JSON body: " + str(err.get("ctx", {}).get("error", ""))
        out.append(entry)
    return out


def install(app: FastAPI) -> None:
    @app.exception_handler(NexatronError)
    async def _nexatron(request: Request, exc: NexatronError) -> JSONResponse:
        if exc.status_code >= 500:
            log.error("service error: %s", type(exc).__name__)
        await record_failure(request, exc.status_code, exc.detail)
        return JSONResponse(
            {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers or None
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = _clean(list(exc.errors()))
        await record_failure(request, 422, detail)
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str | list | dict) else None
        if exc.status_code == 404 and detail == "Not Found":
            detail = "Not found: no such route."
        if exc.status_code == 405:
            detail = "Method not allowed on this route."
        return JSONResponse(
            {"detail": detail or _STATUS_TEXT.get(exc.status_code, "Error.")},
            status_code=exc.status_code,
            headers=exc.headers,
        )

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> JSONResponse:
        if not exc.connection_invalidated:
            return await _unexpected(request, exc)
        # A metadata-store connection died under the request (the pool has replaced it). The
        # gateway runs a read once more; anything else is for the client to retry.
        log.warning("metadata store connection dropped: %s", type(exc.orig).__name__)
        request.scope.setdefault("state", {})[DB_DROPPED] = True
        await record_failure(request, 503, DROPPED)
        return JSONResponse({"detail": DROPPED}, status_code=503, headers={"Retry-After": "1"})

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        await record_failure(request, 500, "Internal server error.")
        return JSONResponse({"detail": "Internal server error."}, status_code=500)
