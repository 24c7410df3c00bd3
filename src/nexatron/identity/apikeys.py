"""API key format: `nxa_` + 32 base62 random characters + a 6-character base62 checksum.

The checksum lets a malformed or mistyped key be rejected before any database lookup. Only an
HMAC-SHA256 of the whole key (keyed with the server secret) is stored.
"""

from __future__ import annotations

import hashlib
import re
import string

from nexatron.ids import random_base62

PREFIX = "nxa_"
BODY_LENGTH = 32
CHECK_LENGTH = 6
_B62 = string.digits + string.ascii_letters
_PATTERN = re.compile(rf"^{PREFIX}[0-9A-Za-z]{{{BODY_LENGTH + CHECK_LENGTH}}}$")


def _checksum(body: str) -> str:
    number = int.from_bytes(hashlib.sha256(body.encode()).digest()[:8], "big")
    out = []
    for _ in range(CHECK_LENGTH):
        number, digit = divmod(number, 62)
        out.append(_B62[digit])
    return "".join(out)


def generate_key() -> str:
    body = random_base62(BODY_LENGTH)
    return f"{PREFIX}{body}{_checksum(body)}"


def is_well_formed(key: str) -> bool:
    if not _PATTERN.match(key):
        return False
    body = key[len(PREFIX) : len(PREFIX) + BODY_LENGTH]
    return key[len(PREFIX) + BODY_LENGTH :] == _checksum(body)


def display_prefix(key: str) -> str:
    """What lists show: `nxa_` and the first 6 characters."""
    return key[: len(PREFIX) + 6]
