"""dead letters of the usage outbox

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import nexatron.store.tables

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("usage_outbox") as batch:
        batch.add_column(
            sa.Column("dead_at", nexatron.store.tables.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("usage_outbox") as batch:
        batch.drop_column("dead_at")
