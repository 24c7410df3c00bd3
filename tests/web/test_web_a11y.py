"""Every page, for each role, at desktop and phone widths: axe-core finds no serious or critical
violation, and a screenshot is saved in .artifacts/screens/ (not committed) for a reviewer."""

from __future__ import annotations

from typing import Any

import pytest

from .web_support import AXE, DESKTOP, PHONE, SCREENS, Server, ask, login

pytestmark = pytest.mark.slow
CONTRACT = "What were total sales last quarter?"
# name, path, roles that see it, what to do once there
PAGES: list[tuple[str, str, tuple[str, ...]]] = [
    ("ask", "/ask", ("admin", "analyst", "viewer")),
    ("history", "/history", ("admin", "analyst", "viewer")),
    ("connections", "/connections", ("admin", "analyst", "viewer")),
    ("semantic", "/semantic", ("admin", "analyst", "viewer")),
    ("semantic-yaml", "/semantic?tab=yaml", ("admin",)),
    ("semantic-bootstrap", "/semantic?tab=bootstrap", ("admin",)),
    ("settings", "/settings", ("admin", "analyst", "viewer")),
    ("settings-keys", "/settings/keys", ("admin", "analyst")),
    ("settings-users", "/settings/users", ("admin",)),
    ("settings-llm", "/settings/llm", ("admin",)),
    ("settings-usage", "/settings/usage", ("admin",)),
    ("settings-audit", "/settings/audit", ("admin",)),
    ("settings-sso", "/settings/sso", ("admin",)),
    # what another role sees at an admin page's address: the "Not allowed" message
    ("settings-audit-refused", "/settings/audit", ("analyst", "viewer")),
    ("semantic-bootstrap-refused", "/semantic?tab=bootstrap", ("analyst", "viewer")),
]
AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} (${v.impact}): ${v.help} at ` +
      v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""


def audit(page: Any, name: str, found: dict[str, list[str]]) -> None:
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.wait_for_timeout(150)
        page.screenshot(path=str(SCREENS / f"{name}-{label}.png"), full_page=True)
        if page.evaluate("typeof axe") == "undefined":
            page.add_script_tag(path=str(AXE))
        problems = page.evaluate(AXE_RUN)
        if problems:
            found[f"{name}-{label}"] = problems
    page.set_viewport_size(DESKTOP)


def settle(page: Any) -> None:
    """Loaded: no spinner left, and no chart still drawing."""
    page.wait_for_function(
        "document.querySelectorAll('.loading, .chart[data-chart=pending]').length === 0"
    )


def test_axe_and_screenshots_of_every_page(browser: Any, server: Server) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    found: dict[str, list[str]] = {}
    # Axe is injected as a script: only these audit contexts bypass the page's CSP to allow it.
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    page = context.new_page()
    page.goto(server.base + "/login")
    page.get_by_role("heading", name="Sign in").wait_for()
    audit(page, "login", found)
    context.close()
    for role in ("admin", "analyst", "viewer"):
        context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
        page = context.new_page()
        page.set_default_timeout(20_000)
        login(page, server.base, *server.users[role])
        for name, path, roles in PAGES:
            if role not in roles:
                continue
            page.goto(server.base + path)
            page.locator("main h1, main h2").first.wait_for()
            if name == "ask":  # an answer with a chart, a clarification and a refusal
                card = ask(page, "sales by region")
                card.locator(".chart[data-chart=drawn]").wait_for()
                if role == "admin":
                    ask(page, "sales for tent")
                    ask(page, "takings by flurb")
            settle(page)
            audit(page, f"{role}-{name}", found)
        context.close()
    assert found == {}, found
