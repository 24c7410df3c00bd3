"""JSON for API payloads built by the services (no second validation pass over every row).

orjson renders it (several times faster than the standard library on large answers); dates and
times still go through `_default`, so the text is the same. What orjson refuses (integers beyond
64 bits, non-string keys) is rendered by the standard library instead."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import orjson

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    return str(value)  # dates, Decimals and anything else the stages left as objects


def dump_json(payload: Any) -> str:
    """Compact JSON; datetimes as ISO 8601 with Z for UTC."""
    try:
        return orjson.dumps(payload, default=_default, option=_OPTIONS).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(payload, default=_default, separators=(",", ":"))
