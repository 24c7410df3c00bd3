"""CLI errors are one line on stderr with a non-zero exit: no traceback, no SQL, no hash.

Regression: `nexatron users create --tenant <unknown>` printed an IntegrityError traceback that
held the new user's argon2 hash.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nexatron.cli import main

PASSWORD = "long-enough-password"


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEXATRON_")}
    env.update(NEXATRON_DATA_DIR=str(data_dir), NEXATRON_DEMO="0", NEXATRON_LOG_LEVEL="warning")
    return env


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nexatron.cli", *args],
        env=env,
        text=True,
        capture_output=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = _env(tmp_path_factory.mktemp("cli") / "data")
    init = _cli(env, "init")
    assert init.returncode == 0, init.stderr
    return env


def _one_clear_line(done: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("nexatron: ")
    for bad in ("Traceback", "$argon2", "INSERT", "password_hash", "[parameters"):
        assert bad not in done.stderr + done.stdout
    for text in expected:
        assert text in lines[0], lines[0]


def _in_process(
    env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str,
) -> subprocess.CompletedProcess[str]:
    """What `_cli` returns, from `main` in this process (with the same NEXATRON_* variables):
    the message is made there; a subprocess adds only the interpreter start (~1 s each)."""
    for name in [n for n in os.environ if n.startswith("NEXATRON_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        if name.startswith("NEXATRON_"):
            monkeypatch.setenv(name, value)
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(["nexatron", *args], code, out, err)


# The regression and a `keys` error also run as real commands; every case runs in process.
UNKNOWN_TENANT = (
    ("users", "create", "--tenant", "ten_nope", "--email", "a@b.test", "--password", PASSWORD),
    ("No tenant", "ten_nope"),
)
UNKNOWN_KEY = (
    ("keys", "revoke", "--email", "admin@localhost", "--key-id", "key_nope"),
    ("not found",),
)


@pytest.mark.parametrize(("args", "expected"), [UNKNOWN_TENANT, UNKNOWN_KEY])
def test_errors_are_one_line_from_the_real_command(
    env: dict[str, str], args: tuple[str, ...], expected: tuple[str]
) -> None:
    _one_clear_line(_cli(env, *args), *expected)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        UNKNOWN_TENANT,
        (("users", "list", "--tenant", "nope"), ("No tenant",)),
        (("users", "create", "--email", "a@b.test"), ("--password",)),
        (("users", "create", "--email", "a@b.test", "--password", "short"), ("password",)),
        (("keys", "list", "--email", "nobody@x.test"), ("No user",)),
        (("keys", "revoke", "--email", "admin@localhost"), ("--key-id",)),
        UNKNOWN_KEY,
    ],
)
def test_errors_are_one_line(
    env: dict[str, str],
    args: tuple[str, ...],
    expected: tuple[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _one_clear_line(_in_process(env, monkeypatch, capsys, *args), *expected)


def test_a_duplicate_user_is_one_line_and_slugs_name_tenants(env: dict[str, str]) -> None:
    made = _cli(
        env, "users", "create", "--tenant", "default", "--email", "d@x.test", "--password", PASSWORD
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("usr_")
    _one_clear_line(
        _cli(env, "users", "create", "--email", "d@x.test", "--password", PASSWORD),
        "already exists",
    )
    listed = _cli(env, "users", "list", "--tenant", "default")
    assert listed.returncode == 0 and "d@x.test" in listed.stdout


def test_a_broken_store_is_one_line(tmp_path: Path) -> None:
    env = _env(tmp_path / "data")
    env["NEXATRON_DATABASE_URL"] = "postgresql://nobody:pw-in-url@127.0.0.1:1/none"
    done = _cli(env, "users", "list")
    _one_clear_line(done, "metadata store error")
    assert "pw-in-url" not in done.stderr
