"""tenant slugs; user emails unique per tenant instead of across tenants

Revision ID: 0004
Revises: 0003

On SQLite the users and tenants tables are rebuilt (a constraint cannot be dropped there): the
rebuild drops their metadata-version triggers, which are made again, and `store.db.migrate` runs
migrations with foreign keys off so dropping the old table cascades nothing.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

EVENTS = ("INSERT", "UPDATE", "DELETE")


def _slug(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:50].strip("-") or "tenant"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def _triggers(table: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for event in EVENTS:
        op.execute(f"DROP TRIGGER IF EXISTS bump_version_{table}_{event.lower()}")
        op.execute(
            f"CREATE TRIGGER bump_version_{table}_{event.lower()} AFTER {event} ON {table} "
            "BEGIN UPDATE metadata_version SET version = version + 1 WHERE id = 1; END"
        )


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("slug", sa.String(length=63), nullable=True))
    tenants = sa.table("tenants", sa.column("id"), sa.column("name"), sa.column("slug"))
    taken: set[str] = set()
    rows = bind.execute(sa.select(tenants.c.id, tenants.c.name).order_by(tenants.c.id)).all()
    for tenant_id, name in rows:
        bind.execute(
            tenants.update().where(tenants.c.id == tenant_id).values(slug=_slug(name, taken))
        )
    with op.batch_alter_table("tenants", recreate="auto") as batch:
        batch.alter_column("slug", existing_type=sa.String(length=63), nullable=False)
        batch.create_unique_constraint("uq_tenants_slug", ["slug"])
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("uq_users_email", type_="unique")
        batch.create_unique_constraint("uq_users_tenant_email", ["tenant_id", "email"])
        batch.create_index("ix_users_email", ["email"])
    _triggers("tenants")
    _triggers("users")


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_index("ix_users_email")
        batch.drop_constraint("uq_users_tenant_email", type_="unique")
        batch.create_unique_constraint("uq_users_email", ["email"])
    with op.batch_alter_table("tenants") as batch:
        batch.drop_constraint("uq_tenants_slug", type_="unique")
        batch.drop_column("slug")
    _triggers("tenants")
    _triggers("users")
