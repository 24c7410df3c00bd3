"""feedback on answers, and answers verified by an admin

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import nexatron.store.tables

ID = sa.String(length=40)
UTC = nexatron.store.tables.UTCDateTime(timezone=True)

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "query_feedback",
        sa.Column("id", ID, primary_key=True),
        sa.Column("tenant_id", ID, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
        sa.Column("query_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("vote", sa.String(length=8), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("corrected_plan", sa.JSON(), nullable=True),
        sa.Column("clarification", sa.Text(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
    )
    op.create_index("ix_query_feedback_tenant_query", "query_feedback", ["tenant_id", "query_id"])
    op.create_table(
        "verified_answers",
        sa.Column("id", ID, primary_key=True),
        sa.Column("tenant_id", ID, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
        sa.Column("connection_id", ID, nullable=False),
        sa.Column("query_id", ID, nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("normalized", sa.Text(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("verified_by", ID, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.UniqueConstraint("tenant_id", "query_id", name="uq_verified_answers_tenant_query"),
    )
    op.create_index(
        "ix_verified_answers_tenant_connection", "verified_answers", ["tenant_id", "connection_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_verified_answers_tenant_connection", table_name="verified_answers")
    op.drop_table("verified_answers")
    op.drop_index("ix_query_feedback_tenant_query", table_name="query_feedback")
    op.drop_table("query_feedback")
