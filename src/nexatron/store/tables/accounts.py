"""Tenants, users and their credentials: API keys, sessions, refresh tokens, operator keys."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    UniqueConstraint,
)

from nexatron.store.tables.columns import ID, UTCDateTime, metadata

tenants = Table(
    "tenants",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(200), nullable=False),
    # How people name their tenant at login (`POST /auth/login {"tenant": slug}`) and in the CLI.
    Column("slug", String(63), nullable=False),
    Column("plan", String(40), nullable=False, default="default"),
    Column("settings", JSON, nullable=False, default=dict),
    Column("created_at", UTCDateTime, nullable=False),
    # Set by the operator: the tenant's keys, sessions and logins are refused (403) until resumed.
    Column("suspended_at", UTCDateTime, nullable=True),
    UniqueConstraint("slug", name="uq_tenants_slug"),
)

users = Table(
    "users",
    metadata,
    Column("id", ID, primary_key=True),
    Column("tenant_id", ID, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("email", String(320), nullable=False),  # unique within its tenant only
    Column("name", String(200), nullable=True),
    Column("password_hash", String(255), nullable=True),
    Column("role", String(20), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_users_tenant", "tenant_id"),
    Index("ix_users_email", "email"),  # login without a tenant looks the address up everywhere
    UniqueConstraint("tenant_id", "email", name="uq_users_tenant_email"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", ID, primary_key=True),
    Column("tenant_id", ID, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("created_by", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=True),
    Column("prefix", String(20), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=True),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("last_used_at", UTCDateTime, nullable=True),
    Index("ix_api_keys_tenant_creator", "tenant_id", "created_by"),
)

auth_sessions = Table(
    "auth_sessions",
    metadata,
    Column("id", ID, primary_key=True),  # the refresh-token family
    Column("tenant_id", ID, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("revoked_reason", String(40), nullable=True),
)

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("session_id", ID, ForeignKey("auth_sessions.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
    Index("ix_refresh_tokens_session", "session_id"),
)

# Operator credentials (`nexatron operator-key create`): not tied to any tenant, stored as an HMAC.
operator_keys = Table(
    "operator_keys",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(200), nullable=True),
    Column("prefix", String(20), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("last_used_at", UTCDateTime, nullable=True),
)
