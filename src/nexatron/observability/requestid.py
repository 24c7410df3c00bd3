"""Request ids: a caller's (or proxy's) X-Request-ID is kept when it is safe to log and echo."""

from __future__ import annotations

import re

from nexatron.audit.request_context import new_request_id

MAX_LENGTH = 128
_SAFE = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def accept_request_id(incoming: str | None) -> str:
    """The caller's id when it is 1-128 characters of [A-Za-z0-9._:-]; otherwise a new one
    (`req_` and 24 hex digits). Anything else (spaces, quotes, control characters, a very long
    value) could forge log lines or bloat every row it is written to, so it is replaced."""
    if incoming is not None and _SAFE.fullmatch(incoming):
        return incoming
    return new_request_id()
