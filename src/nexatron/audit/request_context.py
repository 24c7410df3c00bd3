"""The request an audit event belongs to: id, client address, user agent and who is calling.

The gateway sets it once per request (a context variable, so it follows the request into the
worker thread a sync route runs in); `audit.record` reads it for whatever its caller leaves out.
"""

from __future__ import annotations

import secrets
from contextvars import ContextVar, Token
from dataclasses import dataclass

from nexatron.audit.model import Actor


@dataclass(slots=True)
class RequestInfo:
    request_id: str
    client_ip: str | None = None
    user_agent: str | None = None
    actor: Actor | None = None  # set once the credential is resolved
    tenant_id: str | None = None  # the caller's tenant (for refusals before any route runs)
    recorded: int = 0  # events written for this request
    enabled: bool = True  # NEXATRON_AUDIT_ENABLED=0 (measurement only): nothing is written
    failure_recorded: bool = False  # a route that recorded its own failure is not recorded twice


_CURRENT: ContextVar[RequestInfo | None] = ContextVar("nexatron_audit_request", default=None)


def new_request_id() -> str:
    return "req_" + secrets.token_hex(12)


def begin_request(info: RequestInfo) -> Token[RequestInfo | None]:
    return _CURRENT.set(info)


def end_request(token: Token[RequestInfo | None]) -> None:
    _CURRENT.reset(token)


def current_request() -> RequestInfo | None:
    return _CURRENT.get()


def current_request_id() -> str | None:
    """The id of the request being served (None outside one): history rows record it."""
    info = _CURRENT.get()
    return info.request_id if info is not None else None
