"""Single sign-on end to end: the app served on a loopback port, a local OpenID provider
(oidc-provider-mock) and an httpx client following the redirects as a browser would."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from sqlalchemy import select

from nexatron.identity.operators import create_operator_key
from nexatron.store.tables import audit_events, tenants
from nexatron.testing import Harness

from ..throwaway import free_port
from .idp import Idp
from .live import serve

pytestmark = [
    pytest.mark.anyio,
    # The provider (a test double, in a thread of this process) still uses APIs authlib
    # deprecates; pytest's "error" filter is process-wide and would turn them into its 500s.
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]
CANARY = "client-secret-canary-" + secrets.token_hex(4)


def domain() -> str:
    return f"corp-{secrets.token_hex(3)}.example.com"


async def configure(h: Harness, idp_issuer: str, dom: str, **extra: Any) -> httpx.Response:
    body = {
        "issuer": idp_issuer,
        "client_id": "nexatron-test",
        "client_secret": CANARY,
        "allowed_domains": [dom],
        "role_claim": "groups",
        "role_mapping": {"nx-admins": "admin", "nx-analysts": "analyst"},
        **extra,
    }
    return await h.as_(h.tenant.admin, "PUT", "/api/v1/sso/settings", json=body)


def sign_in(base: str, sub: str, **params: str) -> httpx.Response:
    """A browser: start, pick the user on the provider's page, follow the redirects back."""
    with httpx.Client(follow_redirects=True, timeout=10) as browser:
        page = browser.get(f"{base}/api/v1/auth/sso/start", params=params)
        if page.status_code != 200 or "/oauth2/authorize" not in str(page.url):
            return page
        return browser.post(str(page.url), data={"sub": sub})


async def test_sign_in_end_to_end(sso_harness, idp: Idp) -> None:
    h = sso_harness
    dom = domain()
    r = await configure(h, idp.issuer, dom)
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["has_client_secret"] is True and CANARY not in r.text
    assert view["redirect_uri"].endswith("/api/v1/auth/sso/callback")
    got = await h.as_(h.tenant.admin, "GET", "/api/v1/sso/settings")
    assert got.json()["allowed_domains"] == [dom] and CANARY not in got.text

    email = f"ann@{dom}"
    idp.set_user(email, {"email": email, "name": "Ann Example", "groups": ["nx-analysts"]})
    with serve(h.app) as base:
        with httpx.Client(timeout=10) as browser:  # the first hop, to read the request made
            first = browser.get(f"{base}/api/v1/auth/sso/start", params={"email": email})
        assert first.status_code == 302
        sent = parse_qs(urlparse(first.headers["location"]).query)
        assert sent["code_challenge_method"] == ["S256"] and len(sent["code_challenge"][0]) >= 43
        assert sent["state"][0] and sent["nonce"][0] and sent["client_id"] == ["nexatron-test"]
        cookie = first.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        assert "code_verifier" not in first.headers["location"]

        r = sign_in(base, email, email=email)
        assert r.status_code == 200, r.text
        tokens = r.json()
        assert idp.issued, "the code was exchanged at the provider's token endpoint"
        me = httpx.get(
            f"{base}/api/v1/auth/me",
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
        )
        assert me.status_code == 200
        assert me.json()["email"] == email and me.json()["role"] == "analyst"
        assert me.json()["tenant_id"] == h.tenant.id
        refreshed = httpx.post(
            f"{base}/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        )
        assert refreshed.status_code == 200

        # the claim mapping follows the provider: promoted there, promoted here
        idp.set_user(email, {"email": email, "groups": ["nx-admins"]})
        with h.services.db.connect() as conn:
            slug = conn.execute(select(tenants.c.slug).where(tenants.c.id == h.tenant.id)).scalar()
        again = sign_in(base, email, tenant=str(slug))  # the tenant named by its slug
        assert again.status_code == 200, again.text
        me = httpx.get(
            f"{base}/api/v1/auth/me",
            headers={"Authorization": f"Bearer {again.json()['access_token']}"},
        )
        assert me.json()["role"] == "admin"

        # the provider rotates its signing key: the new key set is fetched, sign-in goes on
        idp.rotate_key()
        assert sign_in(base, email, email=email).status_code == 200
    with h.services.db.connect() as conn:
        logged = conn.execute(
            select(audit_events)
            .where(audit_events.c.tenant_id == h.tenant.id, audit_events.c.target_name == email)
            .order_by(audit_events.c.seq)
        ).all()
    assert [e.action for e in logged] == [
        "sso.user.provision",
        "sso.login.success",
        "user.role_change",  # the claim promoted the user: written with the sign-in it came with
        "sso.login.success",
        "sso.login.success",
    ]
    change = logged[2]
    assert (change.actor_type, change.actor_id) == ("system", "sso")
    assert change.target_id == logged[0].target_id and change.changed_fields == ["role"]
    assert change.reason == "analyst -> admin (SSO claim)"
    assert change.request_id == logged[3].request_id


@pytest.mark.parametrize(
    ("spoil", "detail"),
    [
        ("wrong_audience", "The ID token's aud is wrong."),
        ("wrong_issuer", "The ID token's iss is wrong."),
        ("expired", "The ID token has expired; sign in again."),
        ("bad_nonce", "The ID token's nonce is wrong."),
        ("foreign_key", "The ID token is invalid (signature or format)."),
    ],
)
async def test_an_id_token_that_does_not_validate_is_refused(
    sso_harness, idp: Idp, spoil: str, detail: str
) -> None:
    h = sso_harness
    dom = domain()
    assert (await configure(h, idp.issuer, dom)).status_code == 200
    email = f"eve@{dom}"
    with serve(h.app) as base:
        assert sign_in(base, email, email=email).status_code == 200  # keys cached first
        idp.spoil = spoil
        r = sign_in(base, email, email=email)
    assert r.status_code == 401, r.text
    assert r.json()["detail"] == detail
    with h.services.db.connect() as conn:
        failed = conn.execute(
            select(audit_events).where(
                audit_events.c.tenant_id == h.tenant.id,
                audit_events.c.action == "sso.login.failed",
            )
        ).all()
    assert [(e.outcome, e.reason) for e in failed] == [("failure", detail)]


async def test_refusals(sso_harness, idp: Idp) -> None:
    h = sso_harness
    dom = domain()
    assert (await configure(h, idp.issuer, dom, jit_provisioning=False)).status_code == 200
    local = {"email": f"known@{dom}", "password": "password-known-1", "role": "viewer"}
    user = (await h.as_(h.tenant.admin, "POST", "/api/v1/users", json=local)).json()
    with serve(h.app) as base:
        # unknown domain: nothing to sign in with
        r = sign_in(base, "x", email="someone@unknown-domain.example.org")
        assert r.status_code == 404 and "unknown-domain.example.org" in r.json()["detail"]
        r = sign_in(base, "x")
        assert r.status_code == 400
        # JIT off: an unknown user is refused, a known one signs in
        r = sign_in(base, f"stranger@{dom}", email=f"stranger@{dom}")
        assert r.status_code == 403 and "just-in-time provisioning is off" in r.json()["detail"]
        assert sign_in(base, local["email"], email=local["email"]).status_code == 200
        # a disabled user is refused
        await h.as_(h.tenant.admin, "PATCH", f"/api/v1/users/{user['id']}", json={"disabled": True})
        r = sign_in(base, local["email"], email=local["email"])
        assert r.status_code == 403 and "disabled" in r.json()["detail"]
        # an address outside the allowed domains, even from the tenant's own provider
        idp.set_user("odd", {"email": "odd@elsewhere.example.net"})
        r = sign_in(base, "odd", email=f"odd@{dom}")
        assert r.status_code == 403 and "elsewhere.example.net" in r.json()["detail"]
        # a provider that refuses the client at its token endpoint (a public client here)
        r = await configure(h, idp.issuer, dom, client_secret="")  # removed: a public client
        assert r.status_code == 200 and r.json()["has_client_secret"] is False
        r = sign_in(base, local["email"], email=local["email"])
        assert r.status_code == 401
        assert r.json()["detail"] == "The identity provider refused the sign-in (invalid_client)."
        # a callback without the browser's flow cookie (or another state)
        r = httpx.get(f"{base}/api/v1/auth/sso/callback", params={"code": "x", "state": "y"})
        assert r.status_code == 400 and "start again" in r.json()["detail"]


async def test_a_suspended_tenant_cannot_sign_in(sso_harness, idp: Idp) -> None:
    h = sso_harness
    dom = domain()
    assert (await configure(h, idp.issuer, dom)).status_code == 200
    email = f"sue@{dom}"
    with h.services.db.begin() as conn:
        _record, key = create_operator_key(conn, h.services.settings.secret_key, "tests")
    op, tenant = {"Authorization": f"Bearer {key}"}, f"/api/v1/operator/tenants/{h.tenant.id}"
    with serve(h.app) as base:
        assert sign_in(base, email, email=email).status_code == 200
        with httpx.Client(follow_redirects=True, timeout=10) as browser:
            page = browser.get(f"{base}/api/v1/auth/sso/start", params={"email": email})
            assert "/oauth2/authorize" in str(page.url)
            assert (await h.client.post(f"{tenant}/suspend", headers=op)).status_code == 200
            r = browser.post(str(page.url), data={"sub": email})  # started before, back after
        assert r.status_code == 403 and "suspended" in r.json()["detail"]
        with httpx.Client(timeout=10) as browser:
            r = browser.get(f"{base}/api/v1/auth/sso/start", params={"email": email})
        assert r.status_code == 403 and "suspended" in r.json()["detail"]
        assert "location" not in r.headers  # not sent to the provider at all
        assert (await h.client.post(f"{tenant}/resume", headers=op)).status_code == 200
        assert sign_in(base, email, email=email).status_code == 200


async def test_provider_down_and_password_login(sso_harness) -> None:
    h = sso_harness
    dom = domain()
    down = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    assert (await configure(h, down, dom)).status_code == 200
    local = {"email": f"pw@{dom}", "password": "password-pw-123", "role": "viewer"}
    await h.as_(h.tenant.admin, "POST", "/api/v1/users", json=local)
    with serve(h.app) as base:
        r = sign_in(base, local["email"], email=local["email"])
    assert r.status_code == 503
    assert r.json()["detail"] == f"The identity provider {down} did not answer; try again later."
    login = {"email": local["email"], "password": local["password"]}
    assert (await h.client.post("/api/v1/auth/login", json=login)).status_code == 200

    # with password login disabled, the right password is told to use SSO; a wrong one learns
    # nothing more than before
    assert (await configure(h, down, dom, password_login_disabled=True)).status_code == 200
    r = await h.client.post("/api/v1/auth/login", json=login)
    assert r.status_code == 403 and "single sign-on" in r.json()["detail"]
    r = await h.client.post("/api/v1/auth/login", json={**login, "password": "wrong-password"})
    assert r.status_code == 401
    # other tenants' password logins are untouched
    other = h.other.admin
    r = await h.client.post(
        "/api/v1/auth/login", json={"email": other.email, "password": other.password}
    )
    assert r.status_code == 200


async def test_settings_rules(sso_harness, harness) -> None:
    h = sso_harness
    dom = domain()
    issuer = "http://127.0.0.1:9"
    assert (await configure(h, issuer, dom)).status_code == 200
    # a domain signs in through one tenant only
    r = await h.as_(
        h.other.admin,
        "PUT",
        "/api/v1/sso/settings",
        json={"issuer": issuer, "client_id": "x", "allowed_domains": [dom]},
    )
    assert r.status_code == 409
    # the secret is kept when not sent again, and never shown
    r = await h.as_(
        h.tenant.admin,
        "PUT",
        "/api/v1/sso/settings",
        json={
            "issuer": issuer,
            "client_id": "y",
            "client_secret": "********",
            "allowed_domains": [dom],
        },
    )
    assert r.json()["has_client_secret"] is True and r.json()["client_id"] == "y"
    for actor in (h.tenant.analyst, h.tenant.viewer):
        for method in ("GET", "PUT", "DELETE"):
            r = await h.as_(
                actor,
                method,
                "/api/v1/sso/settings",
                json={"issuer": issuer, "client_id": "z"} if method == "PUT" else None,
            )
            assert r.status_code == 403, (actor.role, method)
    assert (await h.as_(h.tenant.admin, "DELETE", "/api/v1/sso/settings")).status_code == 204
    assert (await h.as_(h.tenant.admin, "GET", "/api/v1/sso/settings")).status_code == 404
    # without the operator's permission, a private or plain-http issuer is refused
    r = await harness.as_(
        harness.tenant.admin,
        "PUT",
        "/api/v1/sso/settings",
        json={"issuer": issuer, "client_id": "x"},
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "issuer"]
