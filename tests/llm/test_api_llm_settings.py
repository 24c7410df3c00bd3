"""PUT/GET/DELETE /llm/settings: admin only, per tenant, the API key sealed and never returned,
private base URLs refused unless the operator allows them."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from nexatron.demo.install import install_demo
from nexatron.identity.roles import Principal
from nexatron.store.tables import llm_settings
from nexatron.testing import Harness, tenant_files

from .app_support import REFUSED, Lab, open_lab, semantic
from .conftest import API_KEY
from .conftest import Harness as LLM
from .fakes import FakeLLMServer

pytestmark = pytest.mark.anyio
URL = "/api/v1/llm/settings"


def _stored(h: Harness, tenant_id: str) -> list[str]:
    """Every column of the tenant's llm_settings row, as text."""
    with h.services.db.connect() as conn:
        rows = conn.execute(select(llm_settings).where(llm_settings.c.tenant_id == tenant_id))
        return [str(value) for row in rows for value in row]


async def test_admin_stores_the_config_and_the_key_never_comes_back(lab: Lab, llm: LLM) -> None:
    put = await lab.configure(llm)
    assert put.status_code == 200, put.text
    got = await lab.h.as_(lab.admin, "GET", URL)
    for r in (put, got):
        body = r.json()
        assert body["source"] == "tenant" and body["provider"] == llm.provider
        assert body["base_url"] == llm.server.base_url and body["has_api_key"] is True
        assert "api_key" not in body and API_KEY not in r.text
    stored = _stored(lab.h, lab.h.tenant.id)
    assert stored and not any(API_KEY in value for value in stored)

    # the masked key keeps the stored one: the provider still receives the real key
    masked = await lab.configure(llm, api_key="********", model="renamed-model")
    assert masked.status_code == 200 and masked.json()["model"] == "renamed-model"
    llm.script(semantic(metrics=["total_sales"]))
    assert (await lab.ask(REFUSED)).status_code == 200
    (req,) = llm.server.requests
    sent = req.headers.get("x-api-key") or req.headers["authorization"].removeprefix("Bearer ")
    assert sent == API_KEY and req.body["model"] == "renamed-model"

    deleted = await lab.h.as_(lab.admin, "DELETE", URL)
    assert deleted.status_code == 204 and _stored(lab.h, lab.h.tenant.id) == []
    assert (await lab.h.as_(lab.admin, "GET", URL)).status_code == 404
    llm.server.requests.clear()
    assert (await lab.ask(REFUSED)).status_code == 422
    assert llm.server.requests == []


@pytest.mark.parametrize("role", ["analyst", "viewer"])
async def test_non_admins_get_403_and_change_nothing(lab: Lab, llm: LLM, role: str) -> None:
    actor = getattr(lab.h.tenant, role)
    assert (await lab.configure(llm, actor=actor)).status_code == 403
    assert (await lab.h.as_(actor, "GET", URL)).status_code == 403
    assert _stored(lab.h, lab.h.tenant.id) == []
    assert (await lab.configure(llm)).status_code == 200
    assert (await lab.h.as_(actor, "GET", URL)).status_code == 403
    assert (await lab.h.as_(actor, "DELETE", URL)).status_code == 403
    assert (await lab.h.as_(lab.admin, "GET", URL)).status_code == 200
    # the role only guards the settings: the analyst's refused question uses the tenant's LLM
    llm.script(semantic(metrics=["order_count"]))
    assert (await lab.ask(REFUSED, actor=actor)).status_code == 200


async def test_another_tenant_neither_sees_nor_uses_the_config(
    lab: Lab, llm: LLM, template: Path
) -> None:
    assert (await lab.configure(llm)).status_code == 200
    b = lab.h.other.admin
    shutil.copyfile(template, tenant_files(lab.h.services, b.tenant_id) / "demo.duckdb")
    install_demo(lab.h.services, Principal(b.tenant_id, b.user_id, "admin"))
    assert (await lab.h.as_(b, "GET", URL)).status_code == 404
    r = await lab.ask(REFUSED, actor=b)
    assert r.status_code == 422 and "unmatched" in r.json()["detail"]
    assert llm.server.requests == []
    assert (await lab.h.as_(b, "DELETE", URL)).status_code == 204
    assert (await lab.h.as_(lab.admin, "GET", URL)).status_code == 200  # A's is untouched
    llm.script(semantic(metrics=["total_sales"]))
    assert (await lab.ask(REFUSED)).status_code == 200


PRIVATE = [
    "http://127.0.0.1:{port}/v1",
    "http://localhost:{port}",
    "http://10.1.2.3/v1",
    "http://192.168.0.10:11434/v1",
    "http://169.254.169.254/latest",
    "http://[::1]:{port}",
    "http://[::ffff:127.0.0.1]:{port}",
    "http://0.0.0.0:{port}",
    "http://2130706433:{port}",
]


@pytest.mark.parametrize("url", PRIVATE)
async def test_private_base_url_is_422_unless_the_operator_allows_it(
    harness: Harness, openai_server: FakeLLMServer, url: str
) -> None:
    body = {"provider": "openai", "model": "m", "api_key": API_KEY}
    base_url = url.format(port=openai_server.port)
    r = await harness.as_(harness.tenant.admin, "PUT", URL, json={**body, "base_url": base_url})
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == ["body", "base_url"]
    assert API_KEY not in r.text
    assert (await harness.as_(harness.tenant.admin, "GET", URL)).status_code == 404
    assert _stored(harness, harness.tenant.id) == []


async def test_a_stored_public_config_cannot_be_moved_to_a_private_host(
    harness: Harness,
) -> None:
    admin = harness.tenant.admin
    body = {"provider": "anthropic", "model": "m", "base_url": "https://llm.invalid"}
    assert (await harness.as_(admin, "PUT", URL, json=body)).status_code == 200
    moved = await harness.as_(admin, "PUT", URL, json={"base_url": "http://127.0.0.1:9"})
    assert moved.status_code == 422
    got = await harness.as_(admin, "GET", URL)
    assert got.json()["base_url"] == "https://llm.invalid" and got.json()["has_api_key"] is False


@pytest.mark.parametrize(
    "body",
    [
        {"provider": "gemini", "model": "m"},
        {"provider": "openai"},
        {"provider": "openai", "model": "m", "timeout_s": 0},
        {"provider": "openai", "model": "m", "base_url": "file:///etc/passwd"},
        {"provider": "openai", "model": "m", "surprise": True},
    ],
)
async def test_invalid_settings_are_422(harness: Harness, body: dict[str, object]) -> None:
    r = await harness.as_(harness.tenant.admin, "PUT", URL, json=body)
    assert r.status_code == 422, r.text
    assert isinstance(r.json()["detail"], list) and r.json()["detail"][0]["loc"][0] == "body"
    assert (await harness.as_(harness.tenant.admin, "GET", URL)).status_code == 404


async def test_server_wide_config_backs_tenants_without_their_own(
    tmp_path: Path,
    template: Path,
    monkeypatch: pytest.MonkeyPatch,
    openai_server: FakeLLMServer,
    anthropic_server: FakeLLMServer,
) -> None:
    server_wide: dict[str, Any] = {
        "llm_provider": "openai",
        "llm_base_url": openai_server.base_url,
        "llm_model": "server-model",
        "llm_api_key": API_KEY,
    }
    openai_server.script(semantic(metrics=["total_sales"]))
    anthropic_server.script(semantic(metrics=["order_count"]))
    async with open_lab(
        tmp_path, template, monkeypatch, llm_allow_private_hosts=True, **server_wide
    ) as lab:
        got = await lab.h.as_(lab.admin, "GET", URL)
        assert got.status_code == 200 and got.json()["source"] == "server"
        assert got.json()["has_api_key"] is True and API_KEY not in got.text
        r = await lab.ask(REFUSED)
        assert r.status_code == 200 and r.json()["plan"]["query"]["metrics"] == ["total_sales"]
        assert [q.body["model"] for q in openai_server.requests] == ["server-model"]

        own = LLM("anthropic", anthropic_server)
        assert (await lab.configure(own)).status_code == 200
        r = await lab.ask(REFUSED)
        assert r.status_code == 200 and r.json()["plan"]["query"]["metrics"] == ["order_count"]
        assert len(openai_server.requests) == 1 and len(anthropic_server.requests) == 1
    assert not openai_server.replies and not anthropic_server.replies


async def test_the_mask_is_never_stored_as_a_key(harness: Harness) -> None:
    admin = harness.tenant.admin
    body = {"provider": "openai", "model": "m", "base_url": "https://llm.invalid/v1"}
    r = await harness.as_(admin, "PUT", URL, json={**body, "api_key": "********"})
    assert r.status_code == 200 and r.json()["has_api_key"] is False
    r = await harness.as_(admin, "PUT", URL, json={"api_key": "sk-new"})
    assert r.json()["has_api_key"] is True
    r = await harness.as_(admin, "PUT", URL, json={"api_key": None})
    assert r.json()["has_api_key"] is False


async def test_planners_of_edited_configs_are_not_kept_forever(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nexatron.query import planners

    monkeypatch.setattr(planners, "PLANNERS", 2)
    admin = harness.tenant.admin
    seen = []
    for model in ("m1", "m2", "m3"):
        body = {"provider": "openai", "model": model, "base_url": "https://llm.invalid/v1"}
        assert (await harness.as_(admin, "PUT", URL, json=body)).status_code == 200
        planner = planners.planner_for(harness.services, harness.tenant.id)
        assert planner is not None and planner.config.model == model
        assert planners.planner_for(harness.services, harness.tenant.id) is planner
        seen.append(planner)
    cached = harness.services.llm_planners
    assert cached is not None
    assert len(cached) == 2
    assert planners.planner_for(harness.services, harness.tenant.id) is seen[2]
    body = {"provider": "openai", "model": "m1", "base_url": "https://llm.invalid/v1"}
    assert (await harness.as_(admin, "PUT", URL, json=body)).status_code == 200
    assert planners.planner_for(harness.services, harness.tenant.id) is not seen[0]  # dropped


async def test_a_plan_without_llm_refuses_its_settings_and_asks_deterministically(
    tmp_path: Path, template: Path, monkeypatch: pytest.MonkeyPatch, llm: LLM
) -> None:
    """PUT is a 403 `feature_not_in_plan`; a config stored before the tenant moved to such a
    plan stays (GET shows `in_plan: false`, DELETE works) but questions never reach the LLM."""
    from nexatron.tenants.service import change_plan

    from .app_support import open_lab

    plans = {"default": {"features": ["sso"]}, "pro": {}}
    async with open_lab(
        tmp_path, template, monkeypatch, plans=plans, llm_allow_private_hosts=True
    ) as lab:
        refused = await lab.configure(llm)
        assert refused.status_code == 403, refused.text
        detail = refused.json()["detail"]
        assert detail["code"] == "feature_not_in_plan" and detail["feature"] == "llm"
        assert detail["plan"] == "default" and "'llm' feature is not included" in detail["message"]
        assert _stored(lab.h, lab.h.tenant.id) == []

        def move_to(plan: str) -> None:
            with lab.h.services.db.begin() as conn:
                change_plan(conn, lab.h.services.settings, lab.h.tenant.id, plan)

        move_to("pro")
        assert (await lab.configure(llm)).status_code == 200
        got = await lab.h.as_(lab.admin, "GET", URL)
        assert got.json()["in_plan"] is True
        llm.script(semantic(metrics=["total_sales"]))
        assert (await lab.ask(REFUSED)).status_code == 200 and len(llm.server.requests) == 1

        move_to("default")
        llm.server.requests.clear()
        got = await lab.h.as_(lab.admin, "GET", URL)
        assert got.status_code == 200 and got.json()["in_plan"] is False
        assert (await lab.ask(REFUSED)).status_code == 422  # the deterministic parser alone
        assert llm.server.requests == []
        assert (await lab.h.as_(lab.admin, "DELETE", URL)).status_code == 204
