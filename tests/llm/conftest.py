"""Fake LLM servers (real HTTP on 127.0.0.1) and a per-provider harness over the real SDKs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from nexatron.nlq.llm import LLMConfig, LLMPlan, LLMPlanner

from .fakes import FakeLLMServer, Scripted
from .shop import shop_layer, shop_schema

API_KEY = "sk-canary-7f3a9c1e5b"


@pytest.fixture(scope="session")
def openai_server() -> Iterator[FakeLLMServer]:
    server = FakeLLMServer("openai").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def anthropic_server() -> Iterator[FakeLLMServer]:
    server = FakeLLMServer("anthropic").start()
    yield server
    server.stop()


@dataclass
class Harness:
    """One provider: its fake server and planners built through the real SDK against it."""

    provider: str
    server: FakeLLMServer

    def config(self, **overrides: Any) -> LLMConfig:
        base: dict[str, Any] = {
            "provider": self.provider,
            "base_url": self.server.base_url,
            "model": f"{self.provider}-test-model",
            "api_key": API_KEY,
            "timeout_s": 5.0,
            "max_retries": 2,
        }
        return LLMConfig.model_validate({**base, **overrides})

    def planner(self, **overrides: Any) -> LLMPlanner:
        return LLMPlanner(self.config(**overrides))

    def script(self, *replies: Scripted) -> None:
        self.server.script(*replies)

    def plan(self, question: str, **overrides: Any) -> LLMPlan:
        return self.planner(**overrides).plan(
            question,
            layer=shop_layer(),
            schema=shop_schema(),
            dialect="postgres",
            value_hits=None,
            examples=None,
            previous=None,
            date_context_text="Today is 2026-11-28 (UTC). Weeks start on Monday.",
        )


@pytest.fixture(params=["openai", "anthropic"])
def llm(
    request: pytest.FixtureRequest,
    openai_server: FakeLLMServer,
    anthropic_server: FakeLLMServer,
) -> Iterator[Harness]:
    server = openai_server if request.param == "openai" else anthropic_server
    server.script()
    yield Harness(request.param, server)
    assert not server.replies, "scripted replies left unused"


@pytest.fixture(scope="session")
def template(demo_source: Path) -> Path:
    """The demo database, generated once per session (tests/conftest.py) and copied into each
    lab."""
    return demo_source


@pytest.fixture
async def lab(
    tmp_path: Path, template: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Any]:
    """The app with the demo installed for tenant A, no LLM configured yet."""
    from .app_support import open_lab

    async with open_lab(tmp_path, template, monkeypatch, llm_allow_private_hosts=True) as opened:
        yield opened
