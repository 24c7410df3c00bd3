"""Failed and refused requests in the audit log.

A 403 on any route is recorded as `denied` (its route's action, else `access.denied`). Any other
error on a route that declares an audit action (`openapi_extra=audit.action(...)`) is recorded as
a `failure` with the status and detail as the reason, in a transaction of its own (the change, if
any, was rolled back). Unauthenticated requests (401) have no tenant and are not recorded here;
failed logins are recorded by the login itself. A route that recorded its own failure is skipped.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from nexatron.audit import ACTION_KEY, Target, current_request, record
from nexatron.audit.model import Outcome

log = logging.getLogger("nexatron.audit")


def route_action(request: Request) -> str | None:
    route = request.scope.get("route")
    extra = getattr(route, "openapi_extra", None) or {}
    found = extra.get(ACTION_KEY)
    return str(found) if found else None


def _reason(status: int, detail: Any) -> str:
    if isinstance(detail, str):
        return f"{status}: {detail}"
    if isinstance(detail, list):
        # Field-level entries: only how many. Their locations can hold keys a client typed (a
        # secret pasted as a key would otherwise reach the log).
        return f"{status}: invalid request ({len(detail)} field errors)"
    if isinstance(detail, dict) and isinstance(detail.get("code"), str):
        return f"{status}: {detail['code']}"  # structured refusals (quota, plan feature)
    return f"{status}: error"


def _target(request: Request, action: str) -> Target:
    params = request.path_params
    object_id = next(iter(params.values()), None) if params else None
    route = request.scope.get("route")
    name = f"{request.method} {getattr(route, 'path', request.url.path)}"
    return Target(action.split(".")[0] if object_id else "route", object_id, name)


async def record_failure(request: Request, status: int, detail: Any) -> None:
    info = current_request()
    if info is None or info.failure_recorded or status == 401:
        return
    action = route_action(request)
    outcome: Outcome
    if status == 403:
        outcome, action = "denied", action or "access.denied"
    elif action is not None:
        outcome = "failure"
    else:
        return
    operator = info.actor is not None and info.actor.type == "operator"
    if info.tenant_id is None and not operator:
        return
    services = request.app.state.services
    tenant_id = info.tenant_id

    def write() -> None:
        with services.db.begin() as conn:
            record(
                conn,
                tenant_id=tenant_id,
                action=str(action),
                target=_target(request, str(action)),
                outcome=outcome,
                reason=_reason(status, detail),
            )

    try:
        if services.local_io:
            write()
        else:
            await run_in_threadpool(write)
    except Exception:  # an audit write must not turn a 4xx into a 500
        log.exception("could not record a failed request in the audit log")
