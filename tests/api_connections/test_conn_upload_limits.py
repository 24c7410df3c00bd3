"""POST /api/v1/files parses an upload in a child process with hard limits: a file that needs
more memory or time than allowed is a 422 that leaves nothing behind, the child is reaped, and
the server keeps answering (files/sandbox.py, files/worker.py)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest

from nexatron.testing import Harness, make_app_client, tenant_files

pytestmark = pytest.mark.anyio

STRICT = {"connection_allow_loopback": False, "file_roots": ()}
FILES = "/api/v1/files"
BOMB_MB = 400  # one string value this large, compressed to a few KB


def parquet_bomb(path: Path) -> bytes:
    """Written by another process, so this (the server's) process never holds the string."""
    script = (
        "import duckdb, sys; duckdb.connect().execute("
        f"\"COPY (SELECT repeat('x', {BOMB_MB * 1_000_000}) AS s) TO '{path}' "
        '(FORMAT parquet, COMPRESSION zstd)")'
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
    return path.read_bytes()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def converters(root: Path) -> set[str]:
    """Converters still running under `root` (orphans too) and this process's zombies."""
    found = set()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            cwd = os.readlink(proc / "cwd") if "files.worker" in cmdline else ""
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        zombie = state == "Z" and int(ppid) == os.getpid()
        if zombie or cwd.startswith(str(root)):
            found.add(f"{proc.name} {state} {cmdline}")
    return found


async def left_behind(h: Harness) -> tuple[Any, ...]:
    admin = h.tenant.admin
    listed = await h.as_(admin, "GET", FILES)
    conns = await h.as_(admin, "GET", "/api/v1/connections")
    assert listed.status_code == 200 and conns.status_code == 200, (listed.text, conns.text)
    area = tenant_files(h.services, admin.tenant_id)
    return listed.json()["data"], conns.json()["data"], sorted(area.iterdir())


async def test_a_file_beyond_the_memory_limit_is_a_422_and_the_server_is_unharmed(
    tmp_path: Path,
) -> None:
    content = parquet_bomb(tmp_path / "bomb.parquet")
    assert len(content) < 100_000
    async with make_app_client(tmp_path / "data", upload_memory_mb=384, **STRICT) as h:
        admin = h.tenant.admin
        before, processes = await left_behind(h), converters(tmp_path)
        peak = peak_rss_mb()
        results: dict[str, Any] = {}

        async def bomb() -> None:
            results["bomb"] = await h.as_(
                admin, "POST", FILES, files={"file": ("bomb.parquet", content)}
            )

        async def other() -> None:
            results["other"] = await h.as_(h.other.admin, "GET", "/api/v1/connections")

        async with anyio.create_task_group() as tg:
            tg.start_soon(bomb)
            tg.start_soon(other)
        r = results["bomb"]
        assert r.status_code == 422, r.text
        msg = r.json()["detail"][0]["msg"]
        assert "within the limits (memory/time)" in msg and "NEXATRON_UPLOAD_MEMORY_MB" in msg
        assert results["other"].status_code == 200  # another tenant was served meanwhile
        assert await left_behind(h) == before  # no row, no stored file, no connection
        assert peak_rss_mb() - peak < BOMB_MB / 2  # the string never lived in this process
        ok = await h.as_(admin, "POST", FILES, files={"file": ("ok.csv", b"a,b\n1,2\n")})
        assert ok.status_code == 201, ok.text
        assert converters(tmp_path) <= processes


async def test_a_conversion_beyond_the_timeout_is_killed_and_leaves_nothing(
    tmp_path: Path,
) -> None:
    async with make_app_client(tmp_path, upload_timeout_s=0.05, **STRICT) as h:
        admin = h.tenant.admin
        before, processes = await left_behind(h), converters(tmp_path)
        csv = b"region,amount\n" + b"west,3\nsouth,4\n" * 1000
        for name, content in (
            ("sales.csv", csv),
            ("sales.parquet", b"PAR1" + b"\0" * 64 + b"PAR1"),
        ):
            r = await h.as_(admin, "POST", FILES, files={"file": (name, content)})
            assert r.status_code == 422, r.text
            msg = r.json()["detail"][0]["msg"]
            assert "longer than 0.05 s" in msg and "NEXATRON_UPLOAD_TIMEOUT_S" in msg, msg
        assert converters(tmp_path) <= processes  # killed and reaped: no orphan, no zombie
        assert await left_behind(h) == before
        health = await h.as_(h.other.admin, "GET", "/api/v1/connections")
        assert health.status_code == 200
