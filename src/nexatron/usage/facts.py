"""What one question leaves for usage accounting: a `UsageFact`, built on the request path from
what the answer already holds (a dataclass, no I/O) and written by the history writer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["answered", "refused", "clarified", "errored"]


@dataclass(frozen=True, slots=True)
class UsageFact:
    query_id: str
    tenant_id: str
    user_id: str
    api_key_id: str | None
    connection_id: str
    connection_type: str
    planner: str
    status: Status
    question: str
    occurred_at: dt.datetime
    latency_ms: float = 0.0
    rows: int = 0
    cached: bool = False
    tokens_in: int = 0
    tokens_out: int = 0
    model: str | None = None
    unmatched: tuple[str, ...] = ()
    suggestions: dict[str, Any] | None = field(default=None)

    @property
    def day(self) -> str:
        return self.occurred_at.astimezone(dt.UTC).date().isoformat()


def unmatched_of(detail: Any) -> tuple[tuple[str, ...], dict[str, Any] | None]:
    """The unmatched words and suggestions of a refusal's or clarification's detail."""
    if not isinstance(detail, dict):
        return (), None
    words = detail.get("unmatched") or []
    if not words and isinstance(detail.get("ambiguous"), str):  # a clarification's word
        words = [detail["ambiguous"]]
    suggestions = detail.get("suggestions")
    if suggestions is None and isinstance(detail.get("candidates"), list):
        candidates = [c for c in detail["candidates"] if isinstance(c, dict)]
        suggestions = {
            "metrics": _distinct(c.get("metric") for c in candidates),
            "dimensions": _distinct(c.get("dimension") for c in candidates),
        }
    clean = tuple(w.strip().lower() for w in words if isinstance(w, str) and w.strip())
    return clean, suggestions if isinstance(suggestions, dict) else None


def _distinct(values: Any) -> list[str]:
    return list(dict.fromkeys(v for v in values if isinstance(v, str)))
