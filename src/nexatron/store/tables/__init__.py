"""Metadata tables. Every tenant-owned row carries `tenant_id`; every read filters by it.

One module per area (`accounts`, `sources`, `answers`, `audit_trail`, `metering`,
`provisioning`, `server_state`; shared pieces in `columns`). This package re-exports every
table, so `from nexatron.store.tables import users` works from anywhere and `metadata` holds
every table once the package is imported (what migrations and the tenant erase rely on).
"""

from nexatron.store.tables.accounts import (
    api_keys,
    auth_sessions,
    operator_keys,
    refresh_tokens,
    tenants,
    users,
)
from nexatron.store.tables.answers import conversations, queries, query_feedback, verified_answers
from nexatron.store.tables.audit_trail import audit_chain_heads, audit_events
from nexatron.store.tables.columns import ID, NAMING, UTCDateTime, metadata
from nexatron.store.tables.metering import (
    LATENCY_BUCKETS_MS,
    LATENCY_COLUMNS,
    ROLLUP_COUNTERS,
    usage_actives,
    usage_events,
    usage_outbox,
    usage_rollups,
    usage_terms,
)
from nexatron.store.tables.provisioning import (
    scim_group_members,
    scim_groups,
    scim_settings,
    scim_tokens,
    scim_users,
    sso_domains,
    sso_providers,
)
from nexatron.store.tables.server_state import metadata_version, nexatron_installation
from nexatron.store.tables.sources import connections, files, llm_settings, semantic_objects

__all__ = [
    "ID",
    "LATENCY_BUCKETS_MS",
    "LATENCY_COLUMNS",
    "NAMING",
    "ROLLUP_COUNTERS",
    "UTCDateTime",
    "api_keys",
    "audit_chain_heads",
    "audit_events",
    "auth_sessions",
    "connections",
    "conversations",
    "files",
    "llm_settings",
    "metadata",
    "metadata_version",
    "nexatron_installation",
    "operator_keys",
    "queries",
    "query_feedback",
    "refresh_tokens",
    "scim_group_members",
    "scim_groups",
    "scim_settings",
    "scim_tokens",
    "scim_users",
    "semantic_objects",
    "sso_domains",
    "sso_providers",
    "tenants",
    "usage_actives",
    "usage_events",
    "usage_outbox",
    "usage_rollups",
    "usage_terms",
    "users",
    "verified_answers",
]
