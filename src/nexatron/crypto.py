"""Secrets at rest: AES-256-GCM with the owning object's ids bound as associated data.

Keys come from settings (`NEXATRON_ENCRYPTION_KEYS`, newest first) or are derived from the secret
key. Each token names the key that sealed it, so old keys keep decrypting during a rotation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from nexatron.errors import NexatronError


class DecryptionFailed(NexatronError):
    status_code = 500

    @classmethod
    def default_detail(cls) -> str:
        return "A stored secret could not be decrypted with the configured keys."


def _derive(material: str) -> bytes:
    return hashlib.sha256(b"nexatron-secret-box:" + material.encode()).digest()


def _key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


class SecretBox:
    """Encrypts small JSON secrets; `aad` ties a ciphertext to its tenant and object."""

    def __init__(self, key_materials: list[str]) -> None:
        if not key_materials:
            raise ValueError("at least one key is required")
        self._keys = [_derive(m) for m in key_materials]
        self._by_id = {_key_id(k): k for k in self._keys}

    def encrypt_json(self, value: Any, aad: str) -> str:
        key = self._keys[0]
        nonce = os.urandom(12)
        sealed = AESGCM(key).encrypt(nonce, json.dumps(value).encode(), aad.encode())
        return f"v1:{_key_id(key)}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt_json(self, token: str, aad: str) -> Any:
        try:
            version, key_id, payload = token.split(":", 2)
            key = self._by_id[key_id]
            raw = base64.urlsafe_b64decode(payload)
            plain = AESGCM(key).decrypt(raw[:12], raw[12:], aad.encode())
        except (ValueError, KeyError, InvalidTag) as exc:
            raise DecryptionFailed() from exc
        if version != "v1":
            raise DecryptionFailed()
        return json.loads(plain)


def keyed_hash(secret: str, value: str) -> str:
    """HMAC-SHA256 hex digest: how API keys and refresh tokens are stored."""
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()
