"""Prefixed random identifiers: qry_, conv_, conn_, met_, dim_, rel_, key_, usr_, ten_,
scimtok_, grp_."""

from __future__ import annotations

import secrets
import string

_ALPHABET = string.ascii_letters + string.digits

PREFIXES = {
    "query": "qry",
    "conversation": "conv",
    "connection": "conn",
    "metric": "met",
    "dimension": "dim",
    "relationship": "rel",
    "api_key": "key",
    "user": "usr",
    "tenant": "ten",
    "session": "ses",
    "scim_token": "scimtok",
    "scim_group": "grp",
    "file": "file",
    "verified": "ver",
    "feedback": "fbk",
}


def random_base62(length: int) -> str:
    """`length` uniform base62 characters from the OS's CSPRNG (one read, no modulo bias)."""
    out: list[str] = []
    while len(out) < length:
        # 248 = 4 * 62: bytes at or above it are dropped so every character is equally likely.
        out += [_ALPHABET[b % 62] for b in secrets.token_bytes(length + 8) if b < 248]
    return "".join(out[:length])


def new_id(kind: str) -> str:
    """A new id such as `qry_3kT9...` (16 base62 characters after the prefix)."""
    return f"{PREFIXES[kind]}_{random_base62(16)}"
