"""Alembic environment: runs against the connection the application hands in."""

from __future__ import annotations

from alembic import context

from nexatron.store.tables import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Nexatron runs its migrations programmatically; use `nexatron migrate`.")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
