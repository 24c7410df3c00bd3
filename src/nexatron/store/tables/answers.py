"""Questions and answers: conversations, the query history, feedback and verified answers."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
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

conversations = Table(
    "conversations",
    metadata,
    Column("id", ID, primary_key=True),
    Column("tenant_id", ID, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", ID, nullable=False),
    Column("connection_id", ID, nullable=True),
    Column("last_plan", JSON, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

queries = Table(
    "queries",
    metadata,
    Column("id", ID, primary_key=True),
    Column("tenant_id", ID, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", ID, nullable=False),
    Column("connection_id", ID, nullable=False),
    Column("conversation_id", ID, nullable=False),
    Column("question", Text, nullable=False),
    Column("status", String(20), nullable=False),  # answered | refused | clarified | errored
    Column("planner", String(40), nullable=True),
    Column("plan", JSON, nullable=True),
    Column("sql", Text, nullable=True),
    Column("columns", JSON, nullable=True),
    Column("data", JSON, nullable=True),  # bounded sample of the result
    Column("row_count", Integer, nullable=True),
    Column("truncated", Boolean, nullable=False, default=False),
    Column("summary", Text, nullable=True),
    Column("chart", JSON, nullable=True),
    Column("warnings", JSON, nullable=True),
    Column("error", JSON, nullable=True),
    Column("execution_time_ms", Float, nullable=True),
    Column("tokens_in", Integer, nullable=True),
    Column("tokens_out", Integer, nullable=True),
    Column("llm_ms", Float, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("api_key_id", ID, nullable=True),  # the key that asked (None: a session)
    Column("cached", Boolean, nullable=True),  # the rows came from the result cache
    # A refusal's or clarification's words left unmatched and the suggested metrics/dimensions.
    Column("unmatched", JSON, nullable=True),
    Column("request_id", String(128), nullable=True),  # the request that asked (X-Request-ID)
    Index("ix_queries_tenant_user_created", "tenant_id", "user_id", "created_at"),
    Index("ix_queries_tenant_created", "tenant_id", "created_at"),
)

query_feedback = Table(
    "query_feedback",
    metadata,
    Column("id", ID, primary_key=True),
    Column("tenant_id", ID, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("query_id", ID, nullable=False),
    Column("user_id", ID, nullable=False),
    Column("vote", String(8), nullable=False),  # up | down
    Column("comment", Text, nullable=True),
    Column("corrected_plan", JSON, nullable=True),  # a SemanticQuery the user says was meant
    Column("clarification", Text, nullable=True),  # the clarification option the user chose
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_query_feedback_tenant_query", "tenant_id", "query_id"),
)

verified_answers = Table(
    "verified_answers",
    metadata,
    Column("id", ID, primary_key=True),
    Column("tenant_id", ID, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("connection_id", ID, nullable=False),
    Column("query_id", ID, nullable=False),  # the answer an admin verified
    Column("question", Text, nullable=False),
    Column("normalized", Text, nullable=False),  # the question normalised for matching
    Column("plan", JSON, nullable=False),  # the verified SemanticQuery
    Column("verified_by", ID, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("tenant_id", "query_id", name="uq_verified_answers_tenant_query"),
    Index("ix_verified_answers_tenant_connection", "tenant_id", "connection_id"),
)
