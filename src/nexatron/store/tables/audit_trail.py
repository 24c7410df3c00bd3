"""The audit log: append-only events in per-tenant hash chains, and each chain's head."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, String, Table, UniqueConstraint

from nexatron.store.tables.columns import ID, UTCDateTime, metadata

# Append-only: rows are only inserted (audit.record) and only deleted by retention pruning (and
# with their tenant). `chain` is the tenant id (`operator` for events with no tenant); `seq` counts
# up within it and `prev_hash` is the previous event's `hash` (audit/chain.py).
audit_events = Table(
    "audit_events",
    metadata,
    Column("id", ID, primary_key=True),
    Column("chain", ID, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("tenant_id", ID, nullable=True),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("actor_type", String(20), nullable=False),
    Column("actor_id", String(200), nullable=False),
    Column("actor_display", String(500), nullable=True),
    Column("action", String(100), nullable=False),
    Column("target_type", String(40), nullable=True),
    Column("target_id", String(200), nullable=True),
    Column("target_name", String(500), nullable=True),
    Column("outcome", String(10), nullable=False),
    Column("reason", String(500), nullable=True),
    Column("client_ip", String(64), nullable=True),
    Column("user_agent", String(500), nullable=True),
    Column("request_id", String(128), nullable=True),  # requestid.MAX_LENGTH
    Column("changed_fields", JSON, nullable=True),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("chain", "seq", name="uq_audit_events_chain_seq"),
    Index("ix_audit_events_tenant_time", "tenant_id", "occurred_at"),
)

# One row per chain: its newest event (locked by every writer, so concurrent writers never fork
# the chain) and the anchor left by retention (the last pruned event's seq and hash).
audit_chain_heads = Table(
    "audit_chain_heads",
    metadata,
    Column("chain", ID, primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("anchor_seq", Integer, nullable=False),
    Column("anchor_hash", String(64), nullable=False),
)
