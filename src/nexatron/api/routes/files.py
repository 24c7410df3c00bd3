"""The Files resource: upload (multipart), list, delete; per tenant."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, UploadFile
from pydantic import Field

from nexatron import audit
from nexatron.api.deps import AppState, require
from nexatron.api.schemas import Response
from nexatron.files import service
from nexatron.identity.roles import Principal

router = APIRouter(prefix="/files", tags=["files"])
Reader = Annotated[Principal, Depends(require("files:read"))]
Writer = Annotated[Principal, Depends(require("files:write"))]


class FileOut(Response):
    id: str
    name: str
    kind: str = Field(description="duckdb, sqlite, csv or parquet (from the file's signature)")
    size_bytes: int
    sha256: str
    path: str = Field(description="Where the file is kept: the `path` of a connection over it.")
    created_at: dt.datetime


class UploadedFile(FileOut):
    connection_id: str | None = Field(
        default=None, description="The read-only connection created over the file, if asked."
    )


class FileList(Response):
    data: list[FileOut]


@router.post(
    "",
    response_model=UploadedFile,
    status_code=201,
    openapi_extra=audit.action("file.upload"),
    responses={
        411: {"description": "The upload has no Content-Length."},
        413: {"description": "Larger than NEXATRON_MAX_UPLOAD_BYTES."},
        422: {
            "description": "Not a DuckDB, SQLite, CSV or Parquet file (by its bytes), or one "
            "that cannot be converted within NEXATRON_UPLOAD_MEMORY_MB/_TIMEOUT_S."
        },
    },
)
def upload_file(
    principal: Writer,
    services: AppState,
    file: Annotated[UploadFile, File(description="A .duckdb, .sqlite/.db, .csv or .parquet")],
    create_connection: Annotated[bool, Form()] = True,
    connection_name: Annotated[str | None, Form(max_length=200)] = None,
) -> UploadedFile:
    """Store a database or data file in this tenant's own area (admins). CSV and Parquet
    become a DuckDB table; with `create_connection` (default) a read-only connection over the
    file is created too. The bytes are only ever opened read-only, as data."""
    created = service.upload(
        services,
        principal.tenant_id,
        principal.user_id,
        filename=file.filename or "",
        source=file.file,
        create_connection=create_connection,
        connection_name=connection_name,
    )
    return UploadedFile(**created)


@router.get("", response_model=FileList)
def list_files(principal: Reader, services: AppState) -> FileList:
    return FileList(data=[FileOut(**f) for f in service.list_files(services, principal.tenant_id)])


@router.delete(
    "/{file_id}",
    status_code=204,
    openapi_extra=audit.action("file.delete"),
    responses={409: {"description": "A connection still uses the file."}},
)
def delete_file(file_id: str, principal: Writer, services: AppState) -> None:
    """Delete the file (409 while a connection still opens it)."""
    service.delete(services, principal.tenant_id, file_id)
