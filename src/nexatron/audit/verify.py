"""`nexatron audit verify`: walk each chain from its anchor and report the first broken link."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, select

from nexatron.audit.chain import GENESIS, chain_of, event_hash
from nexatron.store.tables import audit_chain_heads, audit_events

BATCH = 1000


@dataclass(frozen=True, slots=True)
class Broken:
    chain: str
    seq: int
    event_id: str | None
    problem: str

    def describe(self) -> str:
        where = f"event {self.event_id} (seq {self.seq})" if self.event_id else f"seq {self.seq}"
        return f"chain {self.chain}: {where}: {self.problem}"


@dataclass(frozen=True, slots=True)
class ChainReport:
    chain: str
    events: int
    broken: Broken | None


def _events(conn: Connection, chain: str) -> Iterator[dict[str, object]]:
    after = -1
    while True:
        rows = conn.execute(
            select(audit_events)
            .where(audit_events.c.chain == chain, audit_events.c.seq > after)
            .order_by(audit_events.c.seq)
            .limit(BATCH)
        ).mappings()
        batch = [dict(r) for r in rows]
        if not batch:
            return
        yield from batch
        after = int(batch[-1]["seq"])


def verify_chain(conn: Connection, chain: str) -> ChainReport:
    head = conn.execute(select(audit_chain_heads).where(audit_chain_heads.c.chain == chain)).first()
    expected_seq = (head.anchor_seq if head else 0) + 1
    expected_prev = head.anchor_hash if head else GENESIS
    count = 0
    for row in _events(conn, chain):
        seq = int(row["seq"])  # type: ignore[call-overload]
        event_id = str(row["id"])
        if seq != expected_seq:
            problem = (
                f"events {expected_seq}..{seq - 1} are missing (deleted)"
                if seq > expected_seq
                else "event before the retention anchor (re-inserted)"
            )
            return ChainReport(chain, count, Broken(chain, expected_seq, event_id, problem))
        if row["prev_hash"] != expected_prev:
            return ChainReport(
                chain,
                count,
                Broken(chain, seq, event_id, "prev_hash is not the previous event's hash"),
            )
        if event_hash(row) != row["hash"]:
            return ChainReport(
                chain,
                count,
                Broken(chain, seq, event_id, "fields do not match the event's hash (edited)"),
            )
        expected_prev = str(row["hash"])
        expected_seq = seq + 1
        count += 1
    if head is not None and (head.seq != expected_seq - 1 or head.hash != expected_prev):
        problem = f"the chain head is at seq {head.seq} but the events end at {expected_seq - 1}"
        return ChainReport(
            chain, count, Broken(chain, expected_seq - 1, None, problem + " (removed from the end)")
        )
    return ChainReport(chain, count, None)


def verify(conn: Connection, tenant_id: str | None = None) -> list[ChainReport]:
    """Every chain (or the tenant's), each checked from its anchor to its head."""
    if tenant_id is not None:
        chains = [chain_of(tenant_id)]
    else:
        heads = set(conn.execute(select(audit_chain_heads.c.chain)).scalars())
        seen = set(conn.execute(select(audit_events.c.chain).distinct()).scalars())
        chains = sorted(heads | seen)
    return [verify_chain(conn, chain) for chain in chains]
