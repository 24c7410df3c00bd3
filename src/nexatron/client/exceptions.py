"""API errors as exceptions: the HTTP status and the API's `detail`."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A 4xx/5xx answer: `status`, `detail` (a string, or the API's structured detail: field
    entries for a 422, unmatched words and suggestions for a refused question) and headers."""

    def __init__(self, status: int, detail: Any, headers: dict[str, str] | None = None) -> None:
        self.status, self.detail, self.headers = status, detail, headers or {}
        super().__init__(f"{status}: {detail}")


class RateLimitedError(ApiError):
    """429 (or 503) still refused after the client's retries; `retry_after` in seconds."""

    @property
    def retry_after(self) -> float | None:
        value = self.headers.get("retry-after")
        try:
            return float(value) if value is not None else None
        except ValueError:
            return None
