"""Start-up migrations: the head is read from the files as Alembic reads it, a fresh store is
brought to it, and a store already there is recognised without running Alembic."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from nexatron.store import db


def test_head_revision_is_alembics_head() -> None:
    script = ScriptDirectory(str(db.MIGRATIONS))
    assert db.head_revision() == script.get_current_head()


def test_migrate_creates_the_schema_then_skips_alembic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    assert db.current_revision(engine) is None
    db.migrate(engine)
    assert db.current_revision(engine) == db.head_revision()
    assert {"tenants", "queries", "conversations"} <= set(inspect(engine).get_table_names())

    def no_alembic(_engine: object) -> None:
        raise AssertionError("Alembic ran on a store already at head")

    monkeypatch.setattr(db, "alembic_config", no_alembic)
    db.migrate(engine)  # at head: one query, no Alembic
    engine.dispose()
