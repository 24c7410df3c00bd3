"""The data directory is 0700 and everything in it 0600 (the store, its -wal/-shm, the secret).

Regression: nexatron.db (users, password hashes) was created 0644 in a 0755 directory.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from nexatron.services import build_services
from nexatron.settings import settings_from_env


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def _everything(data_dir: Path) -> dict[str, int]:
    found = {".": _mode(data_dir)}
    for path in data_dir.rglob("*"):
        found[str(path.relative_to(data_dir))] = _mode(path)
    return found


def test_the_store_is_private_even_under_a_permissive_umask(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    old = os.umask(0o022)  # the usual default; the files must not inherit it
    try:
        settings = settings_from_env({}, data_dir=data_dir, dev=True, demo=False)
        services = build_services(settings)
        with services.db.begin() as conn:  # a write, so -wal and -shm exist
            conn.execute(text("UPDATE metadata_version SET version = version + 1"))
            modes = _everything(data_dir)
        services.close()
    finally:
        os.umask(old)
    assert {"nexatron.db", "nexatron.db-wal", "nexatron.db-shm", "secret.key"} <= set(modes)
    assert modes.pop(".") == 0o700
    assert modes == dict.fromkeys(modes, 0o600), modes


def test_an_existing_permissive_dir_is_narrowed_at_start(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    (data_dir / "files").mkdir(parents=True, mode=0o755)
    os.chmod(data_dir, 0o755)
    (data_dir / "files" / "old.duckdb").write_bytes(b"x")
    os.chmod(data_dir / "files" / "old.duckdb", 0o644)
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("not ours to change")
    os.chmod(outside, 0o644)
    (data_dir / "files" / "link").symlink_to(outside)
    services = build_services(settings_from_env({}, data_dir=data_dir, dev=True, demo=False))
    services.close()
    assert _mode(data_dir) == _mode(data_dir / "files") == 0o700
    assert _mode(data_dir / "files" / "old.duckdb") == 0o600
    assert _mode(outside) == 0o644  # a link is never followed


def test_nexatron_init_creates_private_files(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEXATRON_")}
    env.update(NEXATRON_DATA_DIR=str(data_dir), NEXATRON_DEMO="0")
    done = subprocess.run(
        [sys.executable, "-m", "nexatron.cli", "init"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    modes = _everything(data_dir)
    assert modes.pop(".") == 0o700 and "nexatron.db" in modes
    assert modes == dict.fromkeys(modes, 0o600), modes
