"""The demo installed for tenant A on the real app; its DuckDB file is tests/conftest.py's
`demo_source`, generated once per session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from nexatron.api.app import create_app
from nexatron.demo.install import install_demo
from nexatron.identity.roles import Principal
from nexatron.testing import Harness, tenant_files

from .query_support import serving


@pytest.fixture
def demo(harness: Harness, demo_source: Path) -> str:
    """Tenant A's demo connection id (the pre-generated file is copied where install_demo looks)."""
    admin = harness.tenant.admin
    target = tenant_files(harness.services, admin.tenant_id) / "demo.duckdb"
    shutil.copyfile(demo_source, target)
    principal = Principal(tenant_id=admin.tenant_id, user_id=admin.user_id, role="admin")
    return install_demo(harness.services, principal)


@pytest.fixture
def warehouse(demo_source: Path) -> Any:
    """Hand-written SQL on a read-only copy of the demo data (the app holds the original)."""

    def run(sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(demo_source), read_only=True) as con:
            return con.execute(sql, list(params)).fetchall()

    return run


@pytest.fixture
def server(harness: Harness, demo: str) -> Iterator[str]:
    """A real uvicorn server (lifespan on) over the harness's metadata store and data dir."""
    with serving(create_app(harness.services.settings)) as url:
        yield url
