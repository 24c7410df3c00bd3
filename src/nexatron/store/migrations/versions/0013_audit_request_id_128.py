"""audit events keep request ids of up to 128 characters, as the gateway accepts them

Revision ID: 0013
Revises: 0012

Only the column's length changes: stored ids and the chain's hashes (audit/chain.py hashes the
value, not the column type) stay as they are. On SQLite the batch rebuild drops the table's
append-only trigger (0003), so it is created again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

APPEND_ONLY = "audit events are append-only"  # as 0003 wrote it


def _request_id_length(old: int, new: int) -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.alter_column(
            "request_id",
            existing_type=sa.String(length=old),
            type_=sa.String(length=new),
            existing_nullable=True,
        )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only")
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON audit_events "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        )


def upgrade() -> None:
    _request_id_length(64, 128)


def downgrade() -> None:
    _request_id_length(128, 64)
