"""The outbox exporter against fake billing endpoints (real HTTP servers on 127.0.0.1) that fail,
time out and duplicate: every ledger event arrives at least once, survives a restart, and the
answer path never waits for it."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from nexatron.identity.users import create_tenant, create_user
from nexatron.services import Services, build_services
from nexatron.store.tables import audit_events, tenants, usage_events, usage_outbox
from nexatron.testing import make_settings
from nexatron.usage import exporter as exporter_module
from nexatron.usage.exporter import Exporter
from nexatron.usage.facts import UsageFact
from nexatron.usage.writer import UsageWriter

from .fake_billing import FakeEndpoint, fake_endpoint

QUESTIONS = 12


@pytest.fixture
def endpoints() -> Iterator[tuple[FakeEndpoint, FakeEndpoint]]:
    with fake_endpoint("/api/v1/events") as om, fake_endpoint("/v1/billing/meter_events") as st:
        yield om, st


@pytest.fixture
def services(tmp_path: Path, endpoints: tuple[FakeEndpoint, FakeEndpoint]) -> Iterator[Services]:
    om, st = endpoints
    settings, cleanup = make_settings(
        tmp_path,
        openmeter_url=om.url,
        openmeter_token="om-test-token",
        stripe_api_key="sk_test_fake",
        stripe_api_base=st.url.removesuffix("/v1/billing/meter_events"),
        # Generous: on a loaded machine a fake's reply can take longer than a short timeout,
        # and a spurious timeout changes what was delivered. The timeout tests set their own.
        usage_export_timeout_s=5.0,
    )
    built = build_services(settings)
    try:
        yield built
    finally:
        built.close()
        if cleanup:
            cleanup()


def load(services: Services, count: int) -> str:
    """A tenant whose `count` answered questions are in the ledger and the outbox."""
    writer = UsageWriter(services.settings)
    with services.db.begin() as conn:
        tenant = create_tenant(conn, "Billed " + secrets.token_hex(3))
        conn.execute(
            update(tenants)
            .where(tenants.c.id == tenant)
            .values(settings={"stripe_customer_id": "cus_test123"})
        )
        user = create_user(
            conn, tenant_id=tenant, email="b@billed.test", password=None, role="admin"
        )
    now = dt.datetime.now(dt.UTC)
    for i in range(count):
        fact = UsageFact(
            query_id=f"qry_{secrets.token_hex(6)}", tenant_id=tenant, user_id=user,
            api_key_id=None, connection_id="conn_x", connection_type="duckdb",
            planner="llm" if i % 3 == 0 else "deterministic", status="answered",
            question=f"question {i}", occurred_at=now, latency_ms=5.0, rows=i + 1,
            tokens_in=100 if i % 3 == 0 else 0, tokens_out=20 if i % 3 == 0 else 0,
            model="gpt-test" if i % 3 == 0 else None,
        )  # fmt: skip
        with services.db.begin() as conn:
            writer.write(conn, fact)
            writer.write(conn, fact)  # written twice (a replayed batch): no new event
    return tenant


def ledger_ids(services: Services) -> set[str]:
    with services.db.connect() as conn:
        return set(conn.execute(select(usage_events.c.id)).scalars())


def drain(exporter: Exporter, services: Services, budget_s: float = 30.0) -> None:
    deadline = time.monotonic() + budget_s
    while time.monotonic() < deadline:
        exporter.run_once()
        with services.db.connect() as conn:
            left = conn.execute(
                select(func.count()).where(usage_outbox.c.delivered_at.is_(None))
            ).scalar_one()
        if not left:
            return
        time.sleep(0.05)
    pytest.fail(f"{left} outbox rows still undelivered")


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exporter_module, "BACKOFF_BASE_S", 0.02)
    monkeypatch.setattr(exporter_module, "BACKOFF_MAX_S", 0.2)
    monkeypatch.setattr(exporter_module, "LEASE_S", 0.5)


def test_every_event_arrives_at_least_once_through_failures_timeouts_and_duplicates(
    services: Services, endpoints: tuple[FakeEndpoint, FakeEndpoint], quick_retries: None
) -> None:
    om, st = endpoints
    om.behaviour.fail_first, om.behaviour.slow_first, om.behaviour.duplicate_first = 3, 2, 4
    om.behaviour.slow_s = 3.0  # the slow replies time out; the others come well within 1 s
    settings = services.settings.model_copy(update={"usage_export_timeout_s": 1.0})
    st.behaviour.fail_first, st.behaviour.duplicate_first = 2, 3
    tenant = load(services, QUESTIONS)
    ids = ledger_ids(services)
    # questions + rows for each, tokens in/out for every third, one seat, one connections gauge
    assert len(ids) == QUESTIONS * 2 + (QUESTIONS // 3) * 2 + 2
    with services.db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(usage_outbox)).scalar_one() == 2 * len(
            ids
        )

    # First process: OpenMeter goes down half way; the process stops (a restart).
    first = Exporter(services.db, settings)
    first.run_once()
    om.behaviour.down = True
    first.run_once()
    first.close()
    # Second process, OpenMeter back: everything left is delivered.
    om.behaviour.down = False
    second = Exporter(services.db, settings)
    drain(second, services)
    second.close()

    assert set(om.stored) == ids  # every event, at least once
    assert set(st.stored) == ids
    # Extra deliveries are exactly the events of the requests the fakes stored then failed:
    # OpenMeter's batches holding one of the first 4 events, Stripe's first 3 events.
    assert om.stored_then_failed >= 4 and st.stored_then_failed == 3
    assert sum(om.stored.values()) == len(ids) + om.stored_then_failed
    assert sum(st.stored.values()) == len(ids) + 3
    assert om.batches >= 1 and om.requests < len(ids)  # CloudEvents batches, not one per event
    assert max(om.stored.values()) == 2

    event = next(b for b in om.bodies if b["type"] == "nexatron.llm_tokens_in")
    assert event["specversion"] == "1.0" and event["subject"] == tenant
    assert event["source"] == "nexatron" and event["data"]["value"] == 100
    assert event["data"]["model"] == "gpt-test" and event["data"]["planner"] == "llm"
    assert om.headers[0]["Authorization"] == "Bearer om-test-token"
    assert {h["Content-Type"] for h in om.headers} <= {
        "application/cloudevents-batch+json",
        "application/cloudevents+json",
    }
    form = next(b for b in st.bodies if b["event_name"] == "nexatron_rows_returned")
    assert form["payload[stripe_customer_id]"] == "cus_test123"
    assert int(form["payload[value]"]) >= 1 and form["identifier"] in ids
    sent = next(h for h, b in zip(st.headers, st.bodies, strict=True) if b is form)
    assert sent["Idempotency-Key"] == form["identifier"]
    assert sent["Authorization"] == "Bearer sk_test_fake"
    assert sent["Content-Type"] == "application/x-www-form-urlencoded"

    with services.db.connect() as conn:
        rows = list(conn.execute(select(usage_outbox)))
    assert all(r.delivered_at is not None for r in rows)
    assert max(r.attempts for r in rows) >= 2


def test_backoff_doubles_and_is_capped() -> None:
    delays = [exporter_module.backoff_s(n) for n in range(1, 15)]
    assert 0.8 <= delays[0] <= 1.2 and 1.6 <= delays[1] <= 2.4
    assert max(delays) <= exporter_module.BACKOFF_MAX_S * 1.2


def test_a_claimed_row_is_not_sent_by_another_process_meanwhile(
    services: Services, endpoints: tuple[FakeEndpoint, FakeEndpoint]
) -> None:
    load(services, 1)
    one, two = Exporter(services.db, services.settings), Exporter(services.db, services.settings)
    claimed = one._claim()
    assert claimed and two._claim() == []  # leased by the first
    one.close()
    two.close()


def outbox_rows(services: Services) -> list[Any]:
    with services.db.connect() as conn:
        return list(conn.execute(select(usage_outbox).order_by(usage_outbox.c.id)))


def make_due(services: Services) -> None:
    """Every waiting row due now (instead of sleeping through its backoff)."""
    with services.db.begin() as conn:
        conn.execute(update(usage_outbox).values(next_attempt_at=dt.datetime.now(dt.UTC)))


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_a_permanent_refusal_is_a_dead_letter_after_one_try(
    services: Services, endpoints: tuple[FakeEndpoint, FakeEndpoint], status: int
) -> None:
    om, _st = endpoints
    om.behaviour.refuse = status
    load(services, 1)
    exporter = Exporter(services.db, services.settings)
    first = exporter.run_once()
    rows = outbox_rows(services)
    om_rows = [r for r in rows if r.sink == "openmeter"]
    assert first.dead == len(om_rows) and first.delivered == len(rows) - len(om_rows)
    assert all(r.dead_at is not None and r.attempts == 1 for r in om_rows)
    assert all(r.last_error.startswith(f"HTTP {status}") for r in om_rows)
    requests = om.requests
    make_due(services)
    assert exporter.run_once().dead == 0  # not sent again
    assert om.requests == requests and not om.stored
    exporter.close()


@pytest.mark.parametrize("status", [408, 429, 500, 503])
def test_a_passing_failure_is_retried_until_the_attempts_run_out(
    services: Services, endpoints: tuple[FakeEndpoint, FakeEndpoint], status: int
) -> None:
    om, st = endpoints
    om.behaviour.refuse = status
    settings = services.settings.model_copy(update={"usage_export_max_attempts": 3})
    load(services, 1)
    exporter = Exporter(services.db, settings)
    results = []
    for _ in range(4):
        results.append(exporter.run_once())
        make_due(services)
    exporter.close()
    om_rows = [r for r in outbox_rows(services) if r.sink == "openmeter"]
    assert [r.dead for r in results] == [0, 0, len(om_rows), 0]
    assert [r.failed for r in results] == [len(om_rows), len(om_rows), 0, 0]
    assert all(r.dead_at is not None and r.attempts == 3 for r in om_rows)
    assert om.requests == 3 and set(st.stored) == ledger_ids(services)  # one batch a pass


def test_dead_letters_are_listed_and_redriven_by_the_operator_cli(
    services: Services,
    endpoints: tuple[FakeEndpoint, FakeEndpoint],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from nexatron.cli import main

    om, st = endpoints
    om.behaviour.refuse = st.behaviour.refuse = 400
    load(services, 2)
    exporter = Exporter(services.db, services.settings)
    exporter.run_once()
    ids = ledger_ids(services)
    monkeypatch.setenv("NEXATRON_DATA_DIR", str(services.settings.data_dir))
    monkeypatch.setenv("NEXATRON_SECRET_KEY", services.settings.secret_key)
    if services.settings.database_url:
        monkeypatch.setenv("NEXATRON_DATABASE_URL", services.settings.database_url)
    else:
        monkeypatch.delenv("NEXATRON_DATABASE_URL", raising=False)
    capsys.readouterr()
    assert main(["usage-outbox", "list", "--limit", "1000"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["dead"] == 2 * len(ids) and listed["pending"] == 0
    assert {d["event_id"] for d in listed["dead_letters"]} == ids
    assert all(d["last_error"].startswith("HTTP 400") for d in listed["dead_letters"])
    assert {d["tenant_id"] for d in listed["dead_letters"]} == {
        r.payload.get("tenant_id") or r.payload.get("subject") for r in outbox_rows(services)
    }

    # The receivers are fixed; Stripe's letters are re-driven first, then one OpenMeter row.
    om.behaviour.refuse = st.behaviour.refuse = None
    assert main(["usage-outbox", "redrive", "--sink", "stripe"]) == 0
    assert json.loads(capsys.readouterr().out) == {"redriven": len(ids)}
    one = next(d["id"] for d in listed["dead_letters"] if d["sink"] == "openmeter")
    assert main(["usage-outbox", "redrive", "--id", str(one)]) == 0
    assert json.loads(capsys.readouterr().out) == {"redriven": 1}
    exporter.run_once()
    assert set(st.stored) == ids and len(om.stored) == 1
    assert main(["usage-outbox", "redrive"]) == 0  # the rest
    assert json.loads(capsys.readouterr().out) == {"redriven": len(ids) - 1}
    drain(exporter, services)
    exporter.close()
    assert set(om.stored) == ids
    assert all(r.dead_at is None and r.delivered_at is not None for r in outbox_rows(services))
    with services.db.connect() as conn:
        actions = conn.execute(
            select(audit_events.c.action).where(audit_events.c.action == "usage_outbox.redrive")
        ).all()
    assert len(actions) == 3


def test_a_backlog_drains_at_once_in_batches_not_one_batch_per_interval(
    services: Services,
    endpoints: tuple[FakeEndpoint, FakeEndpoint],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A pass that claimed a full batch is followed by the next at once (the interval is 60 s
    here); OpenMeter gets CloudEvents batches, Stripe one event a request, several at once."""
    om, st = endpoints
    monkeypatch.setattr(exporter_module, "BATCH", 10)
    monkeypatch.setattr(exporter_module, "OPENMETER_BATCH", 4)
    settings = services.settings.model_copy(update={"usage_export_interval_s": 60.0})
    load(services, QUESTIONS)
    ids = ledger_ids(services)
    exporter = Exporter(services.db, settings)
    exporter.start()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not (set(om.stored) == set(st.stored) == ids):
        time.sleep(0.05)
    exporter.close()
    assert set(om.stored) == ids and set(st.stored) == ids
    assert om.batches >= len(ids) // 4 - 3 and om.requests <= len(ids) // 2
    assert st.requests == len(ids)


def test_a_pass_stops_sending_before_its_lease_ends_and_releases_the_rest(
    services: Services,
    endpoints: tuple[FakeEndpoint, FakeEndpoint],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Against a hanging Stripe (every request times out after 0.3 s), a pass sends only while
    its lease can cover a request; the rest are due again at once with the attempt not counted,
    so no other process claims rows this pass still holds."""
    _om, st = endpoints
    st.behaviour.slow_first, st.behaviour.slow_s = 1000, 1.0
    monkeypatch.setattr(exporter_module, "LEASE_S", 0.5)
    settings = services.settings.model_copy(
        update={"usage_export_concurrency": 2, "usage_export_timeout_s": 0.3}
    )
    load(services, 3)
    exporter = Exporter(services.db, settings)
    assert exporter.lease_s == pytest.approx(1.2)  # 4 timeouts of 0.3 s
    started = time.monotonic()
    result = exporter.run_once()
    took = time.monotonic() - started
    exporter.close()
    stripe = [r for r in outbox_rows(services) if r.sink == "stripe"]
    assert took < exporter.lease_s, took
    assert 0 < result.failed < len(stripe) and result.unsent == len(stripe) - result.failed
    released = [r for r in stripe if r.last_error is None]
    assert len(released) == result.unsent
    now = dt.datetime.now(dt.UTC)
    assert all(r.attempts == 0 and r.next_attempt_at <= now for r in released)
    assert all(r.delivered_at is None or r.dead_at is None for r in outbox_rows(services))


def test_a_failure_is_not_recorded_on_a_row_another_claim_took(
    services: Services,
    endpoints: tuple[FakeEndpoint, FakeEndpoint],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A claim whose lease ended may not mark its rows: another process holds them now."""
    om, _st = endpoints
    om.behaviour.refuse = 400
    load(services, 1)
    exporter = Exporter(services.db, services.settings)
    claimed = [r for r in exporter._claim() if r.sink == "openmeter"]
    make_due(services)  # the lease ended ...
    assert exporter._claim()  # ... and another claim took the rows
    for row in claimed:
        assert exporter._settle_failed(row, exporter_module.Failure("HTTP 400", permanent=True))
    exporter.close()
    assert all(r.dead_at is None for r in outbox_rows(services))


def test_delivered_rows_are_pruned_after_the_retention(
    services: Services, endpoints: tuple[FakeEndpoint, FakeEndpoint]
) -> None:
    _om, st = endpoints
    st.behaviour.refuse = 400  # Stripe's rows become dead letters: kept
    load(services, 2)
    exporter = Exporter(services.db, services.settings)
    exporter.run_once()
    assert services.settings.usage_outbox_retention_days == 7
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=8)
    delivered = [r.id for r in outbox_rows(services) if r.delivered_at is not None]
    with services.db.begin() as conn:
        conn.execute(
            update(usage_outbox)
            .where(usage_outbox.c.id.in_(delivered[:3]))
            .values(delivered_at=old)
        )
    assert exporter.prune() == 3
    left = outbox_rows(services)
    assert {r.id for r in left} == {r.id for r in left} - set(delivered[:3])
    assert len(left) == 2 * len(ledger_ids(services)) - 3
    assert sum(r.dead_at is not None for r in left) == len(ledger_ids(services))
    kept = Exporter(
        services.db, services.settings.model_copy(update={"usage_outbox_retention_days": None})
    )
    assert kept.prune() == 0
    kept.close()
    exporter.close()
