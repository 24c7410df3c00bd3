"""API key format: `nxa_` (`nxo_` for operator keys) + 32 base62 random characters + a
6-character base62 checksum.

The checksum lets a malformed or mistyped key be rejected before any database lookup. Only an
HMAC-SHA256 of the whole key (keyed with the server secret) is stored.
"""

from __future__ import annotations

import hashlib
import re
import string

from nexatron.ids import random_base62

PREFIX = "nxa_"
OPERATOR_PREFIX = "nxo_"
BODY_LENGTH = 32
CHECK_LENGTH = 6
_B62 = string.digits + string.ascii_letters
_BODY = re.compile(rf"^[0-9A-Za-z]{{{BODY_LENGTH + CHECK_LENGTH}}}$")


def _checksum(body: str) -> str:
    number = int.from_bytes(hashlib.sha256(body.encode()).digest()[:8], "big")
    out = []
    for _ in range(CHECK_LENGTH):
        number, digit = divmod(number, 62)
        out.append(_B62[digit])
    return "".join(out)


def generate_key(prefix: str = PREFIX) -> str:
    body = random_base62(BODY_LENGTH)
    return f"{prefix}{body}{_checksum(body)}"


def is_well_formed(key: str, prefix: str = PREFIX) -> bool:
    rest = key[len(prefix) :]
    if not key.startswith(prefix) or not _BODY.match(rest):
        return False
    return rest[BODY_LENGTH:] == _checksum(rest[:BODY_LENGTH])


def display_prefix(key: str) -> str:
    """What lists show: the prefix (`nxa_`) and the first 6 characters."""
    return key[: len(PREFIX) + 6]
