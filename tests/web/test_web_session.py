"""Silent refresh against a server whose access tokens live 12 s (below production's 30 s
minimum: NEXATRON_DEV=1 allows it, and the expiry test waits out a token's life): a page left
open past its token's life keeps working with one refresh, the timer does not refresh every few
seconds, and a session revoked elsewhere sends the page back to sign-in."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from .conftest import GENEROUS, _need_browser
from .web_support import ADMIN_PASSWORD, Server, ask, login, start_server

expect: Any = pytest.importorskip("playwright.sync_api").expect
TTL_S = 12
ANALYST = ("session-analyst@web.test", "session-analyst-pw-1")


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, lab_files: dict[str, Path], demo_source: Path
) -> Iterator[Server]:
    _need_browser()
    srv = start_server(
        tmp_path_factory.mktemp("web-session") / "data",
        demo_source,
        NEXATRON_ACCESS_TOKEN_TTL_S=str(TTL_S),
        NEXATRON_DEV="1",  # what allows tokens shorter than 30 s
        **GENEROUS,
    )
    try:
        with srv.client() as c:
            body = {"email": ANALYST[0], "password": ANALYST[1], "role": "analyst"}
            assert c.post("/users", json=body).status_code == 201
        srv.users["analyst"] = ANALYST
        srv.users["admin"] = ("admin@localhost", ADMIN_PASSWORD)
        yield srv
    finally:
        srv.stop()


class Calls:
    """The page's API responses, in order: (method, path, status)."""

    def __init__(self, page: Any) -> None:
        self.seen: list[tuple[str, str, int]] = []
        page.on("response", self._response)

    def _response(self, response: Any) -> None:
        path = response.url.split("/api/v1", 1)
        if len(path) == 2:
            self.seen.append((response.request.method, path[1].split("?")[0], response.status))

    def since(self, mark: int) -> list[tuple[str, str, int]]:
        return self.seen[mark:]


# Chromium logs every 401 response; the app's own errors are what must not appear.
REFUSED = "Failed to load resource: the server responded with a status of 401"


def _errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" and REFUSED not in m.text else None,
    )
    return errors


def test_the_refresh_timer_waits_three_quarters_of_a_short_token(
    open_as: Any, server: Server
) -> None:
    page = open_as().page
    page.clock.install()
    login(page, server.base, *ANALYST)
    calls = Calls(page)
    # The page's time only, a second at a time, letting each refresh's response arrive (and
    # set the next timer) before the clock moves on: the timer fires once, at 9 s, and next at
    # 18 s; a timer every 5 s would have fired at 5, 10 and 15.
    for _ in range(TTL_S + 3):
        page.clock.run_for(1000)
        page.wait_for_timeout(150)
    refreshes = [c for c in calls.seen if c[1] == "/auth/refresh"]
    assert refreshes == [("POST", "/auth/refresh", 200)], calls.seen  # it was every 5 s before


def test_an_expired_token_is_refreshed_once_and_the_request_retried(
    open_as: Any, server: Server
) -> None:
    w = open_as()
    page = w.page
    errors = _errors(page)
    # The page's clock stops (a laptop lid closed, a clock behind the server's): its timer never
    # refreshes and it believes its token fresh, so the server's 401 is what starts the refresh.
    page.clock.install()
    login(page, server.base, *ANALYST)
    page.clock.pause_at(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
    calls = Calls(page)
    time.sleep(TTL_S + 2)  # past the access token's life on the server
    card = ask(page, "What were total sales last quarter?")
    expect(card).to_have_attribute("data-state", "answered")
    seen = calls.since(0)
    refreshes = [c for c in seen if c[1] == "/auth/refresh"]
    streams = [c for c in seen if c[1] == "/query/stream"]
    assert refreshes == [("POST", "/auth/refresh", 200)], seen
    assert [s[2] for s in streams] == [401, 200], seen  # refused once, retried with the new token
    assert page.get_by_role("heading", name="Sign in").count() == 0
    assert errors == [], errors

    # Another client ends this session through the API: the next action sends the page to
    # sign-in with a clear message, not a broken page.
    cookie = next(c for c in page.context.cookies() if c["name"] == "nexatron_refresh")
    with httpx.Client(base_url=server.base + "/api/v1", timeout=30) as c:
        pair = c.post("/auth/refresh", json={"refresh_token": cookie["value"]}).json()
        bye = c.post("/auth/logout", headers={"Authorization": f"Bearer {pair['access_token']}"})
        assert bye.status_code == 204, bye.text
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.locator(".banner.info")).to_contain_text("Your session ended")
    assert "next=%2Fhistory" in page.url
