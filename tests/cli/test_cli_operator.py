"""`nexatron operator-key`, `tenants` and `audit verify` in-process on a fresh SQLite store."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from nexatron.cli import main


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("NEXATRON_DATABASE_URL", "NEXATRON_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NEXATRON_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NEXATRON_DEV", "1")
    monkeypatch.setenv("NEXATRON_DEMO", "0")
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    return tmp_path / "data"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_operator_key_and_tenant_lifecycle(data_dir: Path, capsys, tmp_path: Path) -> None:
    capsys.readouterr()
    code, out = run(capsys, "operator-key", "create", "--name", "ops")
    assert code == 0
    [key] = re.findall(r"nxo_\w+", out)
    db = sqlite3.connect(data_dir / "nexatron.db")
    assert key not in json.dumps(db.execute("SELECT * FROM operator_keys").fetchall())

    code, out = run(
        capsys,
        "tenants",
        "create",
        "--name",
        "Acme",
        "--slug",
        "acme",
        "--plan",
        "free",
        "--admin-email",
        "it@acme.test",
    )
    assert code == 0 and re.search(r"admin API key: nxa_\w+", out)
    code, out = run(capsys, "tenants", "list")
    assert code == 0 and re.search(r"\tacme\tfree\tactive", out) and "\tdefault\t" in out
    assert run(capsys, "tenants", "suspend", "acme")[1].strip().endswith("suspended")
    assert run(capsys, "tenants", "suspend", "acme")[0] != 0  # already suspended: one line
    assert run(capsys, "tenants", "resume", "acme")[1].strip().endswith("active")
    code, out = run(capsys, "tenants", "delete")
    assert code == 2 and "needs the tenant (id or slug)" in out

    code, out = run(capsys, "tenants", "delete", "acme", "--export-to", "acme.json")
    assert code == 0, out
    export = json.loads((tmp_path / "acme.json").read_text())
    assert export["tenant"]["slug"] == "acme" and export["users"][0]["email"] == "it@acme.test"
    assert (tmp_path / "acme.json").stat().st_mode & 0o777 == 0o600
    assert "acme" not in run(capsys, "tenants", "list")[1]
    actions = [r[0] for r in db.execute("SELECT action FROM audit_events WHERE chain='operator'")]
    assert actions == ["operator_key.create", "tenant.delete"]


def test_audit_verify_names_the_edited_event(data_dir: Path, capsys) -> None:
    for name in ("a", "b", "c"):
        assert (
            run(
                capsys,
                "tenants",
                "create",
                "--name",
                name,
                "--slug",
                f"t-{name}",
                "--admin-email",
                f"x@{name}.test",
            )[0]
            == 0
        )
        assert run(capsys, "tenants", "suspend", f"t-{name}")[0] == 0
    code, out = run(capsys, "audit", "verify")
    assert code == 0 and out.count("\tok") == 3

    db = sqlite3.connect(data_dir / "nexatron.db")
    tenant_b = db.execute("SELECT id FROM tenants WHERE slug = 't-b'").fetchone()[0]
    [(event_id, seq)] = db.execute(
        "SELECT id, seq FROM audit_events WHERE chain = ? AND action = 'tenant.suspend'",
        (tenant_b,),
    ).fetchall()
    with db:
        db.execute("DROP TRIGGER audit_events_append_only")
        db.execute("UPDATE audit_events SET actor_id = 'someone-else' WHERE id = ?", (event_id,))
    code, out = run(capsys, "audit", "verify")
    assert code == 1
    assert f"first broken link: chain {tenant_b}: event {event_id} (seq {seq})" in out
    assert "edited" in out
    code, out = run(capsys, "audit", "verify", "--tenant", "t-a")
    assert code == 0 and out.count("\tok") == 1
