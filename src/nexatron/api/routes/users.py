"""Users of the tenant (an extension of the contract, admin only): list, create, get, update."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import Field
from sqlalchemy import update

from nexatron import audit
from nexatron.api.deps import AppState, require
from nexatron.api.schemas import Patch, Response
from nexatron.api.schemas import Request as Body
from nexatron.errors import BadRequest
from nexatron.identity import users
from nexatron.identity.roles import Principal, Role
from nexatron.store.tables import users as users_table
from nexatron.usage.limits import check_new_seat

router = APIRouter(prefix="/users", tags=["users"])
Admin = Annotated[Principal, Depends(require("users:manage"))]


class CreateUser(Body):
    email: str = Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")
    password: str = Field(min_length=8, max_length=1024)
    role: Role = "viewer"
    name: str | None = Field(default=None, max_length=200)


class UpdateUser(Patch):
    not_null = ("role", "disabled")

    role: Role | None = None
    disabled: bool | None = None
    name: str | None = Field(default=None, max_length=200)


class User(Response):
    id: str
    tenant_id: str
    email: str
    name: str | None
    role: str
    disabled: bool
    created_at: dt.datetime


class UserList(Response):
    data: list[User]


def user_action(before: Any, changes: dict[str, Any]) -> str:
    if "disabled" in changes and changes["disabled"] != before.disabled:
        return "user.disable" if changes["disabled"] else "user.enable"
    if "role" in changes and changes["role"] != before.role:
        return "user.role_change"
    return "user.update"


@router.get("", response_model=UserList)
def list_users(principal: Admin, services: AppState) -> UserList:
    with services.db.connect() as conn:
        rows = users.list_users(conn, principal.tenant_id)
    return UserList(data=[User(**users.user_public(r)) for r in rows])


@router.post(
    "",
    response_model=User,
    status_code=201,
    responses={403: {"description": "Not an admin, or every seat of the plan is taken."}},
    openapi_extra=audit.action("user.create"),
)
def create_user(body: CreateUser, principal: Admin, services: AppState) -> User:
    with services.db.begin() as conn:
        check_new_seat(conn, services.settings, principal.tenant_id, principal.plan)
        user_id = users.create_user(
            conn,
            tenant_id=principal.tenant_id,
            email=body.email,
            password=body.password,
            role=body.role,
            name=body.name,
        )
        audit.record(
            conn,
            tenant_id=principal.tenant_id,
            action="user.create",
            target=audit.Target("user", user_id, body.email),
            changed_fields=[*sorted(body.model_fields_set - {"password"}), "password"],
        )
        return User(**users.user_public(users.get_user(conn, principal.tenant_id, user_id)))


@router.get("/{user_id}", response_model=User)
def get_user(user_id: str, principal: Admin, services: AppState) -> User:
    with services.db.connect() as conn:
        return User(**users.user_public(users.get_user(conn, principal.tenant_id, user_id)))


@router.patch("/{user_id}", response_model=User, openapi_extra=audit.action("user.update"))
def update_user(user_id: str, body: UpdateUser, principal: Admin, services: AppState) -> User:
    """Audited as `user.role_change` or `user.disable` (`user.enable`) when those change, else
    `user.update`."""
    changes = body.model_dump(exclude_unset=True)
    with services.db.begin() as conn:
        before = users.get_user(conn, principal.tenant_id, user_id)
        if changes.get("disabled") is False and before.disabled:
            check_new_seat(conn, services.settings, principal.tenant_id, principal.plan)
        if user_id == principal.user_id and (
            changes.get("role", "admin") != "admin" or changes.get("disabled")
        ):
            raise BadRequest("You cannot demote or disable yourself; ask another admin.")
        if changes:
            conn.execute(
                update(users_table)
                .where(users_table.c.tenant_id == principal.tenant_id, users_table.c.id == user_id)
                .values(**changes)
            )
        audit.record(
            conn,
            tenant_id=principal.tenant_id,
            action=user_action(before, changes),
            target=audit.Target("user", user_id, before.email),
            changed_fields=[k for k, v in changes.items() if getattr(before, k) != v],
        )
        return User(**users.user_public(users.get_user(conn, principal.tenant_id, user_id)))
