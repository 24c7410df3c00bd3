"""Auth and connection rows cached under the metadata version: a warm request reads no such
row, and any write to what they come from (from this process or another) is seen at once."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, select, text, update

from nexatron.store.tables import connections, metadata_version, tenants, users
from nexatron.testing import Harness

pytestmark = pytest.mark.anyio
WATCHED = ("tenants", "users", "api_keys", "auth_sessions", "connections")


def _statements(harness: Harness) -> list[str]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(harness.services.db, "before_cursor_execute", record)
    return seen


def _version(harness: Harness) -> int:
    with harness.services.db.connect() as conn:
        return int(conn.execute(select(metadata_version.c.version)).scalar_one())


async def test_warm_requests_read_no_key_row_and_writes_are_seen_at_once(harness: Harness) -> None:
    if harness.services.db.dialect.name != "sqlite":  # no triggers there: nothing is cached
        assert harness.services.rows.version.current() is None
        return
    analyst = harness.tenant.analyst
    for _ in range(2):  # the first use writes last_used_at, which moves the version once
        assert (await harness.as_(analyst, "GET", "/api/v1/connections")).status_code == 200
    seen = _statements(harness)
    assert (await harness.as_(analyst, "GET", "/api/v1/connections")).status_code == 200
    assert not any("api_keys" in s for s in seen)  # the key's row came from the cache

    # Another process disables the user: one UPDATE, no call into this process.
    before = _version(harness)
    with harness.services.db.begin() as conn:
        conn.execute(update(users).where(users.c.id == analyst.user_id).values(disabled=True))
    assert _version(harness) > before
    assert (await harness.as_(analyst, "GET", "/api/v1/connections")).status_code == 401
    with harness.services.db.begin() as conn:
        conn.execute(update(users).where(users.c.id == analyst.user_id).values(disabled=False))
    assert (await harness.as_(analyst, "GET", "/api/v1/connections")).status_code == 200


async def test_every_watched_table_moves_the_version(harness: Harness) -> None:
    if harness.services.db.dialect.name != "sqlite":
        assert _version(harness) == 0  # the table exists; no trigger moves it
        return
    with harness.services.db.connect() as conn:
        triggers = {
            row[0]
            for row in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        }
    for table in WATCHED:
        for kind in ("insert", "update", "delete"):
            assert f"bump_version_{table}_{kind}" in triggers
    before = _version(harness)
    with harness.services.db.begin() as conn:
        conn.execute(update(tenants).where(tenants.c.id == harness.tenant.id).values(plan="x"))
        conn.execute(update(connections).values(layer_version=connections.c.layer_version + 1))
    assert _version(harness) == before + 1  # one per row written: one tenant, no connections
