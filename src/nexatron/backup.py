"""Backups of the metadata store: `nexatron backup OUT` and `nexatron restore IN`.

A backup is a directory holding the store and `manifest.json`:
- SQLite: `nexatron.db`, copied with SQLite's online backup API in one step (one read
  transaction), so the server keeps serving: in WAL mode readers and writers are not blocked.
- PostgreSQL: `store.dump`, a `pg_dump --format=custom` archive of the store's schema, restored
  with `pg_restore --clean --if-exists` (both must be on PATH: Debian's postgresql-client).

The manifest names the installation by fingerprints of its keys (HMACs of a fixed text, never the
keys): API keys and refresh tokens are keyed hashes under the secret key, and connection and LLM
secrets are sealed with the encryption keys. A restore refuses a backup whose keys this
installation does not hold, since its keys would not verify and its secrets would not decrypt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from nexatron.errors import NexatronError
from nexatron.settings import Settings

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "nexatron.db"
PG_FILE = "store.dump"
_CHECK_TEXT = b"nexatron backup key check v1"


class BackupError(NexatronError):
    """A backup or restore that cannot go ahead; the message says what to do."""

    status_code = 400


@dataclass(frozen=True)
class Manifest:
    format: int
    store: str  # "sqlite" | "postgresql"
    created_at: str
    revision: str | None
    secret_key_check: str
    encryption_key_checks: list[str]


def _check(key: str) -> str:
    return hmac.new(key.encode(), _CHECK_TEXT, hashlib.sha256).hexdigest()[:32]


def _encryption_keys(settings: Settings) -> list[str]:
    return list(settings.encryption_keys) or [settings.secret_key]


def _store_kind(settings: Settings) -> str:
    return "postgresql" if settings.database_url else "sqlite"


def _sqlite_path(settings: Settings) -> Path:
    return (settings.data_dir / SQLITE_FILE).resolve()


def _revision(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return str(row[0]) if row else None


def backup(settings: Settings, out: Path) -> Manifest:
    """Write a backup of the configured store into the new directory `out`."""
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} exists and is not empty; name a new directory.")
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    kind = _store_kind(settings)
    revision = _backup_sqlite(settings, out) if kind == "sqlite" else _backup_pg(settings, out)
    manifest = Manifest(
        format=FORMAT,
        store=kind,
        created_at=dt.datetime.now(dt.UTC).isoformat(),
        revision=revision,
        secret_key_check=_check(settings.secret_key),
        encryption_key_checks=[_check(k) for k in _encryption_keys(settings)],
    )
    _write_private(out / MANIFEST, json.dumps(asdict(manifest), indent=2).encode())
    return manifest


def _backup_sqlite(settings: Settings, out: Path) -> str | None:
    source_path = _sqlite_path(settings)
    if not source_path.exists():
        raise BackupError(f"No metadata store at {source_path}; nothing to back up.")
    target_path = out / SQLITE_FILE
    fd = os.open(target_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    target = sqlite3.connect(target_path)
    try:
        # One step, in one read transaction: SQLite restarts a step-wise copy whenever another
        # connection writes between steps, so a busy store was never copied. In WAL mode the
        # read blocks no writer; only checkpoints wait past it.
        source.backup(target, pages=-1)
        return _revision(target)
    finally:
        target.close()
        source.close()


def _libpq(settings: Settings) -> tuple[str, str | None]:
    """A libpq connection string for the store and the schema its search_path names (the store
    may live in one schema of a shared database)."""
    url = make_url(settings.database_url or "")
    options = str(url.query.get("options", ""))
    schema = None
    for part in options.split():
        if part.startswith("-csearch_path="):
            schema = part.split("=", 1)[1].split(",")[0]
    plain = url.set(drivername="postgresql", query={})
    return plain.render_as_string(hide_password=False), schema


def _run(command: list[str], what: str) -> None:
    tool = command[0]
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed; install postgresql-client to {what}.")
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["no message"])[0]
        raise BackupError(f"{tool} failed to {what}: {first}")


def _backup_pg(settings: Settings, out: Path) -> str | None:
    conninfo, schema = _libpq(settings)
    command = ["pg_dump", "--format=custom", "--no-owner", "--file", str(out / PG_FILE)]
    if schema:
        command += ["--schema", schema]
    _run([*command, "--dbname", conninfo], "back up the store")
    os.chmod(out / PG_FILE, 0o600)
    return None


def read_manifest(source: Path) -> Manifest:
    try:
        raw: dict[str, Any] = json.loads((source / MANIFEST).read_text("utf-8"))
        manifest = Manifest(**raw)
    except (OSError, ValueError, TypeError) as exc:
        raise BackupError(f"{source} is not a Nexatron backup (no readable {MANIFEST}).") from exc
    if manifest.format != FORMAT:
        raise BackupError(f"Backup format {manifest.format} is not supported (expected {FORMAT}).")
    return manifest


def check_keys(settings: Settings, manifest: Manifest) -> None:
    """Refuse a backup made under keys this installation does not hold."""
    if manifest.secret_key_check != _check(settings.secret_key):
        raise BackupError(
            "This backup was made by another installation (its secret key differs): its API keys "
            "and sessions would not verify. Restore it with that installation's "
            "NEXATRON_SECRET_KEY (and NEXATRON_ENCRYPTION_KEYS)."
        )
    held = {_check(k) for k in _encryption_keys(settings)}
    if not set(manifest.encryption_key_checks) <= held:
        raise BackupError(
            "This installation lacks encryption keys the backup's secrets were sealed with: "
            "add them to NEXATRON_ENCRYPTION_KEYS (older keys after the newest) and retry."
        )


def restore(settings: Settings, source: Path, *, replace: bool = False) -> Manifest:
    """Restore a backup into the configured store (the server must be stopped)."""
    manifest = read_manifest(source)
    check_keys(settings, manifest)
    kind = _store_kind(settings)
    if manifest.store != kind:
        raise BackupError(f"This is a {manifest.store} backup; the configured store is {kind}.")
    if kind == "sqlite":
        _restore_sqlite(settings, source, replace=replace)
    else:
        _restore_pg(settings, source)
    return manifest


def _restore_sqlite(settings: Settings, source: Path, *, replace: bool) -> None:
    target = _sqlite_path(settings)
    if target.exists() and not replace:
        raise BackupError(f"{target} exists; pass --replace to overwrite it (stop the server).")
    backup_file = source / SQLITE_FILE
    check = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    try:
        if check.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            raise BackupError(f"{backup_file} is damaged (integrity check failed).")
    finally:
        check.close()
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".restore-", suffix=".db")
    os.close(fd)
    os.chmod(temporary, 0o600)
    shutil.copyfile(backup_file, temporary)
    for stale in (Path(f"{target}-wal"), Path(f"{target}-shm")):
        stale.unlink(missing_ok=True)
    os.replace(temporary, target)  # atomic: the store is the old one or the whole new one


def _restore_pg(settings: Settings, source: Path) -> None:
    conninfo, _schema = _libpq(settings)
    dump = source / PG_FILE
    command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error"]
    _run([*command, "--dbname", conninfo, str(dump)], "restore the store")


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
