"""Settings pages end to end: the LLM form saves what the API then shows, never showing the key
back, and puts a bad value's error next to its field; an API key created with an expiry lists
it, is shown once with a working copy button, and is not shown again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..llm.fakes import FakeLLMServer
from .conftest import GENEROUS, _need_browser
from .web_support import ADMIN_PASSWORD, Server, start_server

expect: Any = pytest.importorskip("playwright.sync_api").expect
SECRET = "sk-web-test-secret-0123456789"


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, lab_files: dict[str, Path], demo_source: Path
) -> Iterator[Server]:
    _need_browser()
    # The LLM is a fake on 127.0.0.1: the operator's allowance for a loopback base URL.
    srv = start_server(
        tmp_path_factory.mktemp("web-settings") / "data",
        demo_source,
        NEXATRON_LLM_ALLOW_PRIVATE_HOSTS="1",
        **GENEROUS,
    )
    srv.users["admin"] = ("admin@localhost", ADMIN_PASSWORD)
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def fake_llm() -> Iterator[FakeLLMServer]:
    fake = FakeLLMServer("openai").start()
    try:
        yield fake
    finally:
        fake.stop()


def test_llm_settings_save_mask_the_key_and_show_bad_values_by_their_fields(
    open_as: Any, server: Server, fake_llm: FakeLLMServer
) -> None:
    page = open_as("admin").page
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("button", name="LLM").click()
    # Nothing is configured yet: the form is there to set one up (it was an error banner).
    expect(page.locator(".settings-panel")).to_contain_text("No language model is set up")
    page.get_by_label("Provider").select_option("openai")
    page.get_by_label("Model", exact=True).fill("gpt-web-test")
    page.get_by_label("Base URL").fill(fake_llm.base_url)
    page.get_by_label("API key").fill(SECRET)
    page.get_by_label("Timeout (seconds)").fill("45")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".banner.ok")).to_contain_text("Saved")
    expect(page.get_by_label("API key")).to_have_value("********")
    with server.client() as c:
        saved = c.get("/llm/settings")
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["source"] == "tenant" and body["has_api_key"] is True
    assert (body["provider"], body["model"], body["base_url"], body["timeout_s"]) == (
        "openai",
        "gpt-web-test",
        fake_llm.base_url,
        45.0,
    )
    assert SECRET not in saved.text
    # Opened again: the saved values, the key masked, nowhere in the page.
    page.reload()
    expect(page.get_by_label("Model", exact=True)).to_have_value("gpt-web-test")
    expect(page.get_by_label("Base URL")).to_have_value(fake_llm.base_url)
    expect(page.get_by_label("API key")).to_have_value("********")
    assert SECRET not in page.content()

    # Bad values: the server's message next to each field, nothing saved.
    page.get_by_label("Base URL").fill("ftp://127.0.0.1/v1")
    page.get_by_label("Timeout (seconds)").fill("700")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".banner.error")).to_contain_text("Some fields need attention")
    base_error = page.locator("[data-field=base_url] .field-error")
    expect(base_error).to_contain_text("http:// or https://")
    expect(page.get_by_label("Base URL")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-field=timeout_s] .field-error")).to_contain_text("600")
    with server.client() as c:
        assert c.get("/llm/settings").json()["base_url"] == fake_llm.base_url


def test_api_key_with_an_expiry_is_listed_copied_once_and_not_shown_again(
    open_as: Any, server: Server
) -> None:
    w = open_as("admin", timezone_id="UTC", locale="en-US")
    page = w.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.base)
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("button", name="API keys").click()
    day = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=3)
    page.get_by_label("Name").fill("expiring key")
    page.get_by_label("Expires (optional)").fill(day.isoformat())
    page.get_by_role("button", name="Create key").click()
    key = page.locator(".plaintext-key").inner_text()
    assert key.startswith("nxa_")
    row = page.locator("tr", has_text="expiring key")
    shown = f"{day:%b} {day.day}, {day.year}, 11:59\u202fPM"  # the end of that day, UTC
    expect(row.locator("td").nth(5)).to_have_text(shown.replace("\u202f", " "), use_inner_text=True)
    expect(row).to_contain_text("active")
    with server.client() as c:
        listed = next(k for k in c.get("/api-keys").json()["data"] if k["name"] == "expiring key")
    assert listed["expires_at"].startswith(f"{day.isoformat()}T23:59:59")
    page.locator(".new-key").get_by_role("button", name="Copy").click()
    assert page.evaluate("navigator.clipboard.readText()") == key
    # Leaving the page and coming back: the list shows the prefix only.
    page.get_by_role("link", name="Ask").click()
    page.wait_for_selector("#question")
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("button", name="API keys").click()
    expect(page.locator("tr", has_text="expiring key")).to_contain_text(key[:10])
    expect(page.locator(".plaintext-key")).to_have_count(0)
    assert key not in page.content()
