"""Uploaded files: stored under `<data dir>/files/<tenant_id>/`, validated as data, listed and
deleted per tenant. CSV and Parquet become a DuckDB file with one table; every file is then
opened only read-only through the connection policy (warehouse/policy.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Row, select

from nexatron import audit
from nexatron.connections import service as connections
from nexatron.errors import Conflict, NotFound, ValidationFailed
from nexatron.files import sandbox, worker
from nexatron.files.sniff import EXTENSIONS, sniff
from nexatron.ids import new_id
from nexatron.services import Services
from nexatron.store.tables import files
from nexatron.warehouse.engines.duckdb import SAFE_CONFIG

CHUNK = 1 << 20


def _invalid(msg: str, loc: str = "file") -> ValidationFailed:
    return ValidationFailed([{"loc": ["body", loc], "msg": msg, "type": "value_error"}])


def tenant_dir(services: Services, tenant_id: str) -> Path:
    """The tenant's own area (0700), created on first use."""
    path = connections.connection_policy(services).tenant_dir(tenant_id)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def stored_path(services: Services, row: Row[Any]) -> Path:
    area = connections.connection_policy(services).tenant_dir(row.tenant_id)
    return area / str(row.stored_name)


def public(services: Services, row: Row[Any]) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "kind": row.kind,
        "size_bytes": row.size_bytes,
        "sha256": row.sha256,
        "path": str(stored_path(services, row)),
        "created_at": row.created_at,
    }


def _receive(source: IO[bytes], target: Path, cap: int) -> tuple[int, str, bytes, bytes]:
    """Copy at most `cap` bytes; (size, sha256, first 4 KiB, last 8 bytes)."""
    digest, size, head, tail = hashlib.sha256(), 0, b"", b""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        while chunk := source.read(CHUNK):
            size += len(chunk)
            if size > cap:
                raise ValidationFailed(
                    [
                        {
                            "loc": ["body", "file"],
                            "msg": f"The file is larger than {cap} bytes "
                            "(NEXATRON_MAX_UPLOAD_BYTES).",
                            "type": "too_large",
                        }
                    ]
                )
            if len(head) < 4096:
                head += chunk[: 4096 - len(head)]
            tail = (tail + chunk)[-8:]
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest(), head, tail


def _table_name(name: str) -> str:
    stem = re.sub(r"\W+", "_", Path(name).stem.lower()).strip("_") or "data"
    return stem if not stem[0].isdigit() else f"t_{stem}"


def _limits(services: Services) -> sandbox.Limits:
    settings = services.settings
    return sandbox.Limits(settings.upload_memory_mb, settings.upload_timeout_s)


def _parse_isolated(services: Services, job: dict[str, Any], work: Path) -> None:
    """Convert or check the upload in a child process with hard limits (files/sandbox.py);
    an ordinary bad file and a file beyond the limits are both a 422."""
    try:
        outcome = sandbox.run({**job, "config": SAFE_CONFIG}, _limits(services), work)
    except sandbox.OutOfLimits as exc:
        settings = services.settings
        raise _invalid(
            "The file could not be converted within the limits (memory/time): "
            f"{exc.why}. Upload a smaller or simpler file, or ask the operator to raise "
            f"NEXATRON_UPLOAD_MEMORY_MB ({settings.upload_memory_mb}) or "
            f"NEXATRON_UPLOAD_TIMEOUT_S ({settings.upload_timeout_s:g})."
        ) from None
    if outcome["outcome"] == worker.OK:
        return
    kind = job["kind"]
    if outcome.get("step") == "convert":
        raise _invalid(f"The {kind.upper()} file could not be read as a table.")
    checked = "duckdb" if job["op"] == "convert" else kind
    raise _invalid(f"The file is not a readable {checked} database.")


def upload(
    services: Services,
    tenant_id: str,
    user_id: str,
    *,
    filename: str,
    source: IO[bytes],
    create_connection: bool,
    connection_name: str | None,
) -> dict[str, Any]:
    name = Path(filename or "").name[:255]
    declared = EXTENSIONS.get(Path(name).suffix.lower())
    if not name or declared is None:
        known = ", ".join(sorted(EXTENSIONS))
        raise _invalid(f"Upload a DuckDB, SQLite, CSV or Parquet file (a name ending {known}).")
    area = tenant_dir(services, tenant_id)
    file_id = new_id("file")
    cap = services.settings.max_upload_bytes
    with tempfile.TemporaryDirectory(dir=area, prefix=".upload-") as work_dir:
        work = Path(work_dir)
        raw = work / "raw"
        size, sha256, head, tail = _receive(source, raw, cap)
        kind = sniff(head, tail)
        if kind != declared:
            raise _invalid(f"The bytes are not a {declared} file (checked by its signature).")
        stored = f"{file_id}.{'sqlite' if kind == 'sqlite' else 'duckdb'}"
        final = area / stored
        if kind in ("csv", "parquet"):
            converted = work / "converted.duckdb"
            job = {"op": "convert", "raw": str(raw), "target": str(converted), "kind": kind}
            _parse_isolated(services, {**job, "table": _table_name(name)}, work)
            os.replace(converted, final)  # only a file the child reported as good
        else:
            _parse_isolated(services, {"op": "check", "path": str(raw), "kind": kind}, work)
            os.replace(raw, final)
    stamp = dt.datetime.now(dt.UTC)
    with services.db.begin() as conn:
        conn.execute(
            files.insert().values(
                id=file_id,
                tenant_id=tenant_id,
                name=name,
                kind=kind,
                size_bytes=size,
                sha256=sha256,
                stored_name=stored,
                created_by=user_id,
                created_at=stamp,
            )
        )
        audit.record(
            conn,
            tenant_id=tenant_id,
            action="file.upload",
            target=audit.Target("file", file_id, name),
        )
        row = _get(conn, tenant_id, file_id)
    out = public(services, row)
    out["connection_id"] = None
    if create_connection:
        created = connections.create(
            services,
            tenant_id,
            user_id,
            name=connection_name or f"{name} ({file_id[-6:]})",
            type_name="sqlite" if kind == "sqlite" else "duckdb",
            config={"path": str(final)},
            is_default=None,
        )
        out["connection_id"] = created["id"]
    return out


def _get(conn: Any, tenant_id: str, file_id: str) -> Any:
    row = conn.execute(
        select(files).where(files.c.tenant_id == tenant_id, files.c.id == file_id)
    ).first()
    if row is None:
        raise NotFound("File not found.")
    return row


def list_files(services: Services, tenant_id: str) -> list[dict[str, Any]]:
    with services.db.connect() as conn:
        rows = conn.execute(
            select(files).where(files.c.tenant_id == tenant_id).order_by(files.c.created_at)
        ).all()
    return [public(services, r) for r in rows]


def delete(services: Services, tenant_id: str, file_id: str) -> None:
    """Refused (409) while a connection of the tenant still opens the file."""
    with services.db.begin() as conn:
        row = _get(conn, tenant_id, file_id)
        path = str(stored_path(services, row))
        users = [
            c.id
            for c in connections.list_rows(conn, tenant_id)
            if c.type in connections.FILE_ENGINES and c.config.get("path") == path
        ]
        if users:
            raise Conflict(f"Connections {', '.join(users)} use this file; delete them first.")
        conn.execute(files.delete().where(files.c.tenant_id == tenant_id, files.c.id == file_id))
        audit.record(
            conn,
            tenant_id=tenant_id,
            action="file.delete",
            target=audit.Target("file", file_id, row.name),
        )
    Path(path).unlink(missing_ok=True)
