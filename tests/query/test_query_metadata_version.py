"""A question reads the metadata version once (authentication and the connection lookup share
it), and a change to its connection made by another process is still seen by the next one."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from nexatron.store.tables import connections
from nexatron.testing import Harness

from .query_support import TOTAL_LAST_QUARTER, ask

pytestmark = pytest.mark.anyio


def _sqlite(harness: Harness) -> bool:
    return harness.services.db.dialect.name == "sqlite"


async def test_a_warm_question_reads_the_version_once(
    harness: Harness, demo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not _sqlite(harness):  # no version there: nothing is cached, nothing to read
        assert harness.services.rows.version.current() is None
        return
    analyst = harness.tenant.analyst
    for _ in range(2):  # the key's first use writes last_used_at, which moves the version
        assert (await ask(harness, analyst, TOTAL_LAST_QUARTER)).status_code == 200
    version = harness.services.rows.version
    read = version.current
    reads: list[int | None] = []

    def counted() -> int | None:
        reads.append(read())
        return reads[-1]

    monkeypatch.setattr(version, "current", counted)
    response = await ask(harness, analyst, TOTAL_LAST_QUARTER)
    assert response.status_code == 200
    assert len(reads) == 1  # was 2: one for the key, one for the connection
    response = await ask(harness, analyst, TOTAL_LAST_QUARTER, connection_id=demo)
    assert response.status_code == 200
    assert len(reads) == 2  # each request reads it anew


async def test_the_next_question_sees_its_connection_moved_away(
    harness: Harness, demo: str
) -> None:
    analyst = harness.tenant.analyst
    assert (await ask(harness, analyst, TOTAL_LAST_QUARTER, connection_id=demo)).status_code == 200
    # Another process moves the connection to another tenant: one UPDATE, no call in here.
    with harness.services.db.begin() as conn:
        moved = update(connections).where(connections.c.id == demo)
        conn.execute(moved.values(tenant_id=harness.other.id))
    response = await ask(harness, analyst, TOTAL_LAST_QUARTER, connection_id=demo)
    assert response.status_code == 404, response.text
