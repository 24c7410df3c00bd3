"""A real `nexatron serve` process and Debian's Chromium driven by Playwright, for the web tests
and bench/bench_ui.py."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from ..throwaway import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).parent / "vendor" / "axe-core@4.14.1" / "axe.min.js"
SCREENS = Path(__file__).resolve().parents[2] / ".artifacts" / "screens"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}  # an iPhone X-class screen
ADMIN_PASSWORD = "admin-pass-for-web-tests"


@dataclass
class Server:
    base: str
    api_key: str
    demo_connection: str
    process: subprocess.Popen[str]
    log: Path
    users: dict[str, tuple[str, str]] = field(default_factory=dict)  # role -> (email, password)

    def client(self, token: str | None = None) -> httpx.Client:
        return httpx.Client(
            base_url=self.base + "/api/v1",
            headers={"Authorization": f"Bearer {token or self.api_key}"},
            timeout=30,
        )

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(data_dir: Path, demo: Path | None = None, **env: str) -> Server:
    """`nexatron serve` on a free port with a fresh data dir and the demo; waits until ready.
    `demo`: a demo database generated today, copied instead of generating one."""
    port = free_port()
    log = data_dir.parent / f"{data_dir.name}-server.log"
    environ = {
        **os.environ,
        "NEXATRON_DATA_DIR": str(data_dir),
        "NEXATRON_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "NEXATRON_DEMO": "1",
        "NEXATRON_LOG_LEVEL": "warning",
        # the tests' connections reach the local PostgreSQL: the operator's explicit allowance
        "NEXATRON_CONNECTION_ALLOW_LOOPBACK": "1",
        **env,
    }
    environ.pop("NEXATRON_DATABASE_URL", None)
    environ.pop("NEXATRON_REDIS_URL", None)
    handle = log.open("w")
    process = subprocess.Popen(
        [*_nexatron(demo), "serve", "--port", str(port)],
        env=environ,
        stdout=handle,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180  # a loaded 2-core CI machine starts slowly
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()}")
        try:
            if httpx.get(base + "/readyz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError(f"server did not start: {log.read_text()}")
    text = log.read_text()
    key = re.search(r"API key:\s+(nxa_\S+)", text)
    conn = re.search(r"demo connection:\s+(conn_\S+)", text)
    assert key and conn, text
    return Server(base, key.group(1), conn.group(1), process, log)


def _nexatron(demo: Path | None) -> list[str]:
    if demo is None:
        return [sys.executable, "-m", "nexatron.cli"]
    return [sys.executable, str(Path(__file__).with_name("serve_with_demo.py")), str(demo)]


def chromium_missing() -> bool:
    return not (Path(CHROMIUM).exists() and shutil.which("chromium"))


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def login(page: Any, base: str, email: str, password: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_selector("#question")


def ask(page: Any, question: str, timeout_ms: int = 30_000) -> Any:
    """Type a question, press Enter, wait for the turn to settle; returns the answer card."""
    before = page.locator(".turn").count()
    page.locator("#question").fill(question)
    page.locator("#question").press("Enter")
    card = page.locator(".turn").nth(before).locator(".answer")
    card.and_(page.locator(".answer[data-state]")).wait_for(timeout=timeout_ms)
    return card
