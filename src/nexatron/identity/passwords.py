"""argon2id password hashing (OWASP parameters) with a dummy hash for unknown accounts."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP minimum for argon2id: m=19 MiB, t=2, p=1.
PRODUCTION_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

MIN_PASSWORD_LENGTH = 8

_hasher = PRODUCTION_HASHER


def use_hasher(hasher: PasswordHasher) -> None:
    """Replace the hasher for new hashes (the test suite installs a cheap one; verifying reads
    the parameters from each stored hash, so hashes made with either still verify)."""
    global _hasher
    _hasher = hasher
    _dummy_hash.cache_clear()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("nexatron-dummy-password-for-timing")


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant-ish time: unknown users are checked against a dummy hash."""
    target = stored_hash or _dummy_hash()
    try:
        ok = _hasher.verify(target, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return ok and stored_hash is not None


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
