"""A PostgreSQL metadata store whose connections are terminated: the next request succeeds.

Regression: `pg_terminate_backend` on the app's connections gave a 500. The checkout ping replaces
connections that died while idle in the pool; one that dies after the ping (between checkout and
the statement) is retried once for authentication and for reads (GET), and is a 503 with
Retry-After for writes, never a 500. Runs on PostgreSQL whatever NEXATRON_TEST_METADATA says.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, text

from nexatron.testing import PG_URL, Harness, make_app_client

from ..throwaway import unique

pytestmark = pytest.mark.anyio


@pytest.fixture
def pg_store() -> Iterator[tuple[str, str, Engine]]:
    """A throwaway schema, a store URL whose connections carry a unique application_name, and a
    second (admin) engine to terminate them with."""
    schema = unique("nx_drop")
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg2://"))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}&application_name={schema}"
    try:
        yield url, schema, admin
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
async def pg_harness(tmp_path: Path, pg_store: tuple[str, str, Engine]) -> AsyncIterator[Harness]:
    async with make_app_client(tmp_path, database_url=pg_store[0]) as h:
        yield h


def _terminate(admin: Engine, where: str, **params: Any) -> int:
    """Terminate backends and wait until they are gone; how many there were."""
    query = f"SELECT pid FROM pg_stat_activity WHERE {where}"
    with admin.connect() as conn:
        pids = [row[0] for row in conn.execute(text(query), params)]
        for pid in pids:
            conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
        conn.commit()
        deadline = time.monotonic() + 10
        while pids and time.monotonic() < deadline:
            alive = conn.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:p)"), {"p": pids}
            ).scalar()
            conn.commit()  # pg_stat_activity is a snapshot per transaction
            if not alive:
                break
            time.sleep(0.02)
    return len(pids)


async def test_terminated_idle_connections_are_replaced(
    pg_harness: Harness, pg_store: tuple[str, str, Engine]
) -> None:
    _url, app_name, admin = pg_store
    admin_actor = pg_harness.tenant.admin
    for path in ("/api/v1/auth/me", "/api/v1/users"):
        assert (await pg_harness.as_(admin_actor, "GET", path)).status_code == 200
    assert _terminate(admin, "application_name = :a", a=app_name) >= 1
    for path in ("/api/v1/auth/me", "/api/v1/users", "/api/v1/api-keys"):
        r = await pg_harness.as_(admin_actor, "GET", path)
        assert r.status_code == 200, r.text


class _KillOnNext:
    """Terminates the backend of the connection about to run the next statement that contains
    `marker`: the connection dies after the pool's checkout ping, as in a real restart."""

    def __init__(self, engine: Engine, admin: Engine, marker: str) -> None:
        self.admin, self.marker, self.fired = admin, marker, 0
        event.listen(engine, "before_cursor_execute", self.before)

    def before(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if self.fired or self.marker not in statement:
            return
        self.fired += 1
        pid = conn.connection.dbapi_connection.get_backend_pid()
        _terminate(self.admin, "pid = :p", p=pid)


async def test_a_connection_dying_after_the_ping_is_retried(
    pg_harness: Harness, pg_store: tuple[str, str, Engine]
) -> None:
    _url, _app_name, admin = pg_store
    h, actor = pg_harness, pg_harness.tenant.admin
    engine = h.services.db
    # under authentication (the API-key lookup)
    kill = _KillOnNext(engine, admin, "api_keys.key_hash")
    r = await h.as_(actor, "GET", "/api/v1/auth/me")
    assert kill.fired == 1 and r.status_code == 200, r.text
    # under a route's read (the user listing), after authentication succeeded
    kill = _KillOnNext(engine, admin, "ORDER BY users.created_at")
    r = await h.as_(actor, "GET", "/api/v1/users")
    assert kill.fired == 1 and r.status_code == 200, r.text
    assert len(r.json()["data"]) == 3
    # under a write: not repeated behind the client's back; a 503 to retry, never a 500
    kill = _KillOnNext(engine, admin, "INSERT INTO users")
    body = {"email": "new@x.test", "password": "long-enough-pw", "role": "viewer"}
    r = await h.as_(actor, "POST", "/api/v1/users", json=body)
    assert kill.fired == 1 and r.status_code == 503, r.text
    assert r.headers["Retry-After"] == "1" and "retry" in r.json()["detail"]
    r = await h.as_(actor, "POST", "/api/v1/users", json=body)
    assert r.status_code == 201, r.text
