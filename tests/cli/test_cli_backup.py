"""`nexatron backup` / `nexatron restore`: SQLite online while writes go on, PostgreSQL through
pg_dump/pg_restore; a restored store serves the same tenants, keys, secrets and rows, and a backup
made under other keys is refused."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text

from nexatron.backup import BackupError, backup, restore
from nexatron.cli import main
from nexatron.connections.service import aad, create, get_row
from nexatron.identity.users import create_user
from nexatron.services import Services, build_services
from nexatron.settings import Settings
from nexatron.testing import PG_URL, TEST_SECRET, Tenant, add_tenant
from throwaway import unique

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


def _serves_the_same(services: Services, tenant: Tenant, connection_id: str) -> None:
    principal = services.authenticator.authenticate(tenant.admin.key)
    assert (principal.tenant_id, principal.user_id) == (tenant.id, tenant.admin.user_id)
    with services.db.connect() as conn:
        row = get_row(conn, tenant.id, connection_id)
    sealed = services.box.decrypt_json(row.secrets, aad(tenant.id, connection_id))
    assert sealed["password"] == PASSWORD


def test_sqlite_backup_while_writing_restores_the_same_store(tmp_path: Path) -> None:
    live = build_services(_settings(tmp_path / "live"))
    tenant, connection_id = _populate(live)
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
        _serves_the_same(restored, tenant, connection_id)
    finally:
        restored.close()


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
            _serves_the_same(restored, tenant, connection_id)
        finally:
            restored.close()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()
