"""votes per question in the usage terms; the analytics rollups rebuilt from the history

Revision ID: 0012
Revises: 0011

Histories recorded before the rollups existed (0005/0006 created them empty) are now reported:
every (tenant, day) the history holds gets its rollups, actives and terms computed from its
history rows, and the feedback votes counted on their questions (usage/backfill.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("usage_terms") as batch:
        batch.add_column(sa.Column("up", sa.BigInteger(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("down", sa.BigInteger(), nullable=False, server_default="0"))
    from nexatron.usage.backfill import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("usage_terms") as batch:
        batch.drop_column("down")
        batch.drop_column("up")
