"""This installation's id, stamped in the metadata store at first start (migration 0008)."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import Engine, select

from nexatron.store.tables import nexatron_installation


def installation_id(engine: Engine) -> str:
    """The stamped id; stamps one if the row is missing (a store restored without it)."""
    with engine.begin() as conn:
        found = conn.execute(select(nexatron_installation.c.id).limit(1)).scalar()
        if found:
            return str(found)
        new = f"inst_{secrets.token_hex(16)}"
        conn.execute(
            nexatron_installation.insert().values(id=new, created_at=dt.datetime.now(dt.UTC))
        )
        return new
