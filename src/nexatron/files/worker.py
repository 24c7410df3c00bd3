"""The child process that parses an upload (`python -m nexatron.files.worker`): it reads one job
as JSON on stdin, sets its own hard limits (address space, CPU time) before importing DuckDB,
converts a CSV/Parquet file to DuckDB or opens a database read-only once, and prints one JSON
outcome line. It imports nothing of the server, so a hostile file can only exhaust this child.
The limits are Linux's (`setrlimit`): macOS ignores RLIMIT_AS, and without the `resource`
module only the parent's wall-clock timeout applies."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

LIMITS = "limits"  # outcome: the child ran out of memory or time
INVALID = "invalid"  # outcome: the file is not what it claims to be
OK = "ok"


def _set_limits(memory_mb: int, cpu_s: int) -> None:
    try:
        import resource
    except ImportError:  # not a POSIX system: only the parent's wall-clock timeout applies
        return
    memory = memory_mb << 20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))  # SIGXCPU, then SIGKILL
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _duckdb_config(job: dict[str, Any]) -> dict[str, Any]:
    config = dict(job["config"])
    config["threads"] = job["threads"]
    # DuckDB fails cleanly at its own limit, below the address-space limit that kills.
    config["memory_limit"] = f"{max(job['memory_mb'] // 2, 16)}MB"
    return config


def _convert(job: dict[str, Any]) -> None:
    import duckdb

    raw, kind, target, table = job["raw"], job["kind"], job["target"], job["table"]
    reader = "read_csv" if kind == "csv" else "read_parquet"
    config = _duckdb_config(job)
    config.pop("enable_external_access", None)  # reads the one allowed file, then turned off
    config.pop("lock_configuration", None)
    con = duckdb.connect(target, config=config)
    try:
        # This connection may read the one uploaded file and nothing else.
        con.execute("SET allowed_paths = ?", [[raw]])
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM {reader}(?)', [raw])
    finally:
        con.close()
    os.chmod(target, 0o600)


def _check(job: dict[str, Any]) -> None:
    path, kind = job["path"], job["kind"]
    if kind == "sqlite":
        import sqlite3
        from pathlib import Path

        con = sqlite3.connect(f"{Path(path).as_uri()}?mode=ro", uri=True)
        try:
            con.execute("PRAGMA trusted_schema = OFF")  # as the engine opens it
            con.execute("PRAGMA query_only = 1")
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            con.close()
    else:
        import duckdb

        duck = duckdb.connect(path, read_only=True, config=_duckdb_config(job))
        try:
            duck.execute("SELECT count(*) FROM duckdb_tables()").fetchone()
        finally:
            duck.close()


def _out_of_limits(exc: BaseException) -> bool:
    if isinstance(exc, MemoryError | ImportError):  # ImportError: no room to map DuckDB
        return True
    text = str(exc).lower()
    named = type(exc).__name__ == "OutOfMemoryException"
    return named or any(word in text for word in ("out of memory", "bad_alloc", "allocate"))


def run(job: dict[str, Any]) -> dict[str, str]:
    """One job: convert (then check the result) or check; the outcome and a short reason."""
    step = "convert"
    try:
        if job["op"] == "convert":
            _convert(job)
            step = "check"
            _check({**job, "path": job["target"], "kind": "duckdb"})
        else:
            step = "check"
            _check(job)
    except BaseException as exc:  # every failure, MemoryError included, goes to the parent
        reason = f"{type(exc).__name__}: {str(exc)[:300]}"  # for the server's log only
        if _out_of_limits(exc):
            return {"outcome": LIMITS, "reason": reason}
        return {"outcome": INVALID, "step": step, "reason": reason}
    return {"outcome": OK}


def main() -> None:
    job = json.loads(sys.stdin.read())
    _set_limits(int(job["memory_mb"]), int(job["cpu_s"]))
    print(json.dumps(run(job)), flush=True)


if __name__ == "__main__":
    main()
