"""The production password hasher: argon2id at OWASP parameters (the suite hashes cheaply)."""

from __future__ import annotations

from argon2 import PasswordHasher

from nexatron.identity import passwords


def test_production_parameters_are_owasp_argon2id() -> None:
    encoded = passwords.PRODUCTION_HASHER.hash("correct horse battery")
    assert encoded.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert passwords.PRODUCTION_HASHER.verify(encoded, "correct horse battery")


def test_hashes_made_with_either_hasher_verify_and_weaker_ones_need_rehash() -> None:
    strong = passwords.PRODUCTION_HASHER.hash("pw-strong-1234")
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("pw-weak-1234")
    assert passwords.verify_password(strong, "pw-strong-1234")
    assert passwords.verify_password(weak, "pw-weak-1234")
    assert not passwords.verify_password(strong, "wrong")
    assert not passwords.verify_password(None, "anything")
    previous = passwords._hasher
    passwords.use_hasher(passwords.PRODUCTION_HASHER)
    try:
        assert passwords.needs_rehash(weak)
        assert not passwords.needs_rehash(strong)
        made = passwords.hash_password("pw-strong-1234")
        assert made.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    finally:
        passwords.use_hasher(previous)
