"""One real server and one Chromium per module for the browser tests."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .web_support import (
    ADMIN_PASSWORD,
    DESKTOP,
    Server,
    chromium_missing,
    launch,
    login,
    start_server,
)

# What lets many browser sign-ins and page loads from one address pass in a short run.
GENEROUS = {
    "NEXATRON_LOGIN_RATE_LIMIT_EMAIL": "1000/minute",
    "NEXATRON_LOGIN_RATE_LIMIT_IP": "1000/minute",
    "NEXATRON_ANONYMOUS_RATE_LIMIT": "10000/minute",
}


def _need_browser() -> None:
    if os.environ.get("NEXATRON_TEST_METADATA") == "postgres":
        pytest.skip(
            "browser tests run once, in the SQLite-metadata run: the pages drive the same API, "
            "whose PostgreSQL-metadata behaviour the API tests cover"
        )
    if chromium_missing():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: scripts/test installs it")
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, lab_files: dict[str, Path], demo_source: Path
) -> Iterator[Server]:
    _need_browser()
    data = tmp_path_factory.mktemp("web") / "data"
    # One query slot for the tenant: a cancelled statement that kept running would hold it, and
    # the next question would wait and be refused (the cancel test relies on it). The lab's
    # DuckDB files are in an operator file root, where every tenant's connections may open them.
    srv = start_server(
        data,
        demo_source,
        NEXATRON_MAX_CONCURRENT_QUERIES_PER_TENANT="1",
        NEXATRON_FILE_ROOTS=str(lab_files["lab"].parent),
        **GENEROUS,
    )
    try:
        with srv.client() as c:
            for role in ("analyst", "viewer"):
                email, password = f"{role}@web.test", f"{role}-password-123"
                r = c.post("/users", json={"email": email, "password": password, "role": role})
                assert r.status_code == 201, r.text
                srv.users[role] = (email, password)
        srv.users["admin"] = ("admin@localhost", ADMIN_PASSWORD)
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def browser(server: Server) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


class Watched:
    """A page plus what went wrong on it: script errors, CSP refusals, alert() dialogs."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        page.on("console", self._console)
        page.on("dialog", self._dialog)

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.problems.append(f"csp: {message.text}")

    def _dialog(self, dialog: Any) -> None:
        self.problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()


@pytest.fixture
def open_as(browser: Any, server: Server) -> Iterator[Callable[..., Watched]]:
    """open_as('analyst') -> a signed-in page (its own browser context) on the Ask page."""
    contexts: list[Any] = []
    watched: list[Watched] = []

    def make(role: str | None = None, credentials: tuple[str, str] | None = None, **kw: Any):
        context = browser.new_context(**{"viewport": DESKTOP, "accept_downloads": True, **kw})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        w = Watched(page)
        watched.append(w)
        if role or credentials:
            login(page, server.base, *(credentials or server.users[role or "admin"]))
        return w

    yield make
    problems = [p for w in watched for p in w.problems]
    for context in contexts:
        context.close()
    assert problems == [], problems


@pytest.fixture(scope="module")
def lab_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """DuckDB files the tests connect to: a small shop, a slow one, one with hostile values."""
    import duckdb

    root = tmp_path_factory.mktemp("lab")
    lab = root / "lab.duckdb"
    with duckdb.connect(str(lab)) as con:
        con.execute("CREATE TABLE stores (id INTEGER PRIMARY KEY, city VARCHAR NOT NULL)")
        con.execute("INSERT INTO stores VALUES (1, 'Leeds'), (2, 'York'), (3, 'Bath')")
        con.execute(
            "CREATE TABLE visits (id INTEGER PRIMARY KEY, store_id INTEGER REFERENCES stores(id),"
            " amount DECIMAL(10, 2), day DATE)"
        )
        con.execute(
            "INSERT INTO visits SELECT range, 1 + range % 3, (range % 50) + 0.5, "
            "DATE '2026-01-01' + CAST(range % 200 AS INTEGER) FROM range(600)"
        )
    slow = root / "slow.duckdb"
    with duckdb.connect(str(slow)) as con:
        # Billions of joined rows: many seconds before the first row.
        con.execute(
            "CREATE VIEW slow AS SELECT a.range AS id, (a.range * b.range) % 97 AS v "
            "FROM range(200000) a, range(200000) b"
        )
        con.execute("CREATE TABLE fast AS SELECT range AS id, range % 3 AS v FROM range(10)")
    xss = root / "xss.duckdb"
    with duckdb.connect(str(xss)) as con:
        con.execute("CREATE TABLE things (id INTEGER, name VARCHAR)")
        con.execute(
            "INSERT INTO things VALUES (1, 'Widget'), (2, '<img src=x onerror=alert(1)>'), "
            "(3, '<img src=x onerror=alert(1)>')"
        )
    return {"lab": lab, "slow": slow, "xss": xss}
