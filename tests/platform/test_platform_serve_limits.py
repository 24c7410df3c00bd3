"""`nexatron serve` as a real process: header caps (431) and whose X-Forwarded-For counts.

Regressions: a 50 MB header was read whole and answered 200 after 5.4 s; uvicorn believed
X-Forwarded-For from loopback by default, so a local client picked a fresh address per login
attempt and the per-address login limit never bit.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from ..throwaway import free_port, wait_healthy

LOGIN = "/api/v1/auth/login"


@contextmanager
def serve(tmp_path: Path, **env_extra: str) -> Iterator[str]:
    port = free_port()
    data_dir = tmp_path / f"data-{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEXATRON_")}
    env.update(
        NEXATRON_DATA_DIR=str(data_dir),
        NEXATRON_DEMO="0",
        NEXATRON_DEV="1",
        NEXATRON_LOG_LEVEL="warning",
        NEXATRON_LOGIN_RATE_LIMIT_IP="3/minute",
        NEXATRON_LOGIN_RATE_LIMIT_EMAIL="1000/minute",
        **env_extra,
    )
    log = tmp_path / f"serve-{port}.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "nexatron.cli", "serve", "--port", str(port)],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(proc, base, log)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _raw(port: int, head: bytes) -> tuple[bytes, int]:
    """Send a request head in 64 KiB pieces until the server answers or hangs up; its reply and
    how many bytes went out before that."""
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        try:
            for i in range(0, len(head), 65536):
                sock.sendall(head[i : i + 65536])
                sent += len(head[i : i + 65536])
        except (BrokenPipeError, ConnectionResetError):
            pass
        reply = b""
        try:
            while chunk := sock.recv(65536):
                reply += chunk
        except (ConnectionResetError, TimeoutError):
            pass
    return reply, sent


@pytest.mark.slow
def test_serve_caps_headers_and_ignores_forwarded_for_by_default(tmp_path: Path) -> None:
    with serve(tmp_path) as base:
        port = int(base.rsplit(":", 1)[1])
        with httpx.Client(base_url=base, timeout=10) as http:
            # X-Forwarded-For from loopback is not believed: every attempt counts for 127.0.0.1
            codes = []
            for i in range(5):
                r = http.post(
                    LOGIN,
                    json={"email": "nobody@x.test", "password": "wrong-password"},
                    headers={"X-Forwarded-For": f"203.0.113.{i}"},
                )
                codes.append(r.status_code)
            assert codes == [401, 401, 401, 429, 429], codes

        # one 50 MB header: refused as soon as the cap is passed, without reading it all
        huge = b"GET /api/v1/auth/me HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 50_000_000
        reply, sent = _raw(port, huge)
        assert reply.startswith(b"HTTP/1.1 431"), reply[:200]
        assert b"Request headers too large" in reply
        assert sent < 10_000_000, sent  # the server hung up long before the 50 MB were sent
        # many small headers
        many = b"".join(b"X-H%d: v\r\n" % i for i in range(150))
        reply, _ = _raw(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")
        assert reply.startswith(b"HTTP/1.1 431") and b"Too many request headers" in reply
        # a head just over the byte cap, complete: refused as well
        reply, _ = _raw(
            port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: " + b"a" * 17_000 + b"\r\n\r\n"
        )
        assert reply.startswith(b"HTTP/1.1 431"), reply[:200]

        with httpx.Client(base_url=base, timeout=10) as http:
            # ordinary requests on one kept-alive connection, a large body included
            assert http.get("/healthz", headers={"X-A": "a" * 8000}).status_code == 200
            big_body = http.post(
                LOGIN,
                content=b"{" + b" " * 200_000 + b"}",
                headers={"content-type": "application/json"},
            )
            assert big_body.status_code == 422
            assert http.get("/healthz").status_code == 200


@pytest.mark.slow
def test_serve_believes_forwarded_for_from_a_listed_proxy(tmp_path: Path) -> None:
    settings = {
        "NEXATRON_TRUSTED_PROXIES": "127.0.0.1/32",
        "NEXATRON_ANONYMOUS_RATE_LIMIT": "3/minute",
    }
    with serve(tmp_path, **settings) as base, httpx.Client(base_url=base, timeout=10) as http:
        # five clients behind the proxy, each with its own budget
        for i in range(5):
            r = http.get("/openapi.json", headers={"X-Forwarded-For": f"198.51.100.{i}"})
            assert r.status_code == 200 and r.headers["X-RateLimit-Remaining"] == "2"
        same = [
            http.get(
                "/openapi.json", headers={"X-Forwarded-For": "10.0.0.9, 198.51.100.77"}
            ).status_code
            for _ in range(4)
        ]
        assert same == [200, 200, 200, 429]  # the address the proxy saw, not one it was told


def test_a_bad_trusted_proxy_setting_is_refused() -> None:
    from nexatron.settings import SettingsError, settings_from_env

    with pytest.raises(SettingsError, match="NEXATRON_TRUSTED_PROXIES"):
        settings_from_env(
            {"NEXATRON_TRUSTED_PROXIES": "10.0.0.0/8, proxy.local", "NEXATRON_DEV": "1"}
        )
    ok = settings_from_env(
        {"NEXATRON_TRUSTED_PROXIES": "10.0.0.0/8, ::1", "NEXATRON_SECRET_KEY": "s" * 40}
    )
    assert ok.trusted_proxies == ("10.0.0.0/8", "::1")
