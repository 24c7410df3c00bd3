"""SCIM provisioning (tokens, users, groups, members, role mapping) and OpenID Connect sign-in."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from nexatron.store.tables.columns import ID, UTCDateTime, metadata

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
