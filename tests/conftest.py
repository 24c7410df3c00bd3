"""Shared fixtures: the app in-process on a fresh metadata store (SQLite or PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from nexatron.identity import passwords
from nexatron.testing import Harness, make_app_client

# argon2id at production parameters costs about 0.2 s a hash, and the harness makes six users per
# test: the suite hashes with the cheapest parameters. tests/platform/test_platform_passwords.py
# checks the production parameters themselves.
passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    async with make_app_client(tmp_path) as h:
        yield h
