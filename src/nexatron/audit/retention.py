"""Retention: events older than the setting are deleted from the start of each chain, and the
chain head keeps an anchor (the last deleted event's seq and hash) so what remains verifies."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, Engine, delete, func, select, update

from nexatron.audit.model import SYSTEM, Target
from nexatron.audit.writer import record
from nexatron.store.tables import audit_chain_heads, audit_events


def prune_chain(conn: Connection, chain: str, cutoff: dt.datetime) -> int:
    """Delete the chain's events up to the newest one before `cutoff`; returns how many."""
    # Lock the head first, as writers do: no event is appended while the anchor moves.
    conn.execute(
        update(audit_chain_heads)
        .where(audit_chain_heads.c.chain == chain)
        .values(seq=audit_chain_heads.c.seq)
    )
    last = conn.execute(
        select(func.max(audit_events.c.seq)).where(
            audit_events.c.chain == chain, audit_events.c.occurred_at < cutoff
        )
    ).scalar()
    if last is None:
        return 0
    anchor = conn.execute(
        select(audit_events.c.hash).where(audit_events.c.chain == chain, audit_events.c.seq == last)
    ).scalar_one()
    removed = conn.execute(
        delete(audit_events).where(audit_events.c.chain == chain, audit_events.c.seq <= last)
    ).rowcount
    conn.execute(
        update(audit_chain_heads)
        .where(audit_chain_heads.c.chain == chain)
        .values(anchor_seq=last, anchor_hash=anchor)
    )
    return int(removed)


def prune(db: Engine, retention_days: int, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Prune every chain (one transaction each); each pruned chain records `audit.prune`."""
    cutoff = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=retention_days)
    with db.connect() as conn:
        chains = list(conn.execute(select(audit_chain_heads.c.chain)).scalars())
    removed: dict[str, int] = {}
    for chain in chains:
        with db.begin() as conn:
            count = prune_chain(conn, chain, cutoff)
            if count:
                tenant_id = None if chain == "operator" else chain
                record(
                    conn,
                    tenant_id=tenant_id,
                    actor=SYSTEM,
                    action="audit.prune",
                    target=Target("audit_log", chain),
                    reason=f"{count} events older than {retention_days} days removed",
                )
                removed[chain] = count
    return removed
