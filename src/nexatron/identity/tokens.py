"""Short-lived JWT access tokens (HS256 pinned; exp, iss, aud, sub, sid required).

PyJWT is imported at the first token issued or read: a server answering API keys only never
loads it (~2.4 MB of its RSS; ARCHITECTURE.md, the 1,000,000-row stream)."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from nexatron.errors import Unauthorized

ALGORITHM = "HS256"


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: str
    tenant_id: str
    session_id: str


class TokenCodec:
    def __init__(self, secret: str, *, issuer: str, audience: str, ttl_s: int) -> None:
        self._secret = secret
        self._issuer = issuer
        self._audience = audience
        self.ttl_s = ttl_s

    def issue(self, *, user_id: str, tenant_id: str, session_id: str) -> tuple[str, int]:
        import jwt

        now = int(time.time())
        claims = {
            "sub": user_id,
            "tid": tenant_id,
            "sid": session_id,
            "iss": self._issuer,
            "aud": self._audience,
            "iat": now,
            "jti": secrets.token_urlsafe(12),
            "exp": now + self.ttl_s,
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM), now + self.ttl_s

    def decode(self, token: str) -> AccessClaims:
        import jwt

        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "iss", "aud", "sub", "sid", "tid"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized(
                "Access token expired; refresh it with POST /auth/refresh."
            ) from None
        except jwt.PyJWTError:
            raise Unauthorized("Invalid access token.") from None
        return AccessClaims(
            user_id=claims["sub"], tenant_id=claims["tid"], session_id=claims["sid"]
        )
