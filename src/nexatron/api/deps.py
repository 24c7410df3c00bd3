"""FastAPI dependencies: the service container, the authenticated Principal, permission checks.

All are `async def` although none awaits: they are pure lookups, and FastAPI runs a plain `def`
dependency in the thread pool, a hop that costs more than the lookup itself.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.types import Scope

from nexatron.errors import Forbidden, NexatronError, Unauthorized
from nexatron.identity.operators import Operator
from nexatron.identity.roles import Principal
from nexatron.services import Services


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def principal_of(scope: Scope) -> Principal:
    """The request's Principal (left by the gateway), or the error that refuses the request."""
    state = scope.get("state", {})
    principal: Principal | None = state.get("principal")
    if principal is None:
        error: NexatronError | None = state.get("auth_error")
        raise error or Unauthorized("Missing credentials: send `Authorization: Bearer <API key>`.")
    if principal.is_scim:
        raise Forbidden("A SCIM token is accepted only by the SCIM API under /scim/v2.")
    return principal


def permitted(principal: Principal, permission: str) -> Principal:
    """`principal` when its role grants `permission`, else 403."""
    if not principal.can(permission):
        raise Forbidden(f"Your role ({principal.role}) does not allow this action.")
    return principal


async def get_principal(request: Request) -> Principal:
    return principal_of(request.scope)


async def get_operator(request: Request) -> Operator:
    """The operator key's holder; a tenant credential here is a 403, none a 401."""
    state = request.scope.get("state", {})
    operator: Operator | None = state.get("operator")
    if operator is not None:
        return operator
    if state.get("principal") is not None:
        raise Forbidden(
            "Tenant credentials cannot call operator routes; use an operator key "
            "(`nexatron operator-key create`)."
        )
    error: NexatronError | None = state.get("auth_error")
    raise error or Unauthorized("Operator routes need `Authorization: Bearer <operator key>`.")


AppState = Annotated[Services, Depends(get_services)]
Authed = Annotated[Principal, Depends(get_principal)]
OperatorAuthed = Annotated[Operator, Depends(get_operator)]


def require(permission: str) -> Callable[[Principal], Coroutine[Any, Any, Principal]]:
    """A dependency that yields the Principal when its role grants `permission`, else 403."""

    async def check(principal: Authed) -> Principal:
        return permitted(principal, permission)

    check.__name__ = f"require_{permission.replace(':', '_')}"
    return check
