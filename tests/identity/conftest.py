"""Fixtures for SCIM and SSO tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from nexatron.testing import Harness, make_app_client

from .idp import Idp, running_idp


@pytest.fixture
async def sso_harness(tmp_path: Path) -> AsyncIterator[Harness]:
    """The app allowed to call an OpenID provider on loopback (the test's own)."""
    async with make_app_client(tmp_path, sso_allow_private_hosts=True) as h:
        yield h


@pytest.fixture
def idp() -> Iterator[Idp]:
    with running_idp() as provider:
        yield provider
