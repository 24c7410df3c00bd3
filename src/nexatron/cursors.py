"""Opaque, signed page cursors: what a page hands back is what the next request may pass.

A cursor is base64url(JSON payload) + "." + a truncated HMAC-SHA256 of it under the server
secret, so a client can neither forge a position nor smuggle a value the query was not built
for. Anything else (edited, truncated, from another server or another listing) is a 400.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
from typing import Any

from nexatron.errors import BadRequest

MAX_CURSOR_CHARS = 512
_SIG_BYTES = 16
INVALID = "Invalid cursor; pass the next_cursor of a previous page unchanged."


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(secret: str, scope: str, body: str) -> str:
    mac = hmac.new(secret.encode(), f"cursor:{scope}:{body}".encode(), hashlib.sha256)
    return _b64(mac.digest()[:_SIG_BYTES])


def encode_cursor(secret: str, scope: str, payload: list[Any]) -> str:
    """A cursor for `payload` (JSON values) valid only for the listing named `scope`."""
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    return f"{body}.{_sign(secret, scope, body)}"


def decode_cursor(secret: str, scope: str, cursor: str) -> list[Any]:
    """The payload of a cursor this server issued for `scope`; a 400 for anything else."""
    body, dot, signature = cursor.partition(".")
    if not dot or len(cursor) > MAX_CURSOR_CHARS:
        raise BadRequest(INVALID)
    if not hmac.compare_digest(signature, _sign(secret, scope, body)):
        raise BadRequest(INVALID)
    try:
        payload = json.loads(_unb64(body))
    except (ValueError, binascii.Error) as exc:
        raise BadRequest(INVALID) from exc
    if not isinstance(payload, list):
        raise BadRequest(INVALID)
    return payload


def aware_datetime(value: Any) -> dt.datetime:
    """A timezone-aware datetime from a cursor field (signed, but checked all the same)."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise BadRequest(INVALID) from exc
    if parsed.tzinfo is None:
        raise BadRequest(INVALID)
    return parsed.astimezone(dt.UTC)
