"""What a tenant answers from: connections, semantic objects, uploaded files, LLM settings."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from nexatron.store.tables.columns import ID, UTCDateTime, metadata

connections = Table(
    "connections",
    metadata,
    Column("id", ID, primary_key=True),
    Column("tenant_id", ID, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("type", String(40), nullable=False),
    Column("config", JSON, nullable=False),  # non-secret fields only
    Column("secrets", Text, nullable=True),  # encrypted JSON of the secret fields
    Column("is_default", Boolean, nullable=False, default=False),
    Column("created_by", ID, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("schema_cache", JSON, nullable=True),
    Column("schema_cached_at", UTCDateTime, nullable=True),
    Column("value_index", JSON, nullable=True),
    Column("layer_version", Integer, nullable=False, default=0),
    UniqueConstraint("tenant_id", "name", name="uq_connections_tenant_name"),
)

semantic_objects = Table(
    "semantic_objects",
    metadata,
    Column("id", ID, primary_key=True),
    Column("tenant_id", ID, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("connection_id", ID, ForeignKey("connections.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(20), nullable=False),  # metric | dimension | relationship
    Column("name", String(200), nullable=False),
    Column("body", JSON, nullable=False),
    Column("origin", String(20), nullable=False, default="user"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("connection_id", "kind", "name", name="uq_semantic_objects_name"),
    Index("ix_semantic_objects_tenant_conn", "tenant_id", "connection_id", "kind"),
)

# Files tenants uploaded (POST /files), stored as <data dir>/files/<tenant_id>/<stored_name>.
files = Table(
    "files",
    metadata,
    Column("id", ID, primary_key=True),
    Column("tenant_id", ID, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("kind", String(20), nullable=False),  # duckdb | sqlite | csv | parquet
    Column("size_bytes", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("stored_name", String(80), nullable=False),
    Column("created_by", ID, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_files_tenant", "tenant_id"),
)

llm_settings = Table(
    "llm_settings",
    metadata,
    Column("tenant_id", ID, ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    Column("provider", String(40), nullable=False),  # openai | anthropic
    Column("config", JSON, nullable=False),  # base_url, model, timeouts (no secrets)
    Column("secrets", Text, nullable=True),  # encrypted api key
    Column("updated_at", UTCDateTime, nullable=False),
)
