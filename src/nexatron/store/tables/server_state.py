"""The server's own rows: the metadata version SQLite bumps on writes, the installation id."""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Table

from nexatron.store.tables.columns import UTCDateTime, metadata

# One row whose version SQLite triggers bump on every write to the tables that authentication and
# connection lookup read (see store/version.py and migration 0002).
metadata_version = Table(
    "metadata_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)

# One row stamped at first start (migration 0008): a warehouse connection whose database holds
# this id reaches the metadata store by another route and is refused (warehouse/policy.py).
nexatron_installation = Table(
    "nexatron_installation",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("created_at", UTCDateTime, nullable=True),
)
