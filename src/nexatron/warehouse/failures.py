"""Errors the warehouse layer raises on purpose; every message is scrubbed of credentials."""

from __future__ import annotations

from nexatron.errors import BadRequest


class DriverMissing(BadRequest):
    """The engine's Python driver is not installed; the detail names the pip extra."""

    def __init__(self, engine_label: str, extra: str, module: str) -> None:
        self.extra = extra
        super().__init__(
            f"The {engine_label} driver ({module}) is not installed. "
            f"Install it with: pip install 'nexatron[{extra}]'"
        )


class QueryFailed(BadRequest):
    """The database rejected or failed the statement (detail is scrubbed)."""


class QueryTimeout(BadRequest):
    """The statement ran longer than its timeout and was cancelled."""

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        super().__init__(
            f"The query was cancelled after exceeding its {timeout_s:g} s time limit. "
            "Narrow the question (fewer rows, a shorter date range) or raise the timeout."
        )
