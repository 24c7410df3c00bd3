"""A PATCH may omit a field but not null one that has no empty state (found by schemathesis)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from nexatron.testing import Harness, tenant_files

pytestmark = pytest.mark.anyio


async def test_user_patch_with_null_role_is_422(harness: Harness) -> None:
    admin, analyst = harness.tenant.admin, harness.tenant.analyst
    url = f"/api/v1/users/{analyst.user_id}"
    r = await harness.as_(admin, "PATCH", url, json={"role": None, "disabled": None})
    assert r.status_code == 422, r.text
    assert "role, disabled may be omitted but not null" in r.json()["detail"][0]["msg"]
    r = await harness.as_(admin, "PATCH", url, json={"name": None})  # name may be cleared
    assert r.status_code == 200 and r.json()["role"] == "analyst"


async def test_connection_patch_with_null_name_is_422(harness: Harness, tmp_path: Path) -> None:
    admin = harness.tenant.admin
    db = tenant_files(harness.services, admin.tenant_id) / "x.sqlite"
    sqlite3.connect(db).close()
    created = await harness.as_(
        admin,
        "POST",
        "/api/v1/connections",
        json={"name": "x", "type": "sqlite", "config": {"path": str(db)}},
    )
    assert created.status_code == 201, created.text
    url = f"/api/v1/connections/{created.json()['id']}"
    r = await harness.as_(admin, "PATCH", url, json={"config": None, "name": None})
    assert r.status_code == 422, r.text
    r = await harness.as_(admin, "GET", url)
    assert r.json()["name"] == "x"
