"""`record`: append one event to its tenant's chain, in the caller's transaction.

Call it last in the transaction that makes the change, so the event commits or rolls back with
it. The chain head row is locked first (an UPDATE takes the row lock on PostgreSQL and the write
lock on SQLite), so concurrent writers line up and never fork the chain; holding it only for the
end of the transaction keeps that wait short.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite

from nexatron.audit.chain import GENESIS, chain_of, event_hash
from nexatron.audit.model import ACTION, FIELD_NAME, OUTCOMES, SYSTEM, Actor, Outcome, Target, clip
from nexatron.audit.request_context import current_request
from nexatron.ids import random_base62
from nexatron.store.tables import audit_chain_heads, audit_events

_UNSET: Any = object()


def new_event_id() -> str:
    return "aud_" + random_base62(16)


# Built once: building a statement (with its values) costs more than running it.
_BUMP = (
    update(audit_chain_heads)
    .where(audit_chain_heads.c.chain == bindparam("chain_key"))
    .values(seq=audit_chain_heads.c.seq + 1)
    .returning(audit_chain_heads.c.seq, audit_chain_heads.c.hash)
)
_SET_HASH = (
    update(audit_chain_heads)
    .where(audit_chain_heads.c.chain == bindparam("chain_key"))
    .values(hash=bindparam("new_hash"))
)
_INSERT = audit_events.insert()
# PostgreSQL: the event and the head's new hash in one statement (one round trip fewer).
_INSERTED = (
    audit_events.insert()
    .values({c.name: bindparam("p_" + c.name, type_=c.type) for c in audit_events.c})
    .returning(audit_events.c.chain, audit_events.c.hash)
    .cte("inserted")
)
_INSERT_AND_SET_HASH = (
    update(audit_chain_heads)
    .values(hash=_INSERTED.c.hash)
    .where(audit_chain_heads.c.chain == _INSERTED.c.chain)
)


def _lock_head(conn: Connection, chain: str) -> tuple[int, str]:
    """Take the chain's next sequence number; returns it and the previous event's hash (one
    round trip: UPDATE ... RETURNING, on PostgreSQL and SQLite alike)."""
    row = conn.execute(_BUMP, {"chain_key": chain}).first()
    if row is None:  # the chain's first event
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        conn.execute(
            dialect.insert(audit_chain_heads)
            .values(chain=chain, seq=0, hash=GENESIS, anchor_seq=0, anchor_hash=GENESIS)
            .on_conflict_do_nothing(index_elements=["chain"])
        )
        row = conn.execute(_BUMP, {"chain_key": chain}).one()
    return int(row.seq), str(row.hash)


def changed_names(fields: Iterable[str]) -> list[str]:
    """Field names only, sorted; anything that does not look like a name is refused (a value
    passed by mistake could be a secret)."""
    names = sorted(set(fields))
    for name in names:
        if not FIELD_NAME.fullmatch(name):
            raise ValueError(f"not a field name: {name[:20]!r}…")
    return names


def record(
    conn: Connection,
    *,
    tenant_id: str | None,
    action: str,
    target: Target | None = None,
    outcome: Outcome = "success",
    reason: str | None = None,
    actor: Actor | None = None,
    changed_fields: Iterable[str] = (),
    request_id: str | None = _UNSET,
    client_ip: str | None = _UNSET,
    user_agent: str | None = _UNSET,
) -> str:
    """Write one event in `conn`'s transaction and return its id. Actor, request id, client
    address and user agent default to the current request's (system outside a request)."""
    if not ACTION.fullmatch(action):
        raise ValueError(f"audit action must be dotted `resource.verb`: {action!r}")
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    info = current_request()
    if info is not None and not info.enabled:
        return ""
    actor = actor or (info.actor if info and info.actor else SYSTEM)
    chain = chain_of(tenant_id)
    seq, prev_hash = _lock_head(conn, chain)
    target = target or Target("none")
    row: dict[str, Any] = {
        "id": new_event_id(),
        "chain": chain,
        "seq": seq,
        "tenant_id": tenant_id,
        "occurred_at": dt.datetime.now(dt.UTC),
        "actor_type": actor.type,
        "actor_id": actor.id,
        "actor_display": clip(actor.display),
        "action": action,
        "target_type": target.type,
        "target_id": target.id,
        "target_name": clip(target.name),
        "outcome": outcome,
        "reason": clip(reason),
        "client_ip": (info.client_ip if info else None) if client_ip is _UNSET else client_ip,
        "user_agent": clip(
            (info.user_agent if info else None) if user_agent is _UNSET else user_agent
        ),
        "request_id": (info.request_id if info else None) if request_id is _UNSET else request_id,
        "changed_fields": changed_names(changed_fields) or None,
        "prev_hash": prev_hash,
    }
    row["hash"] = event_hash(row)
    if conn.dialect.name == "postgresql":
        conn.execute(_INSERT_AND_SET_HASH, {"p_" + k: v for k, v in row.items()})
    else:
        conn.execute(_INSERT, row)
        conn.execute(_SET_HASH, {"chain_key": chain, "new_hash": row["hash"]})
    if info is not None:
        info.recorded += 1
        if outcome != "success":
            info.failure_recorded = True
    return str(row["id"])
