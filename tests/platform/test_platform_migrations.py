"""Start-up migrations: the head is read from the files as Alembic reads it, a fresh store is
brought to it, and a store already there is recognised without running Alembic. The test
harness's PostgreSQL stores, replayed from a dump, equal what the migrations make."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import psycopg2
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from nexatron.store import db
from nexatron.testing import PG_URL, make_settings


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


def _dump(schema: str) -> str:
    """The schema's objects and rows as pg_dump writes them, its name as SCHEMA, without the
    installation id (each store has its own) and pg_dump's per-run lines."""
    done = subprocess.run(
        ["pg_dump", "--schema", schema, "--no-owner", "--no-privileges", "--inserts", PG_URL],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [
        line.replace(schema, "SCHEMA")
        for line in done.stdout.splitlines()
        if not line.startswith(("\\", "--"))
        and not line.startswith(f"INSERT INTO {schema}.nexatron_installation")
    ]
    return "\n".join(lines)


def test_a_postgres_test_store_is_what_the_migrations_make(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The harness's PostgreSQL stores replay a dump instead of migrating: the same objects and
    rows as the migrations make, under an installation id of their own."""
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed: the harness migrates each store")
    monkeypatch.setenv("NEXATRON_TEST_METADATA", "postgres")
    replayed, drop = make_settings(tmp_path / "a")
    migrated, drop_migrated = make_settings(tmp_path / "b")
    assert drop is not None and drop_migrated is not None
    try:
        schemas = [
            re.search(r"search_path%3D(\w+)", str(s.database_url)) for s in (replayed, migrated)
        ]
        assert schemas[0] and schemas[1]
        with psycopg2.connect(host="127.0.0.1", user="postgres", dbname="test") as conn:
            conn.autocommit = True
            with conn.cursor() as cur:  # the second store made by the migrations instead
                cur.execute(f"DROP SCHEMA {schemas[1].group(1)} CASCADE")
                cur.execute(f"CREATE SCHEMA {schemas[1].group(1)}")
        engine = db.make_engine(str(migrated.database_url))
        db.migrate(engine)
        engine.dispose()
        assert _dump(schemas[0].group(1)) == _dump(schemas[1].group(1))
        ids = []
        for settings in (replayed, migrated):
            engine = db.make_engine(str(settings.database_url))
            with engine.connect() as conn:
                ids.append(conn.execute(text("SELECT id FROM nexatron_installation")).scalar_one())
            engine.dispose()
        assert ids[0] != ids[1] and all(i.startswith("inst_") for i in ids)
    finally:
        drop()
        drop_migrated()
