"""Usage analytics, billing, quotas and plan limits through the API, on the demo."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from nexatron.store.tables import queries, tenants, usage_events
from nexatron.testing import Harness, make_app_client, tenant_files

from .query_support import ask

pytestmark = pytest.mark.anyio

PLANS = {
    "tiny": {
        "rate_limit": "1000/minute",
        "questions_per_month": 3,
        "seats": 3,
        "connections": 1,
        "features": ["sso"],
    },
    "roomy": {"questions_per_month": 1000},
}
ANSWERABLE = "number of orders"
UNKNOWN = "number of unicorns by galaxy"


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    async with make_app_client(tmp_path, plans=PLANS) as h:
        yield h


def set_plan(harness: Harness, plan: str) -> None:
    with harness.services.db.begin() as conn:
        conn.execute(
            update(tenants).where(tenants.c.id == harness.tenant.admin.tenant_id).values(plan=plan)
        )


def flush(harness: Harness) -> None:
    from nexatron.query.service import query_service

    query_service(harness.services).recorder.flush()


async def get(harness: Harness, url: str, **params: Any) -> Any:
    r = await harness.as_(harness.tenant.admin, "GET", url, params=params)
    assert r.status_code == 200, r.text
    return r.json()


async def test_analytics_count_outcomes_cache_hits_and_unmatched_words(
    harness: Harness, demo: str
) -> None:
    admin, viewer = harness.tenant.admin, harness.tenant.viewer
    assert (await ask(harness, admin, ANSWERABLE)).status_code == 200
    again = await ask(harness, viewer, ANSWERABLE)
    assert again.status_code == 200 and again.json()["cached"] is True
    refused = await ask(harness, viewer, UNKNOWN)
    assert refused.status_code == 422, refused.text
    assert "unicorns" in refused.json()["detail"]["unmatched"]

    usage = await get(harness, "/api/v1/analytics/usage")
    [day] = usage["data"]
    assert day["period_start"] == dt.datetime.now(dt.UTC).date().isoformat()
    assert (day["answered"], day["refused"], day["clarified"], day["errored"]) == (2, 1, 0, 0)
    assert day["questions"] == 3 and day["cache_hits"] == 1
    assert day["active_users"] == 2 and day["active_keys"] == 2
    assert day["latency_ms"]["p50"] is not None
    assert day["latency_ms"]["p50"] <= day["latency_ms"]["p95"]
    assert day["rows_returned"] == 2  # one row each

    by_user = await get(harness, "/api/v1/analytics/usage", group_by="user", granularity="month")
    counts = {e["group"]["value"]: (e["answered"], e["refused"]) for e in by_user["data"]}
    assert counts == {admin.user_id: (1, 0), viewer.user_id: (1, 1)}
    assert by_user["data"][0]["period_start"].endswith("-01")

    weekly = await get(harness, "/api/v1/analytics/usage", granularity="week", group_by="planner")
    today = dt.datetime.now(dt.UTC).date()
    [week] = weekly["data"]
    assert week["period_start"] == (today - dt.timedelta(days=today.weekday())).isoformat()
    assert week["group"] == {"by": "planner", "value": "deterministic"}
    assert week["questions"] == 3 and week["active_users"] == 2
    by_key = await get(harness, "/api/v1/analytics/usage", group_by="api_key")
    assert {e["group"]["value"] for e in by_key["data"]} == {
        (await harness.as_(a, "GET", "/api/v1/auth/me")).json()["api_key_id"]
        for a in (admin, viewer)
    }

    # Votes on the two answers (newest first: the viewer's, then the admin's), and an admin
    # verifies one: counted on the question.
    ids = [q["id"] for q in (await get(harness, "/api/v1/query/history"))["data"]]
    votes = ((admin, ids[0], "down"), (viewer, ids[0], "up"), (admin, ids[1], "up"))
    for actor, query_id, vote in votes:
        r = await harness.as_(
            actor, "POST", f"/api/v1/query/{query_id}/feedback", json={"vote": vote}
        )
        assert r.status_code in (200, 201), r.text
    r = await harness.as_(admin, "PUT", f"/api/v1/query/{ids[1]}/verified")
    assert r.status_code == 200, r.text

    found = await get(harness, "/api/v1/analytics/questions")
    top = found["top_questions"]
    assert top[0] == {
        "question": ANSWERABLE,
        "count": 2,
        "sample": ANSWERABLE,
        "feedback": {"up": 2, "down": 1},
        "verified": True,
    }
    words = {w["word"]: w for w in found["unmatched_words"]}
    assert "unicorns" in words
    assert words["unicorns"]["count"] == 1
    assert words["unicorns"]["sample_questions"] == [UNKNOWN]
    assert set(words["unicorns"]["suggestions"]) >= {"metrics", "dimensions"}

    # The history lists answers by default; refusals are kept and listed on request.
    listed = await get(harness, "/api/v1/query/history")
    assert [q["question"] for q in listed["data"]] == [ANSWERABLE, ANSWERABLE]
    refusals = await get(harness, "/api/v1/query/history", status="refused")
    assert [q["status"] for q in refusals["data"]] == ["refused"]

    # Another tenant sees none of it.
    other = harness.other.admin
    r = await harness.as_(other, "GET", "/api/v1/analytics/usage")
    assert r.status_code == 200 and r.json()["data"] == []
    r = await harness.as_(other, "GET", "/api/v1/analytics/questions")
    assert r.json()["top_questions"] == [] and r.json()["unmatched_words"] == []


async def test_usage_reads_count_the_answer_the_writer_holds_back(
    harness: Harness, demo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The history writer is held back: a question is being answered throughout (the mark) and it
    would wait a minute for that to end, so it writes only when a read waits for it. Each usage
    read still counts the answer just given (usage/reads.py), whatever its route does."""
    from nexatron.query.service import query_service

    recorder = query_service(harness.services).recorder
    monkeypatch.setattr(recorder, "_linger_s", 60.0)
    reads: list[tuple[str, Any]] = [
        ("/api/v1/billing", lambda body: body["usage"]["questions"]),
        ("/api/v1/analytics/usage", lambda body: sum(e["answered"] for e in body["data"])),
        (
            "/api/v1/analytics/questions",
            lambda b: sum(q["count"] for q in b["top_questions"]),
        ),
    ]
    with recorder.answering():
        for answered, (url, count) in enumerate(reads, start=1):
            assert (await ask(harness, harness.tenant.admin, ANSWERABLE)).status_code == 200
            assert recorder.pending()  # not written yet
            assert count(await get(harness, url)) == answered, url
        assert not recorder.pending()


async def test_analytics_refuse_bad_windows_and_non_admins(harness: Harness) -> None:
    admin, analyst = harness.tenant.admin, harness.tenant.analyst
    r = await harness.as_(
        admin, "GET", "/api/v1/analytics/usage", params={"from": "2026-02-01", "to": "2026-01-01"}
    )
    assert r.status_code == 400 and "from" in r.json()["detail"]
    r = await harness.as_(admin, "GET", "/api/v1/analytics/usage", params={"to": "0001-01-02"})
    assert r.status_code == 400
    r = await harness.as_(
        admin, "GET", "/api/v1/analytics/usage", params={"from": "2020-01-01", "to": "2026-01-01"}
    )
    assert r.status_code == 400 and "400 days" in r.json()["detail"]
    r = await harness.as_(admin, "GET", "/api/v1/analytics/usage", params={"granularity": "hour"})
    assert r.status_code == 422
    for url in ("/api/v1/analytics/usage", "/api/v1/analytics/questions", "/api/v1/billing"):
        r = await harness.as_(analyst, "GET", url)
        assert r.status_code == 403, url


async def test_ledger_matches_history(harness: Harness, demo: str) -> None:
    admin = harness.tenant.admin
    for question in (ANSWERABLE, "total sales by region", UNKNOWN, ANSWERABLE):
        await ask(harness, admin, question)
    flush(harness)
    with harness.services.db.connect() as conn:
        tenant = admin.tenant_id
        answered = conn.execute(
            select(func.count(), func.sum(queries.c.row_count)).where(
                queries.c.tenant_id == tenant, queries.c.status == "answered"
            )
        ).one()
        meters = dict(
            conn.execute(
                select(usage_events.c.meter, func.sum(usage_events.c.value))
                .where(usage_events.c.tenant_id == tenant)
                .group_by(usage_events.c.meter)
            ).all()
        )
    assert answered[0] == 3
    assert meters["questions"] == answered[0]
    assert meters["rows_returned"] == answered[1]
    assert meters["active_seats"] == 1
    assert meters["connections"] == 1
    bill = await get(harness, "/api/v1/billing")
    assert bill["usage"]["questions"] == 3 and bill["usage"]["rows_returned"] == answered[1]
    assert bill["usage"]["active_seats"] == 1 and bill["usage"]["connections"] == 1
    assert bill["plan"] == "default" and bill["limits"]["questions_per_month"] is None


async def test_question_quota_429_with_headers_and_refusals_are_free(
    harness: Harness, demo: str
) -> None:
    set_plan(harness, "tiny")
    admin = harness.tenant.admin
    remaining = []
    for question in (ANSWERABLE, UNKNOWN, "total sales by region", UNKNOWN, ANSWERABLE):
        r = await ask(harness, admin, question)
        assert r.status_code in (200, 422), r.text
        assert r.headers["X-Quota-Limit"] == "3"
        remaining.append((r.status_code, int(r.headers["X-Quota-Remaining"])))
    assert remaining == [(200, 2), (422, 2), (200, 1), (422, 1), (200, 0)]
    over = await ask(harness, admin, ANSWERABLE)
    assert over.status_code == 429, over.text
    detail = over.json()["detail"]
    assert detail["code"] == "quota_exceeded" and detail["meter"] == "questions"
    assert detail["limit"] == 3 and detail["used"] == 3
    now = dt.datetime.now(dt.UTC)
    period_end = dt.datetime.fromisoformat(detail["period_end"])
    retry = int(over.headers["Retry-After"])
    assert abs(retry - (period_end - now).total_seconds()) < 60
    assert over.headers["X-Quota-Remaining"] == "0"
    bill = await get(harness, "/api/v1/billing")
    assert bill["plan"] == "tiny" and bill["usage"]["questions"] == 3
    assert bill["limits"]["questions_per_month"] == 3
    assert bill["projection"]["questions"]["projected"] >= 3
    # the other tenant (default plan) is not limited and gets no quota headers
    r = await ask(harness, harness.other.admin, ANSWERABLE)
    assert r.status_code in (200, 400, 404, 422) and "X-Quota-Limit" not in r.headers


async def test_quota_seeded_from_the_ledger_after_a_restart(tmp_path: Path, demo_source) -> None:
    """A new process counts what the ledger already holds for the month."""
    from nexatron.query.service import query_service
    from nexatron.usage.quota import Quotas, current_period

    async with make_app_client(tmp_path, plans=PLANS) as h:
        set_plan(h, "roomy")
        svc = query_service(h.services)
        with h.services.db.begin() as conn:
            conn.execute(
                usage_events.insert(),
                [
                    {
                        "id": f"seed-{i}", "tenant_id": h.tenant.admin.tenant_id,
                        "meter": "questions", "value": 1,
                        "occurred_at": current_period().start + dt.timedelta(minutes=i),
                    }
                    for i in range(5)
                ],
            )  # fmt: skip
        fresh = Quotas(h.services.settings, h.services.db)
        principal = h.services.authenticator.authenticate(h.tenant.admin.key)
        ticket = fresh.admit(principal)
        assert ticket is not None and ticket.used == 6 and ticket.limit == 1000
        assert svc is not None


async def test_seat_and_connection_limits_are_403(harness: Harness, demo: str) -> None:
    set_plan(harness, "tiny")  # 3 seats: the tenant has an admin, an analyst and a viewer
    admin = harness.tenant.admin
    body = {"email": "fourth@acme.test", "password": "password-fourth", "role": "viewer"}
    r = await harness.as_(admin, "POST", "/api/v1/users", json=body)
    assert r.status_code == 403, r.text
    assert r.json()["detail"]["code"] == "seat_limit_reached"
    assert r.json()["detail"]["limit"] == 3
    # a seat freed (user disabled) can be taken, and re-enabling beyond the limit is refused
    viewer = harness.tenant.viewer
    r = await harness.as_(
        admin, "PATCH", f"/api/v1/users/{viewer.user_id}", json={"disabled": True}
    )
    assert r.status_code == 200
    assert (await harness.as_(admin, "POST", "/api/v1/users", json=body)).status_code == 201
    r = await harness.as_(
        admin, "PATCH", f"/api/v1/users/{viewer.user_id}", json={"disabled": False}
    )
    assert r.status_code == 403 and r.json()["detail"]["code"] == "seat_limit_reached"

    conn_body = {"name": "second", "type": "duckdb", "config": {"path": str(Path("x.duckdb"))}}
    r = await harness.as_(admin, "POST", "/api/v1/connections", json=conn_body)
    assert r.status_code == 403, r.text
    assert r.json()["detail"]["code"] == "connection_limit_reached"


def test_plans_are_data_and_features_are_checked() -> None:
    from nexatron.errors import Forbidden
    from nexatron.settings import settings_from_env
    from nexatron.usage.plans import has_feature, plan_spec, require_feature

    yaml_plans = "tiny:\n  rate_limit: 5/minute\n  questions_per_month: 10\n  features: [llm]\n"
    settings = settings_from_env(
        {"NEXATRON_PLANS": yaml_plans, "NEXATRON_SECRET_KEY": "x" * 40, "NEXATRON_DEV": "1"}
    )
    assert settings.rate_limit_plans["tiny"] == "5/minute"  # the gateway's limit follows
    assert settings.rate_limit_plans["free"] == "100/minute"
    quiet = settings_from_env(
        {"NEXATRON_PLANS": '{"solo": {"seats": 1}}', "NEXATRON_SECRET_KEY": "x" * 40}
    )
    assert quiet.rate_limit_plans["solo"] == quiet.rate_limit_plans["default"]
    spec = plan_spec(settings, "tiny")
    assert spec.questions_per_month == 10 and spec.features == ("llm",)
    assert has_feature(settings, "tiny", "llm") and not has_feature(settings, "tiny", "sso")
    assert has_feature(settings, "enterprise", "audit_export")  # rate-limit-only plans: all
    assert plan_spec(settings, "unknown") == plan_spec(settings, "default")
    with pytest.raises(Forbidden) as refused:
        require_feature(settings, "tiny", "scim")
    assert refused.value.detail["code"] == "feature_not_in_plan"
    require_feature(settings, "tiny", "llm")


async def test_llm_outside_the_plan_is_not_used(harness: Harness) -> None:
    from nexatron.identity.roles import Principal
    from nexatron.query.service import query_service

    svc = query_service(harness.services)
    tiny = Principal(
        tenant_id=harness.tenant.admin.tenant_id, user_id="u", role="admin", plan="tiny"
    )
    assert svc.llm_for(tiny) is None


async def test_an_answer_never_waits_for_billing(tmp_path: Path, demo_source: Path) -> None:
    """The billing endpoint hangs; questions are answered and their events wait in the outbox."""
    import shutil

    from nexatron.demo.install import install_demo
    from nexatron.identity.roles import Principal
    from nexatron.store.tables import usage_outbox

    from ..usage.fake_billing import fake_endpoint

    with fake_endpoint("/api/v1/events") as hanging:
        hanging.behaviour.slow_first, hanging.behaviour.slow_s = 1000, 5.0
        async with make_app_client(tmp_path, openmeter_url=hanging.url) as h:
            admin = h.tenant.admin
            # where install_demo looks for it, so it is not generated again
            shutil.copyfile(demo_source, tenant_files(h.services, admin.tenant_id) / "demo.duckdb")
            install_demo(h.services, Principal(admin.tenant_id, admin.user_id, "admin"))
            for _ in range(3):
                r = await ask(h, admin, ANSWERABLE)
                assert r.status_code == 200, r.text
            flush(h)
            with h.services.db.connect() as conn:
                pending = conn.execute(
                    select(func.count()).where(usage_outbox.c.delivered_at.is_(None))
                ).scalar_one()
            assert pending >= 3  # questions (and rows, seat, gauge) waiting for the exporter


async def test_audit_export_is_a_plan_feature(harness: Harness) -> None:
    admin = harness.tenant.admin
    r = await harness.as_(admin, "GET", "/api/v1/audit-log", params={"format": "csv"})
    assert r.status_code == 200  # the default plan has every feature
    set_plan(harness, "tiny")  # features: sso only
    r = await harness.as_(admin, "GET", "/api/v1/audit-log", params={"format": "csv"})
    assert r.status_code == 403, r.text
    assert r.json()["detail"]["code"] == "feature_not_in_plan"
    assert r.json()["detail"]["feature"] == "audit_export"
    assert (await harness.as_(admin, "GET", "/api/v1/audit-log")).status_code == 200


async def test_the_operator_moves_a_tenant_to_a_plan_and_its_quota_applies(
    harness: Harness, demo: str
) -> None:
    from nexatron.identity.operators import create_operator_key

    with harness.services.db.begin() as conn:
        _, key = create_operator_key(conn, harness.services.settings.secret_key, "usage-tests")
    op = {"Authorization": f"Bearer {key}"}
    tenant = harness.tenant.admin.tenant_id
    r = await harness.client.patch(
        f"/api/v1/operator/tenants/{tenant}", json={"plan": "roomy"}, headers=op
    )
    assert r.status_code == 200 and r.json()["plan"] == "roomy", r.text  # NEXATRON_PLANS only
    answered = await ask(harness, harness.tenant.admin, ANSWERABLE)
    assert answered.status_code == 200 and answered.headers["X-Quota-Limit"] == "1000"
    bill = await get(harness, "/api/v1/billing")
    assert bill["plan"] == "roomy" and bill["limits"]["questions_per_month"] == 1000
