"""GET/POST /api-keys and DELETE /api-keys/{id}. The plaintext key is returned exactly once."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import Field, field_validator

from nexatron import audit
from nexatron.api.deps import AppState, require
from nexatron.api.schemas import Request as Body
from nexatron.api.schemas import Response
from nexatron.identity import keys
from nexatron.identity.roles import Principal, Role

router = APIRouter(prefix="/api-keys", tags=["api keys"])
KeyOwner = Annotated[Principal, Depends(require("keys:own"))]


def body_has(body: Body, name: str) -> bool:
    return name in body.model_fields_set


class CreateKey(Body):
    name: str | None = Field(default=None, max_length=200)
    role: Role | None = None
    expires_at: dt.datetime | None = None

    @field_validator("expires_at")
    @classmethod
    def _future_aware(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("must include a time zone, e.g. 2027-01-01T00:00:00Z")
        if value <= dt.datetime.now(dt.UTC):
            raise ValueError("must be in the future")
        return value


class ApiKey(Response):
    id: str
    name: str | None
    prefix: str
    role: str
    created_by: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


class CreatedKey(ApiKey):
    key: str = Field(description="The API key. Shown only in this response; store it now.")


class KeyList(Response):
    data: list[ApiKey]


@router.get("", response_model=KeyList)
def list_keys(principal: KeyOwner, services: AppState) -> KeyList:
    """Your own keys; an admin sees every key of the tenant."""
    with services.db.connect() as conn:
        return KeyList(data=[ApiKey(**k) for k in keys.list_keys(conn, principal)])


@router.post(
    "", response_model=CreatedKey, status_code=201, openapi_extra=audit.action("api_key.create")
)
def create_key(body: CreateKey, principal: KeyOwner, services: AppState) -> CreatedKey:
    with services.db.begin() as conn:
        record, plaintext = keys.create_key(
            conn,
            services.settings.secret_key,
            principal,
            name=body.name,
            role=body.role,
            expires_at=body.expires_at,
        )
        audit.record(
            conn,
            tenant_id=principal.tenant_id,
            action="api_key.create",
            target=audit.Target("api_key", record["id"], record["name"]),
            changed_fields=[
                name for name in ("name", "role", "expires_at") if body_has(body, name)
            ],
        )
    return CreatedKey(**record, key=plaintext)


@router.delete("/{key_id}", status_code=204, openapi_extra=audit.action("api_key.revoke"))
def revoke_key(key_id: str, principal: KeyOwner, services: AppState) -> None:
    """Revoked keys fail at once on every process (the store is the source of truth)."""
    with services.db.begin() as conn:
        keys.revoke_key(conn, principal, key_id)
        audit.record(
            conn,
            tenant_id=principal.tenant_id,
            action="api_key.revoke",
            target=audit.Target("api_key", key_id),
        )
