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
    # Columns a stopped earlier run may have added already (SQLite keeps DDL it ran) are skipped.
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("usage_terms")}
    missing = [name for name in ("up", "down") if name not in have]
    if missing:
        with op.batch_alter_table("usage_terms") as batch:
            for name in missing:
                batch.add_column(
                    sa.Column(name, sa.BigInteger(), nullable=False, server_default="0")
                )
    from nexatron.usage.backfill import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("usage_terms") as batch:
        batch.drop_column("down")
        batch.drop_column("up")
