"""JSON for API payloads built by the services (no second validation pass over every row)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    return str(value)  # dates, Decimals and anything else the stages left as objects


def dump_json(payload: Any) -> str:
    """Compact JSON; datetimes as ISO 8601 with Z for UTC."""
    return json.dumps(payload, default=_default, separators=(",", ":"))
