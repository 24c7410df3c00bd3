"""The per-tenant hash chain: each event's hash covers its fields and the previous event's hash.

The hash is SHA-256 over a canonical JSON of the stored fields, so `audit verify` can recompute
it from the row alone. A chain is named by its tenant id (`operator` for events with no tenant).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

GENESIS = "0" * 64
OPERATOR_CHAIN = "operator"

# The columns the hash covers, in order (everything stored except `hash` itself).
HASHED = (
    "id",
    "chain",
    "seq",
    "tenant_id",
    "occurred_at",
    "actor_type",
    "actor_id",
    "actor_display",
    "action",
    "target_type",
    "target_id",
    "target_name",
    "outcome",
    "reason",
    "client_ip",
    "user_agent",
    "request_id",
    "changed_fields",
    "prev_hash",
)


def chain_of(tenant_id: str | None) -> str:
    return tenant_id or OPERATOR_CHAIN


def _canonical(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def event_hash(row: Mapping[str, Any]) -> str:
    document = {name: _canonical(row[name]) for name in HASHED}
    payload = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(payload.encode()).hexdigest()
