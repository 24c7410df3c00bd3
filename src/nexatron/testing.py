"""Test harness: the real app in-process (httpx ASGITransport) on a fresh metadata store.

`NEXATRON_TEST_METADATA=postgres` puts the store in a throwaway schema of the local PostgreSQL
(`NEXATRON_TEST_PG_URL`, default postgresql://postgres@127.0.0.1:5432/test) instead of SQLite.
A SQLite store is migrated once per process and copied into each harness's data dir.
"""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from nexatron.api.app import GatewayApp, create_app
from nexatron.identity.keys import create_key
from nexatron.identity.roles import Principal, Role
from nexatron.identity.users import create_tenant, create_user
from nexatron.services import Services, build_services
from nexatron.settings import Settings
from nexatron.store.datadir import private_dir, private_file
from nexatron.store.db import make_engine, migrate

PG_URL = os.environ.get("NEXATRON_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
TEST_SECRET = "test-secret-" + "x" * 40


@dataclass
class Actor:
    user_id: str
    tenant_id: str
    email: str
    password: str
    role: Role
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


@dataclass
class Tenant:
    id: str
    admin: Actor
    analyst: Actor
    viewer: Actor


@dataclass
class Harness:
    app: GatewayApp
    services: Services
    client: httpx.AsyncClient
    tenant: Tenant
    other: Tenant
    cleanups: list[Any] = field(default_factory=list)

    async def as_(self, actor: Actor, method: str, url: str, **kwargs: Any) -> httpx.Response:
        headers = {**actor.headers, **kwargs.pop("headers", {})}
        return await self.client.request(method, url, headers=headers, **kwargs)


def metadata_backend() -> str:
    return os.environ.get("NEXATRON_TEST_METADATA", "sqlite")


def make_settings(data_dir: Path, **overrides: Any) -> tuple[Settings, Any]:
    """Settings for a test; returns a cleanup callable for the throwaway PostgreSQL schema."""
    values: dict[str, Any] = {
        "dev": True,
        "data_dir": data_dir,
        "secret_key": TEST_SECRET,
        "demo": False,
        "refresh_reuse_grace_s": 0.0,
        # Tests reach the local PostgreSQL, MariaDB and ClickHouse, and files under the temp
        # dir: the operator's explicit allowances. Policy tests pass False and () themselves.
        "connection_allow_loopback": True,
        "file_roots": (tempfile.gettempdir(),),
    }
    cleanup = None
    if metadata_backend() == "postgres" and "database_url" not in overrides:
        schema = "nx_t_" + secrets.token_hex(6)
        admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg2://"))
        migrated = _migrated_pg_dump()
        with admin.begin() as conn:
            if migrated is None:
                conn.execute(text(f"CREATE SCHEMA {schema}"))  # migrated at start-up
            else:
                template, dump = migrated
                conn.exec_driver_sql(dump.replace(template, schema).replace("%", "%%"))
                conn.execute(
                    text(f"UPDATE {schema}.nexatron_installation SET id = :id"),
                    {"id": f"inst_{secrets.token_hex(16)}"},
                )
        values["database_url"] = f"{PG_URL}?options=-csearch_path%3D{schema}"

        def cleanup() -> None:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()

    values.update(overrides)
    return Settings.model_validate(values), cleanup


_template: Path | None = None


def _migrated_template() -> Path:
    """A SQLite store at the newest migration, built once per process (the migrations cost
    0.5 to 3 s a store, and most tests build one)."""
    global _template
    if _template is None or not _template.exists():
        folder = Path(tempfile.mkdtemp(prefix="nexatron-store-template-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = folder / "nexatron.db"
        engine = make_engine(f"sqlite:///{path}")
        try:
            migrate(engine)
        finally:
            engine.dispose()  # the last connection closes: the WAL is checkpointed into the file
        _template = path
    return _template


_pg_dump: tuple[str, str] | None = None
_pg_dump_tried = False


def _migrated_pg_dump() -> tuple[str, str] | None:
    """(schema, SQL): a PostgreSQL store at the newest migration, as pg_dump writes it, dumped
    once per process from a throwaway schema (named in the SQL: a new store's SQL replaces the
    name). Replaying it costs half what the migrations do, and a store is made per test. None
    when pg_dump is missing or fails: each store is then migrated at start-up, as in production."""
    global _pg_dump, _pg_dump_tried
    if not _pg_dump_tried and shutil.which("pg_dump"):
        _pg_dump_tried = True
        schema = "nx_tpl_" + secrets.token_hex(8)
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
        admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg2://"))
        try:
            with admin.begin() as conn:
                conn.execute(text(f"CREATE SCHEMA {schema}"))
            engine = make_engine(url)
            try:
                migrate(engine)
            finally:
                engine.dispose()
            command = ["pg_dump", "--schema", schema, "--no-owner", "--no-privileges"]
            dumped = subprocess.run(  # noqa: S603 - fixed arguments, the local test database
                [*command, "--inserts", PG_URL], capture_output=True, text=True, timeout=120
            )
        finally:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            admin.dispose()
        if dumped.returncode == 0 and "CREATE TABLE" in dumped.stdout:
            # psql's own commands (\restrict) are no SQL; the rest names every object with its
            # schema, so the search_path pg_dump sets empty does not matter.
            lines = [line for line in dumped.stdout.splitlines() if not line.startswith("\\")]
            _pg_dump = (schema, "\n".join(lines))
    return _pg_dump


def seed_sqlite_store(settings: Settings) -> None:
    """Start a new SQLite store as a copy of the migrated template, under an installation id of
    its own (as migration 0008 stamps at a real first start). A store already there is kept."""
    if settings.database_url is not None:
        return
    target = Path(settings.metadata_url.split("///", 1)[1])
    if target.exists():
        return
    private_dir(target.parent)
    private_file(target)
    with sqlite3.connect(_migrated_template()) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
        copy.execute("UPDATE nexatron_installation SET id = ?", (f"inst_{secrets.token_hex(16)}",))
    copy.close()
    source.close()


def tenant_files(services: Services, tenant_id: str) -> Path:
    """The tenant's own file area (`<data dir>/files/<tenant_id>/`), created."""
    path = services.settings.data_dir.resolve() / "files" / tenant_id
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def add_tenant(services: Services, name: str) -> Tenant:
    actors = {}
    with services.db.begin() as conn:
        tenant_id = create_tenant(conn, name)
        for role in ("admin", "analyst", "viewer"):
            email = f"{role}-{secrets.token_hex(4)}@{name.lower()}.test"
            password = "pw-" + secrets.token_hex(8)
            user_id = create_user(
                conn, tenant_id=tenant_id, email=email, password=password, role=role
            )
            principal = Principal(tenant_id=tenant_id, user_id=user_id, role=role)
            _rec, key = create_key(
                conn,
                services.settings.secret_key,
                principal,
                name="test",
                role=None,
                expires_at=None,
            )
            actors[role] = Actor(user_id, tenant_id, email, password, role, key)
    return Tenant(tenant_id, actors["admin"], actors["analyst"], actors["viewer"])


@asynccontextmanager
async def make_app_client(data_dir: Path, **overrides: Any) -> AsyncIterator[Harness]:
    """The app with two tenants (each with admin, analyst and viewer keys) and a client."""
    settings, cleanup = make_settings(data_dir, **overrides)
    try:  # the throwaway schema is dropped even when building the app fails
        seed_sqlite_store(settings)
        services = build_services(settings)
        try:
            app = create_app(settings, services=services)
            transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                yield Harness(
                    app, services, c, add_tenant(services, "Acme"), add_tenant(services, "Globex")
                )
        finally:
            services.close()
    finally:
        if cleanup:
            cleanup()
