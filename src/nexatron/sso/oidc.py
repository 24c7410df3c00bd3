"""The OpenID Connect relying party: discovery, the authorization request (PKCE, state, nonce)
and the code exchange through authlib; ID-token validation with joserfc (authlib's JOSE library):
signature against the provider's JWKS (fetched again once when no cached key verifies a token:
rotation), iss, aud, exp and nonce."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    InvalidKeyIdError,
    JoseError,
)
from joserfc.jwk import KeySet

from nexatron.netcheck import is_private_host
from nexatron.sso.config import Provider
from nexatron.sso.login_failures import LoginRejected, ProviderUnavailable

try:  # authlib's httpx integration uses httpx2 when it is installed, else httpx
    import httpx2

    NETWORK_ERRORS: tuple[type[Exception], ...] = (httpx.HTTPError, httpx2.HTTPError)
except ImportError:  # pragma: no cover - depends on what else is installed
    NETWORK_ERRORS = (httpx.HTTPError,)

METADATA_TTL_S = 3600.0
LEEWAY_S = 60  # clock skew allowed on exp / iat
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]


@dataclass(frozen=True, slots=True)
class Metadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


class OidcClient:
    """One per process (`Services.oidc`); caches provider metadata and key sets."""

    def __init__(self, *, timeout_s: float, allow_private: bool) -> None:
        self._timeout = timeout_s
        self._allow_private = allow_private
        self._lock = threading.Lock()
        self._metadata: dict[str, tuple[float, Metadata]] = {}
        self._keys: dict[str, KeySet] = {}

    def _check_host(self, url: str) -> None:
        host = urlparse(url).hostname or ""
        if not self._allow_private and is_private_host(host):
            raise ProviderUnavailable(
                "The identity provider's address is private; this server will not call it."
            )

    def _get_json(self, url: str, issuer: str) -> Any:
        self._check_host(url)
        try:
            with httpx.Client(timeout=self._timeout, follow_redirects=False) as client:
                response = client.get(url, headers={"Accept": "application/json"})
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError):
            raise ProviderUnavailable(
                f"The identity provider {issuer} did not answer; try again later."
            ) from None

    def metadata(self, issuer: str) -> Metadata:
        with self._lock:
            cached = self._metadata.get(issuer)
        if cached is not None and time.monotonic() - cached[0] < METADATA_TTL_S:
            return cached[1]
        document = self._get_json(f"{issuer}/.well-known/openid-configuration", issuer)
        try:
            found = Metadata(
                issuer=str(document["issuer"]).rstrip("/"),
                authorization_endpoint=str(document["authorization_endpoint"]),
                token_endpoint=str(document["token_endpoint"]),
                jwks_uri=str(document["jwks_uri"]),
            )
        except (KeyError, TypeError):
            raise ProviderUnavailable(
                f"The identity provider {issuer} published an incomplete discovery document."
            ) from None
        if found.issuer != issuer:
            raise ProviderUnavailable(
                f"The discovery document of {issuer} names another issuer ({found.issuer})."
            )
        with self._lock:
            self._metadata[issuer] = (time.monotonic(), found)
        return found

    def _session(self, provider: Provider, redirect_uri: str) -> OAuth2Client:
        return OAuth2Client(
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            scope=provider.scopes,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic" if provider.client_secret else "none",
            timeout=self._timeout,
            follow_redirects=False,
        )

    def authorization_url(
        self, provider: Provider, redirect_uri: str, *, state: str, nonce: str, verifier: str
    ) -> str:
        meta = self.metadata(provider.issuer)
        with self._session(provider, redirect_uri) as session:
            url, _state = session.create_authorization_url(
                meta.authorization_endpoint, state=state, nonce=nonce, code_verifier=verifier
            )
        return str(url)

    def exchange(self, provider: Provider, redirect_uri: str, code: str, verifier: str) -> str:
        """The ID token for an authorization code."""
        meta = self.metadata(provider.issuer)
        self._check_host(meta.token_endpoint)
        try:
            with self._session(provider, redirect_uri) as session:
                token = session.fetch_token(meta.token_endpoint, code=code, code_verifier=verifier)
        except AuthlibBaseError as exc:  # an OAuth error answer (invalid_client, invalid_grant...)
            raise LoginRejected(
                f"The identity provider refused the sign-in ({exc.error})."
            ) from None
        except NETWORK_ERRORS:
            raise ProviderUnavailable(
                f"The identity provider {provider.issuer} did not answer; try again later."
            ) from None
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise LoginRejected("The identity provider returned no ID token.")
        return id_token

    def _key_set(self, jwks_uri: str, issuer: str, *, refresh: bool) -> KeySet:
        with self._lock:
            cached = self._keys.get(jwks_uri)
        if cached is not None and not refresh:
            return cached
        try:
            keys = KeySet.import_key_set(self._get_json(jwks_uri, issuer))
        except (JoseError, ValueError, TypeError):
            raise ProviderUnavailable(f"The key set of {issuer} could not be read.") from None
        with self._lock:
            self._keys[jwks_uri] = keys
        return keys

    def validate(self, provider: Provider, id_token: str, nonce: str) -> dict[str, Any]:
        """The ID token's claims once its signature, issuer, audience, expiry and nonce hold."""
        meta = self.metadata(provider.issuer)
        try:
            try:
                token = jwt.decode(
                    id_token, self._key_set(meta.jwks_uri, meta.issuer, refresh=False), ALGORITHMS
                )
            except (InvalidKeyIdError, BadSignatureError):
                # The provider may have rotated its keys (a token names a new kid, or names none
                # and no cached key verifies it): read the key set again, once. ID tokens come
                # from the token endpoint over the back channel, so no third party can make the
                # server refetch at will.
                token = jwt.decode(
                    id_token, self._key_set(meta.jwks_uri, meta.issuer, refresh=True), ALGORITHMS
                )
            jwt.JWTClaimsRegistry(
                leeway=LEEWAY_S,
                iss={"essential": True, "value": meta.issuer},
                aud={"essential": True, "value": provider.client_id},
                exp={"essential": True},
                sub={"essential": True},
                nonce={"essential": True, "value": nonce},
            ).validate(token.claims)
        except ExpiredTokenError:
            raise LoginRejected("The ID token has expired; sign in again.") from None
        except InvalidClaimError as exc:
            raise LoginRejected(f"The ID token's {exc.claim} is wrong.") from None
        except (JoseError, ValueError):
            raise LoginRejected("The ID token is invalid (signature or format).") from None
        return dict(token.claims)
