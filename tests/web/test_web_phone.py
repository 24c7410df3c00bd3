"""The app on a phone (375 x 812): no page scrolls sideways, the main links open from a menu
button (keyboard too) and every link and section tab is on screen."""

from __future__ import annotations

from typing import Any

import pytest

from .web_support import DESKTOP, PHONE, Server, ask

expect: Any = pytest.importorskip("playwright.sync_api").expect
NAV = ["Ask", "History", "Connections", "Semantic layer", "Settings"]
# Every page a signed-in admin can reach.
PATHS = [
    "/ask",
    "/history",
    "/connections",
    "/semantic",
    "/semantic?tab=dimensions",
    "/semantic?tab=relationships",
    "/semantic?tab=bootstrap",
    "/semantic?tab=yaml",
    "/settings",
    "/settings/keys",
    "/settings/users",
    "/settings/llm",
    "/settings/audit",
    "/settings/usage",
    "/settings/sso",
]
OFF_SCREEN = """() => [...document.querySelectorAll('.nav-link, .tabs button')]
  .filter((el) => {
    const r = el.getBoundingClientRect();
    return !el.checkVisibility() || r.left < 0 || r.right > window.innerWidth;
  })
  .map((el) => el.textContent)"""
SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"


def settle(page: Any) -> None:
    page.locator("main h1").first.wait_for()
    page.wait_for_function(
        "() => document.querySelectorAll('.loading, .chart[data-chart=pending]').length === 0"
    )


def test_every_page_fits_a_phone_and_its_links_are_on_screen(open_as: Any, server: Server) -> None:
    page = open_as("admin", viewport=PHONE).page
    ask(page, "sales by region").locator(".chart[data-chart=drawn]").wait_for()
    menu = page.get_by_role("button", name="Menu")
    links = page.get_by_role("navigation", name="Main").get_by_role("link")
    problems: dict[str, Any] = {}
    for path in PATHS:
        if path != "/ask":
            page.goto(server.base + path)
        settle(page)
        if (wider := page.evaluate(SIDEWAYS)) > 0:
            problems[f"{path} scrolls sideways by"] = wider
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(links.first).to_be_hidden()
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        expect(links).to_have_text(NAV)
        if off := page.evaluate(OFF_SCREEN):
            problems[f"{path} off screen"] = off
        if (wider := page.evaluate(SIDEWAYS)) > 0:
            problems[f"{path} with the menu open scrolls sideways by"] = wider
        page.keyboard.press("Escape")
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(menu).to_be_focused()
    assert problems == {}


def test_the_phone_menu_works_from_the_keyboard(open_as: Any) -> None:
    page = open_as("viewer", viewport=PHONE).page
    expect(page.locator("#question")).to_be_focused()  # the Ask page has finished loading
    menu = page.get_by_role("button", name="Menu")
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Ask", exact=True)).to_be_focused()
    for _ in range(3):
        page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Semantic layer")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Semantic layer")).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")  # navigating closes it
    # On a wide screen there is no menu button: the links are always shown.
    page.set_viewport_size(DESKTOP)
    expect(menu).to_be_hidden()
    expect(page.get_by_role("link", name="Settings")).to_be_in_viewport()
