"""API keys: shown once, checksummed, stored as a keyed hash, revocation and expiry at once."""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select, update

from nexatron.crypto import keyed_hash
from nexatron.identity.apikeys import is_well_formed
from nexatron.store.tables import api_keys
from nexatron.testing import TEST_SECRET

pytestmark = pytest.mark.anyio

KEYS, ME = "/api/v1/api-keys", "/api/v1/auth/me"
KEY_FORMAT = re.compile(r"^nxa_[0-9A-Za-z]{38}$")


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@contextmanager
def count_statements(engine) -> Iterator[list[str]]:
    """Records every SQL statement the engine executes inside the block."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def altered(key: str, position: int) -> str:
    """The key with one character changed (to another base62 character)."""
    alphabet = string.digits + string.ascii_letters
    replacement = alphabet[(alphabet.index(key[position]) + 1) % len(alphabet)]
    return key[:position] + replacement + key[position + 1 :]


async def create(harness, actor=None, **body) -> dict:
    r = await harness.as_(actor or harness.tenant.admin, "POST", KEYS, json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def test_plaintext_is_returned_exactly_once(harness) -> None:
    created = await create(harness, name="ci")
    key = created["key"]
    assert KEY_FORMAT.match(key) and is_well_formed(key)
    assert created["prefix"] == key[:10] and created["revoked_at"] is None
    listing = await harness.as_(harness.tenant.admin, "GET", KEYS)
    assert created["id"] in listing.text
    assert key not in listing.text and key[10:] not in listing.text
    assert all("key" not in k for k in listing.json()["data"])
    me = await harness.client.get(ME, headers=bearer(key))
    assert me.status_code == 200 and key not in me.text
    assert me.json()["api_key_id"] == created["id"]


async def test_only_a_keyed_hash_is_stored(harness) -> None:
    created = await create(harness, name="hash-check")
    key = created["key"]
    with harness.services.db.connect() as conn:
        rows = [row._mapping for row in conn.execute(select(api_keys))]
    assert rows
    for row in rows:
        for column, value in row.items():
            text = str(value)
            assert key not in text and key[10:] not in text and key[-20:] not in text, column
    [mine] = [r for r in rows if r["id"] == created["id"]]
    assert mine["key_hash"] == keyed_hash(TEST_SECRET, key)
    assert mine["prefix"] == key[:10]


async def test_altered_key_is_refused_without_a_database_hit(harness) -> None:
    key = harness.tenant.admin.key
    assert (await harness.client.get(ME, headers=bearer(key))).status_code == 200
    for position in (4, 20, len(key) - 1):  # first body char, middle, checksum
        bad = altered(key, position)
        assert not is_well_formed(bad)
        with count_statements(harness.services.db) as seen:
            r = await harness.client.get(ME, headers=bearer(bad))
        assert r.status_code == 401 and r.json()["detail"]
        assert seen == [], seen
    with count_statements(harness.services.db) as seen:  # the listener does see real lookups
        assert (await harness.client.get(ME, headers=bearer(key))).status_code == 200
    assert seen
    for bad in (key[:-1], key + "a", "nxa_", key.replace("nxa_", "nxb_")):
        r = await harness.client.get(ME, headers=bearer(bad))
        assert r.status_code == 401


async def test_revoked_key_fails_immediately(harness) -> None:
    created = await create(harness, harness.tenant.analyst)
    auth = bearer(created["key"])
    assert (await harness.client.get(ME, headers=auth)).status_code == 200
    r = await harness.as_(harness.tenant.analyst, "DELETE", f"{KEYS}/{created['id']}")
    assert r.status_code == 204
    r = await harness.client.get(ME, headers=auth)
    assert r.status_code == 401 and r.json()["detail"]
    listed = (await harness.as_(harness.tenant.analyst, "GET", KEYS)).json()["data"]
    assert next(k for k in listed if k["id"] == created["id"])["revoked_at"] is not None
    # revoking again is harmless
    r = await harness.as_(harness.tenant.analyst, "DELETE", f"{KEYS}/{created['id']}")
    assert r.status_code == 204


async def test_expired_key_fails(harness) -> None:
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    created = await create(harness, expires_at=soon.isoformat())
    auth = bearer(created["key"])
    assert (await harness.client.get(ME, headers=auth)).status_code == 200
    with harness.services.db.begin() as conn:
        past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        conn.execute(update(api_keys).where(api_keys.c.id == created["id"]).values(expires_at=past))
    r = await harness.client.get(ME, headers=auth)
    assert r.status_code == 401 and "expired" in r.json()["detail"]


async def test_expiry_must_be_future_and_aware(harness) -> None:
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()
    r = await harness.as_(harness.tenant.admin, "POST", KEYS, json={"expires_at": past})
    assert r.status_code == 422
    r = await harness.as_(
        harness.tenant.admin, "POST", KEYS, json={"expires_at": "2999-01-01T00:00:00"}
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "expires_at"]


async def test_last_used_at_is_recorded(harness) -> None:
    created = await create(harness, name="usage")
    assert created["last_used_at"] is None

    async def record() -> dict:
        listed = (await harness.as_(harness.tenant.admin, "GET", KEYS)).json()["data"]
        return next(k for k in listed if k["id"] == created["id"])

    assert (await record())["last_used_at"] is None
    before = dt.datetime.now(dt.UTC)
    assert (await harness.client.get(ME, headers=bearer(created["key"]))).status_code == 200
    used = dt.datetime.fromisoformat((await record())["last_used_at"].replace("Z", "+00:00"))
    assert before - dt.timedelta(seconds=1) <= used <= dt.datetime.now(dt.UTC)
