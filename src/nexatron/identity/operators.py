"""Operator keys: the credential that runs the service (creates, suspends, deletes tenants).

Separate from tenant API keys: another prefix (`nxo_`), another table, no tenant. Stored as an
HMAC-SHA256 keyed with the server secret; the plaintext is printed once by
`nexatron operator-key create`. An operator key cannot call tenant routes, nor a tenant key
operator routes (the gateway and `api/deps.py`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select, update

from nexatron.clock import now
from nexatron.crypto import keyed_hash
from nexatron.errors import NotFound, Unauthorized
from nexatron.identity.apikeys import OPERATOR_PREFIX, display_prefix, generate_key, is_well_formed
from nexatron.ids import random_base62
from nexatron.store.tables import operator_keys

LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Operator:
    """Who is calling an operator route: one operator key."""

    key_id: str
    name: str | None

    @property
    def rate_key(self) -> str:
        return f"operator:{self.key_id}"


def create_operator_key(conn: Any, secret: str, name: str | None) -> tuple[dict[str, Any], str]:
    """The stored record and the plaintext key (never retrievable again)."""
    plaintext = generate_key(OPERATOR_PREFIX)
    values = {
        "id": "opk_" + random_base62(16),
        "name": name,
        "prefix": display_prefix(plaintext),
        "key_hash": keyed_hash(secret, plaintext),
        "created_at": now(),
    }
    conn.execute(operator_keys.insert().values(**values))
    return {k: v for k, v in values.items() if k != "key_hash"}, plaintext


def list_operator_keys(conn: Any) -> list[Any]:
    query = select(
        operator_keys.c.id,
        operator_keys.c.name,
        operator_keys.c.prefix,
        operator_keys.c.created_at,
        operator_keys.c.revoked_at,
        operator_keys.c.last_used_at,
    )
    return list(conn.execute(query.order_by(operator_keys.c.created_at)))


def revoke_operator_key(conn: Any, key_id: str) -> None:
    done = conn.execute(
        update(operator_keys)
        .where(operator_keys.c.id == key_id, operator_keys.c.revoked_at.is_(None))
        .values(revoked_at=now())
    ).rowcount
    if not done:
        raise NotFound("No active operator key with this id.")


def authenticate_operator(db: Engine, secret: str, credential: str) -> Operator:
    if not is_well_formed(credential, OPERATOR_PREFIX):
        raise Unauthorized("Malformed operator key.")
    digest = keyed_hash(secret, credential)
    with db.connect() as conn:
        row = conn.execute(select(operator_keys).where(operator_keys.c.key_hash == digest)).first()
    if row is None or row.revoked_at is not None:
        raise Unauthorized("Invalid or revoked operator key.")
    current = now()
    if row.last_used_at is None or current - row.last_used_at > LAST_USED_RESOLUTION:
        with db.begin() as conn:
            conn.execute(
                update(operator_keys)
                .where(operator_keys.c.id == row.id)
                .values(last_used_at=current)
            )
    return Operator(key_id=row.id, name=row.name)
