"""The audit writer, hash chain, verification and retention against the real metadata store."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from nexatron import audit
from nexatron.audit.chain import GENESIS
from nexatron.audit.retention import prune
from nexatron.audit.verify import verify
from nexatron.services import Services, build_services
from nexatron.store.tables import audit_events
from nexatron.testing import make_settings

ACTOR = audit.Actor("user", "usr_test", "someone@example.test")


@pytest.fixture
def services(tmp_path: Path) -> Services:
    settings, cleanup = make_settings(tmp_path)
    built = build_services(settings)
    yield built  # type: ignore[misc]
    built.close()
    if cleanup:
        cleanup()


def write(services: Services, tenant: str, n: int, action: str = "connection.update") -> None:
    for i in range(n):
        with services.db.begin() as conn:
            audit.record(
                conn,
                tenant_id=tenant,
                actor=ACTOR,
                action=action,
                target=audit.Target("connection", f"conn_{i}", "warehouse"),
                changed_fields=["name", "config.password"],
            )


def rows(services: Services, chain: str) -> list[dict[str, object]]:
    with services.db.connect() as conn:
        query = select(audit_events).where(audit_events.c.chain == chain)
        return [dict(r) for r in conn.execute(query.order_by(audit_events.c.seq)).mappings()]


def test_events_chain_per_tenant_and_verify(services: Services) -> None:
    write(services, "ten_a", 3)
    write(services, "ten_b", 2)
    a = rows(services, "ten_a")
    assert [r["seq"] for r in a] == [1, 2, 3]
    assert a[0]["prev_hash"] == GENESIS
    assert [r["prev_hash"] for r in a[1:]] == [r["hash"] for r in a[:-1]]
    assert a[0]["changed_fields"] == ["config.password", "name"]
    with services.db.connect() as conn:
        reports = {r.chain: r for r in verify(conn)}
    assert {c: (r.events, r.broken) for c, r in reports.items()} == {
        "ten_a": (3, None),
        "ten_b": (2, None),
    }


def test_event_rolls_back_with_its_transaction(services: Services) -> None:
    with pytest.raises(RuntimeError), services.db.begin() as conn:
        audit.record(conn, tenant_id="ten_r", actor=ACTOR, action="user.create")
        raise RuntimeError("the change failed")
    assert rows(services, "ten_r") == []
    write(services, "ten_r", 1)
    assert [r["seq"] for r in rows(services, "ten_r")] == [1]


def test_unknown_keys_are_named_as_unknown(services: Services) -> None:
    names = audit.field_names("config", ["host", "Hunter2!", "extra"], {"host"})
    assert names == ["config.host", "config.?", "config.?"]
    with services.db.begin() as conn:  # `config.?` is a field name the writer accepts
        audit.record(conn, tenant_id="ten_k", action="connection.create", changed_fields=names)
    assert rows(services, "ten_k")[0]["changed_fields"] == ["config.?", "config.host"]


def test_values_cannot_pass_as_field_names(services: Services) -> None:
    with pytest.raises(ValueError, match="not a field name"), services.db.begin() as conn:
        audit.record(
            conn, tenant_id="ten_v", action="connection.update", changed_fields=["hunter2 pass!"]
        )
    with pytest.raises(ValueError, match=r"resource\.verb"), services.db.begin() as conn:
        audit.record(conn, tenant_id="ten_v", action="Update")


def _edit(services: Services, statement: str, **params: object) -> None:
    """Tamper as someone with database access would: around the append-only trigger."""
    with services.db.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER IF EXISTS audit_events_append_only"))
        else:
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
        conn.execute(text(statement), params)


def test_updates_are_refused(services: Services) -> None:
    write(services, "ten_u", 1)
    with pytest.raises(Exception, match="append-only"), services.db.begin() as conn:
        conn.execute(update(audit_events).values(reason="nothing happened"))


def test_verify_names_an_edited_event(services: Services) -> None:
    write(services, "ten_e", 4)
    victim = rows(services, "ten_e")[2]
    edit = "UPDATE audit_events SET actor_id = 'usr_other' WHERE id = :id"
    _edit(services, edit, id=victim["id"])
    with services.db.connect() as conn:
        [report] = verify(conn, "ten_e")
    assert report.broken is not None
    assert (report.broken.event_id, report.broken.seq) == (victim["id"], 3)
    assert "edited" in report.broken.describe()


def test_verify_names_a_deleted_event_and_a_cut_tail(services: Services) -> None:
    write(services, "ten_d", 5)
    events = rows(services, "ten_d")
    _edit(services, "DELETE FROM audit_events WHERE id = :id", id=events[1]["id"])
    with services.db.connect() as conn:
        [report] = verify(conn, "ten_d")
    assert report.broken is not None and report.broken.seq == 2
    assert "missing" in report.broken.problem
    write(services, "ten_t", 3)
    last = rows(services, "ten_t")[-1]
    _edit(services, "DELETE FROM audit_events WHERE id = :id", id=last["id"])
    with services.db.connect() as conn:
        [report] = verify(conn, "ten_t")
    assert report.broken is not None and "removed from the end" in report.broken.problem


def test_retention_keeps_the_chain_verifiable(services: Services) -> None:
    write(services, "ten_p", 4)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=31)
    write(services, "ten_keep", 1)
    removed = prune(services.db, 30, now=later)
    assert removed["ten_p"] == 4
    remaining = rows(services, "ten_p")
    assert [(r["seq"], r["action"]) for r in remaining] == [(5, "audit.prune")]
    with services.db.connect() as conn:
        assert all(r.broken is None for r in verify(conn))
    write(services, "ten_p", 2)
    with services.db.connect() as conn:
        [report] = verify(conn, "ten_p")
    assert (report.events, report.broken) == (3, None)


def test_concurrent_writers_do_not_fork_the_chain(services: Services) -> None:
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            write(services, "ten_c", 10)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [r["seq"] for r in rows(services, "ten_c")] == list(range(1, 41))
    with services.db.connect() as conn:
        [report] = verify(conn, "ten_c")
    assert (report.events, report.broken) == (40, None)


def test_widening_request_id_keeps_stored_events_and_their_chain(services: Services) -> None:
    """Migration 0013 widens `request_id` to 128: events written before it keep their ids and
    hashes (the chain verifies), a 128-character id fits after it, and updates stay refused."""
    from alembic import command

    from nexatron.store import db

    engine = services.db
    with engine.begin() as conn:
        cfg = db.alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0012")
    with engine.begin() as conn:
        audit.record(
            conn, tenant_id="ten_w", actor=ACTOR, action="user.create", request_id="a" * 64
        )
    before = rows(services, "ten_w")
    db.migrate(engine)
    assert db.current_revision(engine) == db.head_revision()
    assert rows(services, "ten_w") == before
    with engine.begin() as conn:
        audit.record(
            conn, tenant_id="ten_w", actor=ACTOR, action="user.update", request_id="b" * 128
        )
    assert [r["request_id"] for r in rows(services, "ten_w")] == ["a" * 64, "b" * 128]
    with engine.connect() as conn:
        [report] = verify(conn, "ten_w")
    assert (report.events, report.broken) == (2, None)
    with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
        conn.execute(update(audit_events).values(reason="nothing happened"))
