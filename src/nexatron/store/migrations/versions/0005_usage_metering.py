"""usage analytics rollups, the metering ledger and its outbox; history rows say more

Revision ID: 0005
Revises: 0004

`queries` gains the API key that asked, whether the rows came from the result cache, and the
words a refusal or clarification left unmatched (with the suggested metrics and dimensions).
`usage_rollups` (per tenant, day, user, key, connection and planner) and `usage_terms` (questions
and unmatched words per day) are maintained by the history writer; `usage_events` is the
metering ledger and `usage_outbox` what the exporter still has to deliver.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import nexatron.store.tables

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UTC = nexatron.store.tables.UTCDateTime(timezone=True)
BUCKETS = nexatron.store.tables.LATENCY_BUCKETS_MS


def upgrade() -> None:
    with op.batch_alter_table("queries") as batch:
        batch.add_column(sa.Column("api_key_id", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("cached", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("unmatched", sa.JSON(), nullable=True))
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
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_usage_rollups_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "tenant_id",
            "day",
            "user_id",
            "api_key_id",
            "connection_id",
            "planner",
            name="uq_usage_rollups_key",
        ),
    )
    op.create_table(
        "usage_terms",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("term_hash", sa.String(length=40), nullable=False),
        sa.Column("term", sa.Text(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("sample", sa.Text(), nullable=True),
        sa.Column("suggestions", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_usage_terms_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("tenant_id", "kind", "day", "term_hash", name="uq_usage_terms_key"),
    )
    op.create_table(
        "usage_events",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("meter", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("occurred_at", UTC, nullable=False),
        sa.Column("user_id", sa.String(length=40), nullable=True),
        sa.Column("query_id", sa.String(length=40), nullable=True),
        sa.Column("planner", sa.String(length=40), nullable=True),
        sa.Column("connection_type", sa.String(length=40), nullable=True),
        sa.Column("model", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_usage_events_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_events")),
    )
    op.create_index(
        "ix_usage_events_tenant_meter_time", "usage_events", ["tenant_id", "meter", "occurred_at"]
    )
    op.create_table(
        "usage_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=120), nullable=False),
        sa.Column("sink", sa.String(length=20), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_attempt_at", UTC, nullable=False),
        sa.Column("delivered_at", UTC, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_outbox")),
        sa.UniqueConstraint("event_id", "sink", name="uq_usage_outbox_event"),
    )
    op.create_index("ix_usage_outbox_due", "usage_outbox", ["delivered_at", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_usage_outbox_due", table_name="usage_outbox")
    op.drop_table("usage_outbox")
    op.drop_index("ix_usage_events_tenant_meter_time", table_name="usage_events")
    op.drop_table("usage_events")
    op.drop_table("usage_terms")
    op.drop_table("usage_rollups")
    with op.batch_alter_table("queries") as batch:
        batch.drop_column("unmatched")
        batch.drop_column("cached")
        batch.drop_column("api_key_id")
