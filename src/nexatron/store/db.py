"""The metadata store's engine: SQLite (WAL) by default, PostgreSQL when configured."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool

from nexatron.store.datadir import private_file

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
T = TypeVar("T")
DB_DROPPED = "metadata_connection_dropped"  # set in the request state by the API's error handler


def make_engine(url: str) -> Engine:
    """An engine tuned for the backend; SQLite gets WAL, foreign keys and a busy timeout.

    Its errors never show bound parameters (`hide_parameters`): they hold questions, answers and
    secrets, and a failed write's exception is logged at ERROR.
    """
    if url.startswith("sqlite"):
        if ":memory:" in url or url in {"sqlite://", "sqlite:///"}:
            engine = create_engine(
                url,
                connect_args={"check_same_thread": False},
                poolclass=StaticPool,
                hide_parameters=True,
            )
        else:
            path = url.split("///", 1)[1]
            private_file(Path(path))  # 0600 before SQLite creates it (and so its -wal, -shm)
            engine = create_engine(
                url,
                connect_args={"check_same_thread": False, "timeout": 30},
                pool_size=10,
                max_overflow=20,
                hide_parameters=True,
            )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg2://" + url[len("postgresql://") :]
    return create_engine(
        url, pool_size=10, max_overflow=20, pool_pre_ping=True, hide_parameters=True
    )


def once_more_if_dropped(fn: Callable[..., T], *args: Any) -> T:
    """Run a read; when its connection turns out dead (a restarted or terminated backend that the
    checkout ping could not see: it died after the ping), run it once more on a fresh one."""
    try:
        return fn(*args)
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        return fn(*args)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Apply every Alembic migration (idempotent; run at start-up).

    A store already at the newest revision is recognised with one query, without importing
    Alembic: every worker process starts this way, and Alembic with its templates costs about
    10 MB of memory per process.
    """
    if current_revision(engine) == head_revision():
        return
    from alembic import command

    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            # Rebuilding a table on SQLite drops the old one; with foreign keys on, that drop
            # would cascade into every row referencing it. Off (only outside a transaction, so
            # first), checked after, and back on before the connection returns to the pool.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()  # ends SQLAlchemy's autobegun transaction (SQLite opened none)
        try:
            with conn.begin():
                cfg = alembic_config(engine)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def head_revision() -> str:
    """The newest revision, read from the migration files: the one no other revises."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text()
        found = re.search(r'^revision\s*=\s*"([^"]+)"', source, re.M)
        parent = re.search(r'^down_revision\s*=\s*"([^"]+)"', source, re.M)
        if found:
            revisions.add(found.group(1))
        if parent:
            parents.add(parent.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else ""  # "" never matches: let Alembic decide


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def ping(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
