"""`nexatron backup` / `nexatron restore`: SQLite online while writes go on, PostgreSQL through
pg_dump/pg_restore; a restored store serves the same tenants, keys, secrets and rows, and a backup
made under other keys is refused."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text

from nexatron.backup import BackupError, backup, restore
from nexatron.cli import main
from nexatron.connections.service import aad, create, get_row
from nexatron.identity.users import create_user
from nexatron.ids import new_id
from nexatron.query.history import get_query
from nexatron.semantic.model import Dimension, Metric
from nexatron.semantic.repository import insert_object, load_layer
from nexatron.services import Services, build_services
from nexatron.settings import Settings
from nexatron.store.tables import queries
from nexatron.testing import PG_URL, TEST_SECRET, Tenant, add_tenant

from ..throwaway import unique

PASSWORD = "canary-pw-5d1e"


def _settings(data_dir: Path, **over: Any) -> Settings:
    values = {"dev": True, "data_dir": data_dir, "secret_key": TEST_SECRET, "demo": False}
    return Settings.model_validate({**values, **over})


def _populate(services: Services) -> tuple[Tenant, str]:
    tenant = add_tenant(services, "Acme")
    config = {"host": "10.1.2.3", "database": "sales", "user": "reader", "password": PASSWORD}
    made = create(
        services,
        tenant.id,
        tenant.admin.user_id,
        name="warehouse",
        type_name="postgres",
        config=config,
        is_default=True,
    )
    return tenant, made["id"]


def _counts(services: Services) -> dict[str, int]:
    with services.db.connect() as conn:
        names = inspect(conn).get_table_names()
        return {
            t: int(conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()) for t in names
        }


@dataclass(frozen=True)
class Kept:
    """What a restored store must still serve beyond tenants, keys and connections."""

    layer: dict[str, list[str]]  # kind -> names
    history_ids: list[str]
    refresh_token: str


def _add_layer_history_and_session(services: Services, tenant: Tenant, connection_id: str) -> Kept:
    with services.db.begin() as conn:
        insert_object(
            conn,
            tenant.id,
            connection_id,
            "metric",
            Metric(name="revenue", table="orders", agg="sum", expr="amount"),
        )
        insert_object(
            conn,
            tenant.id,
            connection_id,
            "dimension",
            Dimension(name="region", table="orders", expr="region"),
        )
        rows = [_history_row(tenant, connection_id, [["east", "12"]]) for _ in range(3)]
        conn.execute(queries.insert(), rows)
    session = services.sessions.login(tenant.analyst.email, tenant.analyst.password)
    return Kept(
        layer={"metric": ["revenue"], "dimension": ["region"]},
        history_ids=[r["id"] for r in rows],
        refresh_token=session.refresh_token,
    )


def _serves_the_same(
    services: Services, tenant: Tenant, connection_id: str, kept: Kept | None = None
) -> None:
    principal = services.authenticator.authenticate(tenant.admin.key)
    assert (principal.tenant_id, principal.user_id) == (tenant.id, tenant.admin.user_id)
    with services.db.connect() as conn:
        row = get_row(conn, tenant.id, connection_id)
    sealed = services.box.decrypt_json(row.secrets, aad(tenant.id, connection_id))
    assert sealed["password"] == PASSWORD
    if kept is None:
        return
    analyst = services.authenticator.authenticate(tenant.analyst.key)
    with services.db.connect() as conn:
        layer = load_layer(conn, tenant.id, connection_id)
        answers = [get_query(conn, analyst, query_id) for query_id in kept.history_ids]
    assert {
        "metric": [m.name for m in layer.metrics],
        "dimension": [d.name for d in layer.dimensions],
    } == kept.layer
    assert [(a.id, a.data) for a in answers] == [(i, [["east", "12"]]) for i in kept.history_ids]
    refreshed = services.sessions.refresh(kept.refresh_token)  # the session is still live
    assert refreshed.refresh_token != kept.refresh_token


def test_sqlite_backup_while_writing_restores_the_same_store(tmp_path: Path) -> None:
    live = build_services(_settings(tmp_path / "live"))
    tenant, connection_id = _populate(live)
    kept = _add_layer_history_and_session(live, tenant, connection_id)
    stop = threading.Event()
    written: list[str] = []
    failures: list[BaseException] = []

    def keep_writing() -> None:  # a serving process's writes while the backup copies pages
        try:
            while not stop.is_set():
                with live.db.begin() as conn:
                    written.append(
                        create_user(
                            conn,
                            tenant_id=tenant.id,
                            email=f"{unique('w')}@acme.test",
                            password="pw-long-enough",
                            role="viewer",
                        )
                    )
        except BaseException as exc:  # reported below
            failures.append(exc)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        manifest = backup(live.settings, tmp_path / "bk")
    finally:
        stop.set()
        writer.join()
    assert not failures and written
    assert manifest.store == "sqlite" and manifest.revision
    assert (tmp_path / "bk" / "nexatron.db").stat().st_mode & 0o777 == 0o600
    assert PASSWORD not in (tmp_path / "bk" / "manifest.json").read_text()
    before = _counts(live)
    live.close()

    restore(_settings(tmp_path / "fresh"), tmp_path / "bk")
    restored = build_services(_settings(tmp_path / "fresh"))
    try:
        after = _counts(restored)
        # Users written after the copy's last page are not in it; everything else is the same.
        assert {t: n for t, n in after.items() if t != "users"} == {
            t: n for t, n in before.items() if t != "users"
        }
        assert 3 <= after["users"] <= before["users"]  # the tenant's three, and some of the writes
        _serves_the_same(restored, tenant, connection_id, kept)
    finally:
        restored.close()


def _history_row(tenant: Tenant, connection_id: str, data: list[list[str]]) -> dict[str, Any]:
    return {
        "id": new_id("query"),
        "tenant_id": tenant.id,
        "user_id": tenant.analyst.user_id,
        "connection_id": connection_id,
        "conversation_id": new_id("conversation"),
        "question": "What were total sales last quarter?",
        "status": "answered",
        "data": data,
        "row_count": len(data),
        "created_at": dt.datetime.now(dt.UTC),
    }


def test_sqlite_backup_of_a_large_store_finishes_under_frequent_writes(tmp_path: Path) -> None:
    """The copy is one step: SQLite restarts a step-wise backup whenever another connection
    writes between steps, so with 256-page steps a store of thousands of pages written every few
    milliseconds was never copied (measured: 5,000 pages, a write every 3 ms, not finished after
    20 s and 2,500 steps). In WAL mode the one step blocks no writer."""
    live = build_services(_settings(tmp_path / "live"))
    tenant, connection_id = _populate(live)
    sample = [[f"region {i}", "x" * 2000] for i in range(4)]
    with live.db.begin() as conn:  # about 8 KB a row: 2,500 rows are over 5,000 pages
        for _ in range(25):
            rows = [_history_row(tenant, connection_id, sample) for _ in range(100)]
            conn.execute(queries.insert(), rows)
    with live.db.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
    assert pages > 5000
    stop, finished = threading.Event(), threading.Event()
    commits: list[float] = []

    def keep_writing() -> None:  # a history row committed every few milliseconds
        while not stop.is_set():
            with live.db.begin() as conn:
                conn.execute(queries.insert(), [_history_row(tenant, connection_id, [])])
            commits.append(time.monotonic())
            time.sleep(0.003)

    def copy() -> None:
        backup(live.settings, tmp_path / "bk")
        finished.set()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    time.sleep(0.05)
    started = time.monotonic()
    copier = threading.Thread(target=copy)
    copier.start()
    copier.join(timeout=15)
    took = time.monotonic() - started
    stop.set()
    writer.join()
    copier.join()  # with no more writes even a step-wise copy ends
    live.close()
    assert finished.is_set() and took < 15, f"backup not finished after {took:.1f} s"
    during = [t for t in commits if started <= t <= started + took]
    assert during, "no write committed while the backup ran"
    copied = sqlite3.connect(tmp_path / "bk" / "nexatron.db")
    try:
        assert copied.execute("SELECT count(*) FROM queries").fetchone()[0] >= 2500
    finally:
        copied.close()


def test_restore_refuses_other_keys_and_an_existing_store(tmp_path: Path) -> None:
    live = build_services(_settings(tmp_path / "live"))
    _populate(live)
    backup(live.settings, tmp_path / "bk")
    live.close()
    stranger = _settings(tmp_path / "other", secret_key="another-installation-" + "y" * 40)
    with pytest.raises(BackupError, match="another installation"):
        restore(stranger, tmp_path / "bk")
    rotated = _settings(tmp_path / "other", encryption_keys=["a-brand-new-key-" + "z" * 40])
    with pytest.raises(BackupError, match="lacks encryption keys"):
        restore(rotated, tmp_path / "bk")
    with pytest.raises(BackupError, match="--replace"):
        restore(live.settings, tmp_path / "bk")
    with pytest.raises(BackupError, match="not empty"):
        backup(live.settings, tmp_path / "bk")


def test_cli_backup_and_restore_print_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEXATRON_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("NEXATRON_DEMO", "0")
    monkeypatch.delenv("NEXATRON_DATABASE_URL", raising=False)
    build_services(_settings(tmp_path / "live")).close()
    assert main(["--data-dir", str(tmp_path / "live"), "backup", str(tmp_path / "bk")]) == 0
    assert "Backed up the sqlite store" in capsys.readouterr().out
    assert main(["--data-dir", str(tmp_path / "live"), "restore", str(tmp_path / "bk")]) == 2
    assert "--replace" in capsys.readouterr().err
    assert (
        main(["--data-dir", str(tmp_path / "live"), "restore", "--replace", str(tmp_path / "bk")])
        == 0
    )
    assert main(["--data-dir", str(tmp_path), "restore", str(tmp_path / "nothing")]) == 2
    assert "not a Nexatron backup" in capsys.readouterr().err


def test_postgres_round_trip_through_pg_dump_and_pg_restore(tmp_path: Path) -> None:
    schema = unique("nx_bk")
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg2://"))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    try:
        live = build_services(_settings(tmp_path / "live", database_url=url))
        tenant, connection_id = _populate(live)
        kept = _add_layer_history_and_session(live, tenant, connection_id)
        before = _counts(live)
        manifest = backup(live.settings, tmp_path / "bk")
        assert manifest.store == "postgresql"
        live.close()
        with admin.begin() as conn:  # the store is lost
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        restore(_settings(tmp_path / "live", database_url=url), tmp_path / "bk")
        restored = build_services(_settings(tmp_path / "live", database_url=url))
        try:
            assert _counts(restored) == before
            _serves_the_same(restored, tenant, connection_id, kept)
        finally:
            restored.close()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()
