"""Shared fixtures: the app in-process on a fresh metadata store (SQLite or PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from nexatron.testing import Harness, make_app_client


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    async with make_app_client(tmp_path) as h:
        yield h
