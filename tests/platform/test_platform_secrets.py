"""Secrets at rest: bound to their owner, and rotation keeps old ciphertexts readable."""

from __future__ import annotations

import pytest

from nexatron.crypto import DecryptionFailed, SecretBox


def test_rotation_old_tokens_decrypt_and_new_writes_use_the_newest_key() -> None:
    old = SecretBox(["key-one-" + "x" * 32])
    token = old.encrypt_json({"password": "p"}, "connection:ten_1:conn_1")
    rotated = SecretBox(["key-two-" + "y" * 32, "key-one-" + "x" * 32])  # newest first
    assert rotated.decrypt_json(token, "connection:ten_1:conn_1") == {"password": "p"}
    fresh = rotated.encrypt_json({"password": "p"}, "connection:ten_1:conn_1")
    assert fresh.split(":")[1] != token.split(":")[1]  # sealed with the newest key
    with pytest.raises(DecryptionFailed):  # the retired key alone cannot read it
        old.decrypt_json(fresh, "connection:ten_1:conn_1")


def test_ciphertext_is_bound_to_its_tenant_and_object() -> None:
    box = SecretBox(["key-one-" + "x" * 32])
    token = box.encrypt_json({"password": "p"}, "connection:ten_1:conn_1")
    with pytest.raises(DecryptionFailed):
        box.decrypt_json(token, "connection:ten_2:conn_1")
    with pytest.raises(DecryptionFailed):
        box.decrypt_json(token[:-4] + "AAAA", "connection:ten_1:conn_1")
