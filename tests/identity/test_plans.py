"""SSO and SCIM follow the tenant's plan: features and seats (usage.plans / usage.limits)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nexatron.identity.roles import Principal
from nexatron.scim.tokens import create_token
from nexatron.testing import make_app_client

from .scim_helpers import ERROR, Scim, okta_user, tag

pytestmark = pytest.mark.anyio


async def test_a_plan_without_scim_or_sso_refuses_them(tmp_path: Path) -> None:
    plans = {"default": {"features": ["llm"]}}
    async with make_app_client(tmp_path, plans=plans) as h:
        admin = h.tenant.admin
        for method, url in (
            ("POST", "/api/v1/scim/tokens"),
            ("GET", "/api/v1/scim/role-mapping"),
            ("GET", "/api/v1/sso/settings"),
        ):
            r = await h.as_(admin, method, url, json={} if method == "POST" else None)
            assert r.status_code == 403, (url, r.text)
            assert r.json()["detail"]["code"] == "feature_not_in_plan"
        # a token made before the plan changed stops working on /scim/v2
        with h.services.db.begin() as conn:
            principal = Principal(tenant_id=h.tenant.id, user_id=admin.user_id, role="admin")
            _record, token = create_token(conn, h.services.settings.secret_key, principal, None)
        r = await Scim(h, token, "").call("GET", "/Users")
        assert r.status_code == 403 and r.json()["schemas"] == [ERROR]
        assert "'scim' feature is not included" in r.json()["detail"]


async def test_scim_creates_users_within_the_plan_seats(tmp_path: Path) -> None:
    async with make_app_client(tmp_path, plans={"default": {"seats": 4}}) as h:
        r = await h.as_(h.tenant.admin, "POST", "/api/v1/scim/tokens", json={})
        scim = Scim(h, r.json()["token"], r.json()["id"])  # the tenant has 3 users already
        first = await scim.call("POST", "/Users", json=okta_user(f"s1-{tag()}@example.com"))
        assert first.status_code == 201
        r = await scim.call("POST", "/Users", json=okta_user(f"s2-{tag()}@example.com"))
        assert r.status_code == 403 and "seats" in r.json()["detail"]
        inactive = okta_user(f"s3-{tag()}@example.com")
        inactive["active"] = False  # a disabled user takes no seat
        assert (await scim.call("POST", "/Users", json=inactive)).status_code == 201
