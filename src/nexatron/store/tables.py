"""Metadata tables. Every tenant-owned row carries `tenant_id`; every read filters by it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: object
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


ID = String(40)

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

llm_settings = Table(
    "llm_settings",
    metadata,
    Column("tenant_id", ID, ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    Column("provider", String(40), nullable=False),  # openai | anthropic
    Column("config", JSON, nullable=False),  # base_url, model, timeouts (no secrets)
    Column("secrets", Text, nullable=True),  # encrypted api key
    Column("updated_at", UTCDateTime, nullable=False),
)

# One row whose version SQLite triggers bump on every write to the tables that authentication and
# connection lookup read (see store/version.py and migration 0002).
metadata_version = Table(
    "metadata_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
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
    Column("request_id", String(64), nullable=True),
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

# SCIM 2.0 provisioning (scim/): bearer tokens, the SCIM side of users, groups and memberships.
scim_tokens = Table(
    "scim_tokens",
    metadata,
    Column("id", ID, primary_key=True),
    Column("tenant_id", ID, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=True),
    Column("prefix", String(20), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_by", ID, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("last_used_at", UTCDateTime, nullable=True),
    Index("ix_scim_tokens_tenant", "tenant_id"),
)

# One row per user a SCIM client provisioned or touched (users without one are shown with their
# email as userName). `user_name_key` is the lowercased userName (SCIM compares it caseless).
scim_users = Table(
    "scim_users",
    metadata,
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("tenant_id", ID, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("user_name", String(320), nullable=False),
    Column("user_name_key", String(320), nullable=False),
    Column("external_id", String(255), nullable=True),
    Column("attributes", JSON, nullable=False),  # name, displayName, emails, ... as sent
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # DELETE /Users/{id}: the user stays, disabled, and SCIM no longer shows it.
    Column("deleted_at", UTCDateTime, nullable=True),
    UniqueConstraint("tenant_id", "user_name_key", name="uq_scim_users_tenant_user_name"),
)

scim_groups = Table(
    "scim_groups",
    metadata,
    Column("id", ID, primary_key=True),
    Column("tenant_id", ID, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("display_name", String(255), nullable=False),
    Column("display_key", String(255), nullable=False),
    Column("external_id", String(255), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("tenant_id", "display_key", name="uq_scim_groups_tenant_display"),
)

scim_group_members = Table(
    "scim_group_members",
    metadata,
    Column("group_id", ID, ForeignKey("scim_groups.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("tenant_id", ID, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("display", String(320), nullable=True),  # as the client sent it
    Index("ix_scim_group_members_user", "user_id"),
)

# Which SCIM group (by display name, caseless) grants which role; users in no mapped group get
# `default_role`.
scim_settings = Table(
    "scim_settings",
    metadata,
    Column("tenant_id", ID, ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    Column("group_roles", JSON, nullable=False),  # {"display name": "admin", ...}
    Column("default_role", String(20), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# Single sign-on (sso/): one OpenID Connect provider per tenant; the client secret is encrypted.
sso_providers = Table(
    "sso_providers",
    metadata,
    Column("tenant_id", ID, ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    Column("issuer", String(500), nullable=False),
    Column("client_id", String(255), nullable=False),
    Column("secrets", Text, nullable=True),  # encrypted {"client_secret": ...}
    Column("scopes", String(500), nullable=False),
    Column("role_claim", String(100), nullable=True),
    Column("role_mapping", JSON, nullable=False),  # {"claim value": "role"}
    Column("default_role", String(20), nullable=False),
    Column("jit_provisioning", Boolean, nullable=False),
    Column("password_login_disabled", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# An email domain signs in through exactly one tenant's provider.
sso_domains = Table(
    "sso_domains",
    metadata,
    Column("domain", String(253), primary_key=True),
    Column("tenant_id", ID, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Index("ix_sso_domains_tenant", "tenant_id"),
)

# One row stamped at first start (migration 0008): a warehouse connection whose database holds
# this id reaches the metadata store by another route and is refused (warehouse/policy.py).
nexatron_installation = Table(
    "nexatron_installation",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("created_at", UTCDateTime, nullable=True),
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
