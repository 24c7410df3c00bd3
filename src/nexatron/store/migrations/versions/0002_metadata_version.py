"""metadata version bumped by triggers (SQLite)

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# What authentication and connection lookup read; a write to any of them moves the version.
WATCHED = ("tenants", "users", "api_keys", "auth_sessions", "connections")
EVENTS = ("INSERT", "UPDATE", "DELETE")


def upgrade() -> None:
    op.create_table(
        "metadata_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metadata_version")),
    )
    op.execute("INSERT INTO metadata_version (id, version) VALUES (1, 0)")
    if op.get_bind().dialect.name != "sqlite":
        return  # elsewhere nothing is cached (store/version.py says why)
    for table in WATCHED:
        for event in EVENTS:
            op.execute(
                f"CREATE TRIGGER bump_version_{table}_{event.lower()} AFTER {event} ON {table} "
                "BEGIN UPDATE metadata_version SET version = version + 1 WHERE id = 1; END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in WATCHED:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER IF EXISTS bump_version_{table}_{event.lower()}")
    op.drop_table("metadata_version")
