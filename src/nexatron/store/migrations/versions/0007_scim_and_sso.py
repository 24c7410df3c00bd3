"""SCIM tokens, users, groups and memberships; SSO providers and their email domains

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 03:00:03.862599
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import nexatron.store.tables

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scim_groups",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.Column("display_key", sa.String(length=255), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=True),
        sa.Column("created_at", nexatron.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", nexatron.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_scim_groups_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scim_groups")),
        sa.UniqueConstraint("tenant_id", "display_key", name="uq_scim_groups_tenant_display"),
    )
    op.create_table(
        "scim_settings",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("group_roles", sa.JSON(), nullable=False),
        sa.Column("default_role", sa.String(length=20), nullable=False),
        sa.Column("updated_at", nexatron.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_scim_settings_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_scim_settings")),
    )
    op.create_table(
        "scim_tokens",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("prefix", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=40), nullable=True),
        sa.Column("created_at", nexatron.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", nexatron.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", nexatron.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_scim_tokens_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scim_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_scim_tokens_token_hash")),
    )
    with op.batch_alter_table("scim_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_scim_tokens_tenant", ["tenant_id"], unique=False)

    op.create_table(
        "sso_domains",
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_sso_domains_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("domain", name=op.f("pk_sso_domains")),
    )
    with op.batch_alter_table("sso_domains", schema=None) as batch_op:
        batch_op.create_index("ix_sso_domains_tenant", ["tenant_id"], unique=False)

    op.create_table(
        "sso_providers",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("issuer", sa.String(length=500), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("secrets", sa.Text(), nullable=True),
        sa.Column("scopes", sa.String(length=500), nullable=False),
        sa.Column("role_claim", sa.String(length=100), nullable=True),
        sa.Column("role_mapping", sa.JSON(), nullable=False),
        sa.Column("default_role", sa.String(length=20), nullable=False),
        sa.Column("jit_provisioning", sa.Boolean(), nullable=False),
        sa.Column("password_login_disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", nexatron.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", nexatron.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_sso_providers_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_sso_providers")),
    )
    op.create_table(
        "scim_group_members",
        sa.Column("group_id", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("display", sa.String(length=320), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["scim_groups.id"],
            name=op.f("fk_scim_group_members_group_id_scim_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_scim_group_members_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_scim_group_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "user_id", name=op.f("pk_scim_group_members")),
    )
    with op.batch_alter_table("scim_group_members", schema=None) as batch_op:
        batch_op.create_index("ix_scim_group_members_user", ["user_id"], unique=False)

    op.create_table(
        "scim_users",
        sa.Column("user_id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("user_name", sa.String(length=320), nullable=False),
        sa.Column("user_name_key", sa.String(length=320), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("created_at", nexatron.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", nexatron.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", nexatron.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_scim_users_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_scim_users_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_scim_users")),
        sa.UniqueConstraint("tenant_id", "user_name_key", name="uq_scim_users_tenant_user_name"),
    )


def downgrade() -> None:
    op.drop_table("scim_users")
    with op.batch_alter_table("scim_group_members", schema=None) as batch_op:
        batch_op.drop_index("ix_scim_group_members_user")

    op.drop_table("scim_group_members")
    op.drop_table("sso_providers")
    with op.batch_alter_table("sso_domains", schema=None) as batch_op:
        batch_op.drop_index("ix_sso_domains_tenant")

    op.drop_table("sso_domains")
    with op.batch_alter_table("scim_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_scim_tokens_tenant")

    op.drop_table("scim_tokens")
    op.drop_table("scim_settings")
    op.drop_table("scim_groups")
