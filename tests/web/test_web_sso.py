"""Single sign-on in the web app: Chromium signs in through a local OpenID provider
(oidc-provider-mock) and lands on the Ask page with the web app's session cookie; a refusal comes
back to the sign-in page with its reason."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..identity.idp import Idp, running_idp
from .conftest import GENEROUS, _need_browser
from .web_support import DESKTOP, Server, launch, start_server

expect: Any = pytest.importorskip("playwright.sync_api").expect
pytestmark = [
    pytest.mark.slow,
    # The provider (a test double, in a thread of this process) still uses APIs authlib
    # deprecates; pytest's "error" filter is process-wide and would turn them into its 500s.
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]


@pytest.fixture(scope="module")
def sso_server(tmp_path_factory: pytest.TempPathFactory, demo_source: Path) -> Iterator[Server]:
    _need_browser()
    data = tmp_path_factory.mktemp("websso") / "data"
    srv = start_server(data, demo_source, NEXATRON_SSO_ALLOW_PRIVATE_HOSTS="1", **GENEROUS)
    try:
        yield srv
    finally:
        srv.stop()


def test_sign_in_with_single_sign_on(sso_server: Server) -> None:
    from playwright.sync_api import sync_playwright

    domain = f"web-{secrets.token_hex(3)}.example.com"
    email = f"ann@{domain}"
    with running_idp() as idp, sync_playwright() as p:
        with sso_server.client() as api:
            r = api.put(
                "/sso/settings",
                json={
                    "issuer": idp.issuer,
                    "client_id": "nexatron-web",
                    "client_secret": "web-client-secret",
                    "allowed_domains": [domain],
                    "role_claim": "groups",
                    "role_mapping": {"analysts": "analyst"},
                },
            )
            assert r.status_code == 200, r.text
        idp.set_user(email, {"email": email, "name": "Ann Web", "groups": ["analysts"]})
        browser = launch(p)
        try:
            page = browser.new_context(viewport=DESKTOP).new_page()
            page.set_default_timeout(20_000)
            _sign_in(page, sso_server, idp, email)
            page.wait_for_selector("#question")
            assert page.url.endswith("/ask"), page.url
            me = page.evaluate(
                "async () => (await fetch('/api/v1/auth/refresh', {method: 'POST', "
                "headers: {'Content-Type': 'application/json', 'X-Nexatron-Web': '1'}, "
                "body: '{}'})).status"
            )
            assert me == 200  # the session cookie set by the callback is the web app's own

            # an address whose domain has no single sign-on: back to /login with the reason
            page = browser.new_context(viewport=DESKTOP).new_page()
            page.goto(sso_server.base + "/login")
            page.get_by_label("Email").fill("someone@unknown-domain.example.org")
            page.get_by_role("button", name="Sign in with single sign-on").click()
            expect(page.get_by_text("unknown-domain.example.org")).to_be_visible()
            assert "/login" in page.url
        finally:
            browser.close()


def _sign_in(page: Any, server: Server, idp: Idp, email: str) -> None:
    page.goto(server.base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Sign in with single sign-on").click()
    page.wait_for_url(idp.issuer + "/oauth2/authorize*")
    page.locator("input[name=sub]").first.fill(email)
    page.get_by_role("button", name="Authorize").click()
