"""usage rollups per dimension (one row per tenant, day, dimension and value) and who was active

Revision ID: 0006
Revises: 0005

0005's rollups were keyed by every dimension at once, so a 30-day report read tens of thousands
of rows; now each dimension has its own rows and active users and keys their own table. The old
rollups (hours old when this was written) are dropped, not converted.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import nexatron.store.tables

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _tenant_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"],
        ["tenants.id"],
        name=op.f(f"fk_{table}_tenant_id_tenants"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.drop_table("usage_rollups")
    counters = [
        sa.Column(name, sa.BigInteger(), nullable=False, server_default="0")
        for name in nexatron.store.tables.ROLLUP_COUNTERS
    ]
    op.create_table(
        "usage_rollups",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("dim", sa.String(length=12), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        *counters,
        sa.Column("latency_ms_sum", sa.Float(), nullable=False, server_default="0"),
        _tenant_fk("usage_rollups"),
        sa.UniqueConstraint("tenant_id", "day", "dim", "value", name="uq_usage_rollups_key"),
    )
    op.create_table(
        "usage_actives",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("dim", sa.String(length=12), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=40), nullable=False),
        sa.Column("api_key_id", sa.String(length=40), nullable=False),
        _tenant_fk("usage_actives"),
        sa.UniqueConstraint(
            "tenant_id", "day", "dim", "value", "user_id", "api_key_id",
            name="uq_usage_actives_key",
        ),
    )  # fmt: skip
    op.create_index(
        "ix_usage_terms_counts",
        "usage_terms",
        ["tenant_id", "kind", "day", "term_hash", "count"],
    )


def downgrade() -> None:
    op.drop_index("ix_usage_terms_counts", table_name="usage_terms")
    op.drop_table("usage_actives")
    op.drop_table("usage_rollups")
    counters = [
        sa.Column(name, sa.BigInteger(), nullable=False, server_default="0")
        for name in nexatron.store.tables.ROLLUP_COUNTERS
    ]
    op.create_table(
        "usage_rollups",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.String(length=40), nullable=False),
        sa.Column("api_key_id", sa.String(length=40), nullable=False),
        sa.Column("connection_id", sa.String(length=40), nullable=False),
        sa.Column("planner", sa.String(length=40), nullable=False),
        *counters,
        sa.Column("latency_ms_sum", sa.Float(), nullable=False, server_default="0"),
        _tenant_fk("usage_rollups"),
        sa.UniqueConstraint(
            "tenant_id", "day", "user_id", "api_key_id", "connection_id", "planner",
            name="uq_usage_rollups_key",
        ),
    )  # fmt: skip
