"""The web app as the server delivers it (in-process): pages with the security headers,
versioned static files gzipped and cached for good, the engine forms, and the browser sign-in:
refresh token in an httpOnly SameSite=Strict cookie, refused without the CSRF header."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import httpx
import pytest

from nexatron.api.session_cookie import COOKIE, CSRF_HEADER
from nexatron.testing import Harness, make_app_client
from nexatron.web.app import version

pytestmark = pytest.mark.anyio
WEB = {CSRF_HEADER: "1"}


async def test_pages_carry_csp_and_no_inline_script(harness: Harness) -> None:
    for path in ("/", "/login", "/ask", "/settings/keys", "/semantic"):
        r = await harness.client.get(path)
        assert r.status_code == 200, path
        csp = r.headers["content-security-policy"]
        script_src = re.search(r"script-src ([^;]+)", csp)
        assert script_src and script_src.group(1) == "'self'"
        assert "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["cache-control"] == "no-cache"
        # Every script is an external file: nothing inline for the CSP to have to allow.
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", r.text) == []
        assert f"/static/{version()}/js/main.js" in r.text


async def test_static_files_are_gzipped_and_cached_for_good(harness: Harness) -> None:
    r = await harness.client.get(
        f"/static/{version()}/js/pages/ask.js", headers={"Accept-Encoding": "gzip"}
    )
    assert r.status_code == 200
    assert r.headers["content-encoding"] == "gzip"
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "javascript" in r.headers["content-type"]
    assert "export async function render" in r.text  # httpx decoded it
    # A page still holding an old version gets today's file, not cached.
    old = await harness.client.get("/static/000000000000/app.css")
    assert old.status_code == 200 and old.headers["cache-control"] == "no-cache"
    vendored = await harness.client.get(
        f"/static/{version()}/vendor/vega@6.4.0/vega.min.js", headers={"Accept-Encoding": "gzip"}
    )
    assert vendored.status_code == 200 and vendored.headers["content-encoding"] == "gzip"
    assert int(vendored.headers.get("content-length", "0")) < len(vendored.content)
    assert (await harness.client.get(f"/static/{version()}/index.html")).status_code == 404
    assert (await harness.client.get(f"/static/{version()}/../web/app.py")).status_code == 404


async def test_first_load_of_the_ask_page_fits_the_budget(harness: Harness) -> None:
    """JS + CSS that the ask page loads before any chart, compressed: at most 150 KB."""
    files = [
        "app.css",
        "js/main.js",
        "js/api.js",
        "js/dom.js",
        "js/pages/ask.js",
        "js/parts/format.js",
        "js/parts/table.js",
    ]
    total = 0
    for name in files:
        r = await harness.client.get(f"/static/{version()}/{name}")
        assert r.status_code == 200, name
        total += len(gzip.compress(r.content, 6))
    assert total <= 150_000, total


async def test_api_paths_stay_the_api(harness: Harness) -> None:
    r = await harness.client.get("/api/v1/nothing-here", headers=harness.tenant.admin.headers)
    assert r.status_code == 404 and r.headers["content-type"] == "application/json"
    assert "x-ratelimit-limit" in r.headers
    assert (await harness.client.get("/openapi.json")).status_code == 200
    assert (await harness.client.get("/unknown-page")).status_code == 404


async def test_engine_forms_come_from_the_engines(harness: Harness) -> None:
    engines = {
        e["type"]: e for e in (await harness.client.get("/ui/engines.json")).json()["engines"]
    }
    assert {"postgres", "mysql", "duckdb", "snowflake", "bigquery"} <= set(engines)
    pg = {f["name"]: f for f in engines["postgres"]["fields"]}
    assert pg["password"]["kind"] == "password"
    assert pg["host"]["required"] and pg["port"]["default"] == 5432
    assert pg["sslmode"]["kind"] == "select" and "require" in pg["sslmode"]["choices"]
    assert {f["name"] for f in engines["duckdb"]["fields"]} >= {"path"}


async def _cookie_login(harness: Harness, headers: dict[str, str]) -> httpx.Response:
    admin = harness.tenant.admin
    return await harness.client.post(
        "/api/v1/auth/login",
        json={"email": admin.email, "password": admin.password, "session_cookie": True},
        headers=headers,
    )


async def test_browser_sign_in_sets_an_httponly_strict_cookie(harness: Harness) -> None:
    refused = await _cookie_login(harness, {})
    assert refused.status_code == 403 and CSRF_HEADER in refused.json()["detail"]
    r = await _cookie_login(harness, WEB)
    assert r.status_code == 200
    body = r.json()
    assert body["refresh_token"] is None and body["access_token"]
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=nxr_")
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "samesite=strict", "path=/api/v1/auth"} <= attributes
    assert "secure" not in attributes  # plain HTTP here; Secure when the request came over TLS
    token = cookie.split(";")[0].split("=", 1)[1]

    # The cookie alone is not enough: a cross-site request cannot add the custom header.
    harness.client.cookies.set(COOKIE, token, path="/api/v1/auth")
    no_header = await harness.client.post("/api/v1/auth/refresh", json={})
    assert no_header.status_code == 403
    rotated = await harness.client.post("/api/v1/auth/refresh", json={}, headers=WEB)
    assert rotated.status_code == 200 and rotated.json()["refresh_token"] is None
    new_token = rotated.headers["set-cookie"].split(";")[0].split("=", 1)[1]
    assert new_token != token
    access = rotated.json()["access_token"]
    me = await harness.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {access}"})
    assert me.status_code == 200 and me.json()["email"] == harness.tenant.admin.email

    # Logout clears the cookie and revokes the session.
    harness.client.cookies.set(COOKIE, new_token, path="/api/v1/auth")
    out = await harness.client.post(
        "/api/v1/auth/logout", headers={"Authorization": f"Bearer {access}", **WEB}
    )
    assert out.status_code == 204
    assert (
        out.headers["set-cookie"].startswith(f'{COOKIE}=""')
        or "max-age=0" in out.headers["set-cookie"].lower()
    )
    again = await harness.client.post("/api/v1/auth/refresh", json={}, headers=WEB)
    assert again.status_code == 401
    harness.client.cookies.clear()
    nothing = await harness.client.post("/api/v1/auth/refresh", json={}, headers=WEB)
    assert nothing.status_code == 401 and "sign in again" in nothing.json()["detail"]


async def test_api_clients_keep_the_json_contract(harness: Harness) -> None:
    admin = harness.tenant.admin
    r = await harness.client.post(
        "/api/v1/auth/login", json={"email": admin.email, "password": admin.password}
    )
    assert r.status_code == 200 and "set-cookie" not in r.headers
    refresh_token = r.json()["refresh_token"]
    assert refresh_token.startswith("nxr_")
    again = await harness.client.post("/api/v1/auth/refresh", json={"refresh_token": refresh_token})
    assert again.status_code == 200 and again.json()["refresh_token"].startswith("nxr_")


async def test_web_can_be_turned_off(tmp_path: Path) -> None:
    async with make_app_client(tmp_path, web=False) as off:
        r = await off.client.get("/")
        assert r.status_code == 404 and r.headers["content-type"] == "application/json"
        assert (await off.client.get("/ui/engines.json")).status_code == 404


async def test_the_cookie_is_secure_over_tls(harness: Harness) -> None:
    admin = harness.tenant.admin
    transport = httpx.ASGITransport(app=harness.app, client=("127.0.0.1", 50001))
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as tls:
        r = await tls.post(
            "/api/v1/auth/login",
            json={"email": admin.email, "password": admin.password, "session_cookie": True},
            headers=WEB,
        )
    assert r.status_code == 200
    assert "secure" in {part.strip().lower() for part in r.headers["set-cookie"].split(";")}
