"""The usage writer: a batch written at once leaves the same rollups, terms and ledger as its
facts written one by one, and writing a batch again adds no ledger event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from nexatron.identity.users import create_tenant
from nexatron.services import Services, build_services
from nexatron.store.tables import usage_actives, usage_events, usage_rollups, usage_terms
from nexatron.testing import make_settings
from nexatron.usage.facts import UsageFact
from nexatron.usage.writer import (
    ROLLUP_KEYS,
    UsageWriter,
    latency_column,
    merge_rows,
    rollup_rows,
    summed_rollups,
)


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    settings, cleanup = make_settings(tmp_path)
    built = build_services(settings)
    try:
        yield built
    finally:
        built.close()
        if cleanup:
            cleanup()


def facts(tenant: str, user: str) -> list[UsageFact]:
    now = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)
    out = []
    for i in range(30):
        status = ("answered", "refused", "clarified", "errored")[i % 4]
        out.append(
            UsageFact(
                query_id=f"qry_{tenant[-4:]}_{i}",
                tenant_id=tenant,
                user_id=user,
                api_key_id="key_a" if i % 2 else None,
                connection_id=f"conn_{i % 3}",
                connection_type="duckdb",
                planner="llm" if i % 5 == 0 else "deterministic",
                status=status,
                question=f"Question {i % 4}?",
                occurred_at=now + dt.timedelta(hours=i),
                latency_ms=float(i * 7),
                rows=i,
                cached=i % 3 == 0,
                tokens_in=10 * (i % 5 == 0),
                tokens_out=2 * (i % 5 == 0),
                unmatched=("zorp",) if status in ("refused", "clarified") else (),
                suggestions={"metrics": ["m"], "dimensions": []} if status != "answered" else None,
            )
        )
    return out


def snapshot(services: Services, tenant: str) -> dict[str, Any]:
    with services.db.connect() as conn:
        rollups = sorted(
            tuple(v for k, v in r._mapping.items() if k != "tenant_id")
            for r in conn.execute(select(usage_rollups).where(usage_rollups.c.tenant_id == tenant))
        )
        terms = sorted(
            (r.day, r.kind, r.term, r.count, r.sample)
            for r in conn.execute(select(usage_terms).where(usage_terms.c.tenant_id == tenant))
        )
        actives = sorted(
            (r.day, r.dim, r.value, r.api_key_id)
            for r in conn.execute(select(usage_actives).where(usage_actives.c.tenant_id == tenant))
        )
        events = sorted(
            (r.meter, r.value, r.occurred_at)
            for r in conn.execute(select(usage_events).where(usage_events.c.tenant_id == tenant))
        )
    return {"rollups": rollups, "terms": terms, "actives": actives, "events": len(events)}


def test_a_batch_equals_its_facts_one_by_one_and_replays_add_nothing(services: Services) -> None:
    writer = UsageWriter(services.settings)
    with services.db.begin() as conn:
        tenants = [create_tenant(conn, name) for name in ("One", "Batch")]
    users = ["usr_same", "usr_same"]  # the rollups name users; the same name in both tenants
    for fact in facts(tenants[0], users[0]):
        with services.db.begin() as conn:
            writer.write(conn, fact)
    batch: list[object] = list(facts(tenants[1], users[1]))
    with services.db.begin() as conn:
        writer.write_many(conn, batch)
    one, many = snapshot(services, tenants[0]), snapshot(services, tenants[1])
    assert many["rollups"] == one["rollups"] and many["terms"] == one["terms"]
    assert many["actives"] == one["actives"] and many["events"] == one["events"]
    # per answer: questions (+ rows_returned when it had rows); tokens in and out wherever the
    # LLM ran; one seat (one user, one month); a connections gauge per day with an answer
    answered = [f for f in batch if isinstance(f, UsageFact) and f.status == "answered"]
    expected = sum(1 + (f.rows > 0) for f in answered)
    expected += sum(2 for f in batch if isinstance(f, UsageFact) and f.tokens_in)
    expected += 1 + len({f.day for f in answered})
    assert many["events"] == expected

    with services.db.begin() as conn:  # a replayed batch: rollups double, the ledger does not
        writer.write_many(conn, batch)
    again = snapshot(services, tenants[1])
    assert again["events"] == many["events"]


def test_latency_buckets() -> None:
    assert latency_column(0.5) == "lat_00"
    assert latency_column(1.0) == "lat_00"
    assert latency_column(1.5) == "lat_01"
    assert latency_column(99_999) == "lat_14"


def test_summed_rollups_are_the_merged_rollup_rows() -> None:
    """The batch's sums built from the counters each fact moves equal its full rollup rows
    merged by key: same rows, same columns in the same order (one executemany)."""
    batch = facts("ten_a", "usr_a") + facts("ten_b", "usr_b")[:7]
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for fact in batch:
        merge_rows(merged, rollup_rows(fact), ROLLUP_KEYS)
    summed = summed_rollups(batch)
    assert summed == list(merged.values())
    assert all(list(row) == list(summed[0]) for row in summed)
    assert len(summed) == len({tuple(row[k] for k in ROLLUP_KEYS) for row in summed}) > 5
