"""The audit log: append-only events, one per change, written in the change's own transaction
and hash-chained per tenant.

    from nexatron import audit
    with services.db.begin() as conn:
        ...the change...
        audit.record(conn, tenant_id=t, action="connection.update",
                     target=audit.Target("connection", conn_id, name), changed_fields=["name"])

Actor, request id, client address and user agent come from the current request (set by the
gateway) unless given. Routes that change state declare their action with
`openapi_extra=audit.action("connection.update")`; a failed or refused request to such a route
is then recorded by the API's error handlers (api/audit_errors.py), and the route test
(tests/platform/test_platform_audit_routes.py) checks every state-changing route does so.
"""

from __future__ import annotations

from typing import Any

from nexatron.audit.model import SYSTEM, Actor, ActorType, Outcome, Target, field_names
from nexatron.audit.request_context import RequestInfo, current_request
from nexatron.audit.writer import record
from nexatron.identity.roles import Principal

ACTION_KEY = "x-audit-action"


def action(name: str) -> dict[str, Any]:
    """`openapi_extra` for a state-changing route: the audit action it records."""
    return {ACTION_KEY: name}


def actor_of(principal: Principal) -> Actor:
    """A tenant caller: the API key when they used one, a SCIM token, else the user."""
    if principal.scim_token_id:
        return Actor("scim", principal.scim_token_id, "SCIM client")
    if principal.api_key_id:
        return Actor("api_key", principal.api_key_id, principal.user_id)
    return Actor("user", principal.user_id, principal.user_id)


__all__ = [
    "ACTION_KEY",
    "SYSTEM",
    "Actor",
    "ActorType",
    "Outcome",
    "RequestInfo",
    "Target",
    "action",
    "actor_of",
    "current_request",
    "field_names",
    "record",
]
