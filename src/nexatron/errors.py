"""One root exception. Each subclass knows its HTTP status; the API renders `{"detail": ...}`."""

from __future__ import annotations

from typing import Any


class NexatronError(Exception):
    """Root of every error the service raises on purpose."""

    status_code: int = 400

    def __init__(self, detail: Any = None, *, headers: dict[str, str] | None = None) -> None:
        self.detail = detail if detail is not None else self.default_detail()
        self.headers = headers or {}
        super().__init__(detail if isinstance(detail, str) else repr(detail))

    @classmethod
    def default_detail(cls) -> str:
        return "Bad request."


class BadRequest(NexatronError):
    status_code = 400


class Unauthorized(NexatronError):
    status_code = 401

    @classmethod
    def default_detail(cls) -> str:
        return "Invalid or missing API key or access token."


class Forbidden(NexatronError):
    status_code = 403

    @classmethod
    def default_detail(cls) -> str:
        return "Your role does not allow this action."


class TenantSuspended(Forbidden):
    """The caller's tenant is suspended by the operator: every key, session and login is refused."""

    def __init__(self, tenant_id: str) -> None:
        super().__init__(
            "This tenant is suspended: its API keys, sessions and logins are refused until the "
            "operator resumes it. Contact your service operator."
        )
        self.tenant_id = tenant_id


class NotFound(NexatronError):
    status_code = 404

    @classmethod
    def default_detail(cls) -> str:
        return "Not found."


class Conflict(NexatronError):
    status_code = 409

    @classmethod
    def default_detail(cls) -> str:
        return "Conflict with the current state of the resource."


class ValidationFailed(NexatronError):
    """422 with field-level entries: a list of {loc, msg, type}, like FastAPI's own."""

    status_code = 422

    def __init__(self, errors: list[dict[str, Any]] | str) -> None:
        if isinstance(errors, str):
            errors = [{"loc": ["body"], "msg": errors, "type": "value_error"}]
        super().__init__(errors)


class Unprocessable(NexatronError):
    """422 whose detail is a structured explanation (refusals, clarifications)."""

    status_code = 422


class RateLimited(NexatronError):
    status_code = 429

    @classmethod
    def default_detail(cls) -> str:
        return "Rate limit exceeded; retry after the number of seconds in the Retry-After header."


class ServiceUnavailable(NexatronError):
    status_code = 503

    @classmethod
    def default_detail(cls) -> str:
        return "A service this request needs is unavailable; try again shortly."
