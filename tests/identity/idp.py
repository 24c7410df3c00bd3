"""A local OpenID provider for the tests: oidc-provider-mock served by werkzeug on a loopback
port, behind a small WSGI layer that can spoil the ID tokens it issues (wrong audience or issuer,
expired, forged nonce, signed by a key the provider does not publish) or rotate its signing key."""

from __future__ import annotations

import json
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import authlib.deprecate  # installs its "always" filter now, before ours below
import flask
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

with warnings.catch_warnings():  # the mock imports authlib.jose, deprecated upstream
    warnings.simplefilter("ignore", authlib.deprecate.AuthlibDeprecationWarning)
    import oidc_provider_mock


@dataclass
class Idp:
    issuer: str
    app: flask.Flask
    spoil: str | None = None  # wrong_audience | wrong_issuer | expired | bad_nonce | foreign_key
    issued: list[dict[str, Any]] = field(default_factory=list)

    @property
    def storage(self) -> Any:
        with self.app.test_request_context("/"):
            self.app.preprocess_request()
            return flask.g.oidc_provider_mock_storage

    def rotate_key(self) -> None:
        """Sign from now on with a new key (the JWKS then publishes only the new one)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            from authlib import jose

            self.storage.jwk = jose.RSAKey.generate_key(is_private=True)

    def set_user(self, sub: str, claims: dict[str, Any]) -> None:
        self.storage.store_user(oidc_provider_mock.User(sub=sub, claims=claims))

    def _resign(self, id_token: str) -> str:
        key_dict = self.storage.jwk.as_dict(is_private=True)
        key = RSAKey.import_key(key_dict)
        claims = dict(jwt.decode(id_token, key).claims)
        now = int(time.time())
        if self.spoil == "wrong_audience":
            claims["aud"] = "someone-else"
        elif self.spoil == "expired":
            claims.update(iat=now - 7200, exp=now - 3600)
        elif self.spoil == "wrong_issuer":
            claims["iss"] = "https://evil.example"
        elif self.spoil == "bad_nonce":
            claims["nonce"] = "forged-nonce"
        elif self.spoil == "foreign_key":
            key = RSAKey.generate_key(2048, parameters={"kid": "not-published"}, private=True)
        header = {"alg": "RS256", "kid": key.kid or key.thumbprint()}
        return jwt.encode(header, claims, key)

    def wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") != "/oauth2/token":
            return self.app(environ, start_response)
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[Any], exc_info: Any = None) -> Any:
            captured.update(status=status, headers=headers)
            return lambda _data: None

        body = b"".join(self.app(environ, capture))
        if captured["status"].startswith("200"):
            token = json.loads(body)
            self.issued.append(token)
            if self.spoil and "id_token" in token:
                token["id_token"] = self._resign(token["id_token"])
                body = json.dumps(token).encode()
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response(captured["status"], [*headers, ("Content-Length", str(len(body)))])
        return [body]


@contextmanager
def running_idp() -> Iterator[Idp]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        app = oidc_provider_mock.app(require_nonce=True)
    idp = Idp("", app)
    server = make_server("127.0.0.1", 0, idp.wsgi, threaded=True)
    idp.issuer = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield idp
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
