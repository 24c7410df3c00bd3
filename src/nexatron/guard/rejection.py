"""The one error the guard raises."""

from __future__ import annotations

from nexatron.errors import BadRequest


class GuardRejected(BadRequest):
    """SQL refused by the read-only guard (400). `reason` is a short machine-readable code."""

    def __init__(self, detail: str, *, reason: str = "rejected") -> None:
        super().__init__(detail)
        self.reason = reason
