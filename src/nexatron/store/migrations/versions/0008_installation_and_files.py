"""installation stamp and uploaded files

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

import nexatron.store.tables

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One row: this installation's id. A warehouse connection whose database holds it is the
    # metadata store reached by another route, and is refused (warehouse/policy.py).
    op.create_table(
        "nexatron_installation",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("created_at", nexatron.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nexatron_installation")),
    )
    op.execute(f"INSERT INTO nexatron_installation (id) VALUES ('inst_{secrets.token_hex(16)}')")
    op.create_table(
        "files",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("stored_name", sa.String(length=80), nullable=False),
        sa.Column("created_by", sa.String(length=40), nullable=True),
        sa.Column("created_at", nexatron.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_files_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_files")),
    )
    op.create_index("ix_files_tenant", "files", ["tenant_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_files_tenant", table_name="files")
    op.drop_table("files")
    op.drop_table("nexatron_installation")
