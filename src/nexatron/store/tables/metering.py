"""Usage: daily rollups, active users and keys, question terms, the metering ledger, its outbox."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from nexatron.store.tables.columns import ID, UTCDateTime, metadata

# Upper bounds (ms) of the latency histogram kept per rollup row; the last bucket is open.
LATENCY_BUCKETS_MS: tuple[float, ...] = (
    1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000,
)  # fmt: skip

LATENCY_COLUMNS: tuple[str, ...] = tuple(f"lat_{i:02d}" for i in range(len(LATENCY_BUCKETS_MS) + 1))

ROLLUP_COUNTERS: tuple[str, ...] = (
    "answered", "refused", "clarified", "errored", "cache_hits", "rows_returned",
    "tokens_in", "tokens_out", *LATENCY_COLUMNS,
)  # fmt: skip

# Per tenant, UTC day and dimension: the counts the analytics report, kept by the history writer
# (usage/writer.py). `dim` is '' (the tenant's whole day; `value` '') or user, api_key,
# connection, planner (`value` the id or name; '' for a session's missing key), so a report reads
# one row per day and group, whatever the history holds.
usage_rollups = Table(
    "usage_rollups",
    metadata,
    Column("tenant_id", ID, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("day", String(10), nullable=False),  # YYYY-MM-DD (UTC)
    Column("dim", String(12), nullable=False),
    Column("value", String(64), nullable=False),
    *(Column(name, BigInteger, nullable=False, server_default="0") for name in ROLLUP_COUNTERS),
    Column("latency_ms_sum", Float, nullable=False, server_default="0"),
    UniqueConstraint("tenant_id", "day", "dim", "value", name="uq_usage_rollups_key"),
)

# Who was active: one row per tenant, day, dimension value ('' for the whole tenant, connection,
# planner), user and key, so reports count distinct active users and keys per period and group.
usage_actives = Table(
    "usage_actives",
    metadata,
    Column("tenant_id", ID, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("day", String(10), nullable=False),
    Column("dim", String(12), nullable=False),
    Column("value", String(64), nullable=False),
    Column("user_id", ID, nullable=False),
    Column("api_key_id", ID, nullable=False),
    UniqueConstraint(
        "tenant_id", "day", "dim", "value", "user_id", "api_key_id", name="uq_usage_actives_key"
    ),
)

# Questions asked (kind 'question', normalised) and words left unmatched (kind 'word') per day.
usage_terms = Table(
    "usage_terms",
    metadata,
    Column("tenant_id", ID, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("day", String(10), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("term_hash", String(40), nullable=False),
    Column("term", Text, nullable=False),
    Column("count", BigInteger, nullable=False, server_default="0"),
    Column("sample", Text, nullable=True),  # a question in which the word was left unmatched
    Column("suggestions", JSON, nullable=True),  # {"metrics": [...], "dimensions": [...]}
    # Feedback on the answers to this question asked that day (kind 'question'): votes up, down.
    Column("up", BigInteger, nullable=False, server_default="0"),
    Column("down", BigInteger, nullable=False, server_default="0"),
    UniqueConstraint("tenant_id", "kind", "day", "term_hash", name="uq_usage_terms_key"),
    # Top terms are counted from this index alone (no table reads).
    Index("ix_usage_terms_counts", "tenant_id", "kind", "day", "term_hash", "count"),
)

# The metering ledger: one row per meter per billable fact; the id is deterministic (the query
# id and the meter, or the seat and month) so writing it twice is a no-op.
usage_events = Table(
    "usage_events",
    metadata,
    Column("id", String(120), primary_key=True),
    Column("tenant_id", ID, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("meter", String(40), nullable=False),
    Column("value", BigInteger, nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("user_id", ID, nullable=True),
    Column("query_id", ID, nullable=True),
    Column("planner", String(40), nullable=True),
    Column("connection_type", String(40), nullable=True),
    Column("model", String(200), nullable=True),
    Index("ix_usage_events_tenant_meter_time", "tenant_id", "meter", "occurred_at"),
)

# What the exporter (usage/exporter.py) still has to deliver, one row per event and sink.
usage_outbox = Table(
    "usage_outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(120), nullable=False),
    Column("sink", String(20), nullable=False),  # openmeter | stripe
    Column("payload", JSON, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("delivered_at", UTCDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    # Dead letters: a permanent refusal (4xx) or the last allowed attempt failed; not sent again
    # until an operator re-drives them (POST /operator/usage/outbox/redrive).
    Column("dead_at", UTCDateTime, nullable=True),
    UniqueConstraint("event_id", "sink", name="uq_usage_outbox_event"),
    Index("ix_usage_outbox_due", "delivered_at", "next_attempt_at"),
)
