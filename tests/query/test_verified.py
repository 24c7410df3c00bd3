"""Feedback on answers and verified answers on the demo: a verified answer is reused by the same
question and by paraphrases with other dates or values (rows equal hand-written SQL), never by a
question that means something else."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from nexatron.testing import Harness

from .query_support import ask, previous_quarter, today_in

pytestmark = pytest.mark.anyio

BY_REGION = (
    "SELECT c.region, SUM(i.amount) FROM order_items i JOIN orders o ON i.order_id = o.id "
    "JOIN customers c ON o.customer_id = c.id WHERE o.order_date >= ? AND o.order_date < ? "
    "GROUP BY 1 ORDER BY 1"
)
VERIFIED_Q = "Total sales by region last quarter"


def _by_region(answer: dict[str, Any]) -> list[tuple[str, Any]]:
    return sorted((d["region"], d["total_sales"]) for d in answer["data"])


def _expected(warehouse: Any, start: dt.date, end: dt.date) -> list[tuple[str, Any]]:
    rows = warehouse(BY_REGION, start, end)
    assert len(rows) >= 2
    return [(r, pytest.approx(float(v), abs=0.005)) for r, v in rows]


async def test_feedback(harness: Harness, demo: str) -> None:
    answer = (await ask(harness, harness.tenant.viewer, VERIFIED_Q)).json()
    url = f"/api/v1/query/{answer['id']}/feedback"
    r = await harness.as_(harness.tenant.viewer, "POST", url, json={"vote": "up"})
    assert r.status_code == 201, r.text
    assert r.json()["vote"] == "up" and r.json()["id"].startswith("fbk_")
    corrected = {"metrics": ["order_count"], "dimensions": ["region"]}
    body = {"vote": "down", "comment": "I meant orders", "corrected_plan": corrected}
    r = await harness.as_(harness.tenant.viewer, "POST", url, json=body)
    assert r.status_code == 201 and r.json()["corrected_plan"]["metrics"] == ["order_count"]
    bad = {"vote": "down", "corrected_plan": {"metric": ["x"]}}
    r = await harness.as_(harness.tenant.viewer, "POST", url, json=bad)
    assert r.status_code == 422
    r = await harness.as_(harness.tenant.viewer, "POST", url, json={"vote": "meh"})
    assert r.status_code == 422


async def test_verified_answers_match_paraphrases_not_near_misses(
    harness: Harness, demo: str, warehouse: Any
) -> None:
    admin, analyst = harness.tenant.admin, harness.tenant.analyst
    first = (await ask(harness, admin, VERIFIED_Q)).json()
    assert first["verified"] is False
    r = await harness.as_(analyst, "PUT", f"/api/v1/query/{first['id']}/verified")
    assert r.status_code == 403  # admins only
    r = await harness.as_(admin, "PUT", f"/api/v1/query/{first['id']}/verified")
    assert r.status_code == 200, r.text
    assert r.json()["plan"]["dimensions"] == ["region"]

    start, end = previous_quarter(today_in(harness))
    expected = _expected(warehouse, start, end)
    for question in (
        VERIFIED_Q,
        "total sales by region last quarter?",
        "revenue per region last quarter",
    ):
        answer = (await ask(harness, analyst, question)).json()
        assert answer["verified"] is True, question
        assert _by_region(answer) == expected, question
    # The same plan for other dates: reused with this question's dates.
    year = today_in(harness).year - 1
    other = (await ask(harness, analyst, f"total sales by region in {year}")).json()
    assert other["verified"] is True
    assert _by_region(other) == _expected(warehouse, dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
    # Near misses mean something else: never verified.
    for question in (
        "total sales by country last quarter",
        "number of orders by region last quarter",
        "total sales last quarter",
        "total sales by region by month last quarter",
    ):
        answer = await ask(harness, analyst, question)
        assert answer.status_code == 200, (question, answer.text)
        assert answer.json()["verified"] is False, question
    listed = (await harness.as_(analyst, "GET", "/api/v1/verified-answers")).json()["data"]
    assert [v["query_id"] for v in listed] == [first["id"]]
    stored = (await harness.as_(analyst, "GET", f"/api/v1/query/{other['id']}")).json()
    assert stored["verified"] is True  # the history says so too

    r = await harness.as_(admin, "DELETE", f"/api/v1/query/{first['id']}/verified")
    assert r.status_code == 204
    assert (await ask(harness, analyst, VERIFIED_Q)).json()["verified"] is False
    r = await harness.as_(admin, "DELETE", f"/api/v1/query/{first['id']}/verified")
    assert r.status_code == 404


async def test_a_corrected_plan_answers_words_the_parser_refuses(
    harness: Harness, demo: str, warehouse: Any
) -> None:
    admin = harness.tenant.admin
    refused = await ask(harness, admin, "zorblax quarterly board figure")
    assert refused.status_code == 422
    seed = (await ask(harness, admin, VERIFIED_Q)).json()
    plan = {
        "metrics": ["total_sales"],
        "dimensions": ["region"],
        "time": {"range": {"start": "2020-01-01", "end": "2100-01-01"}},
    }
    body = {"question": "Zorblax quarterly board figure", "plan": plan}
    r = await harness.as_(admin, "PUT", f"/api/v1/query/{seed['id']}/verified", json=body)
    assert r.status_code == 200, r.text
    answer = (await ask(harness, harness.tenant.viewer, "zorblax quarterly board figure!")).json()
    assert answer["verified"] is True and answer["plan"]["planner"] == "verified"
    assert _by_region(answer) == _expected(warehouse, dt.date(2020, 1, 1), dt.date(2100, 1, 1))


async def test_feedback_and_verified_answers_shape_the_llm_examples(
    harness: Harness, demo: str
) -> None:
    from nexatron.identity.roles import Principal
    from nexatron.query.llm_path import _examples
    from nexatron.query.service import query_service

    admin = harness.tenant.admin
    ids = {}
    for q in ("total sales by region", "number of orders by channel", "total sales by segment"):
        ids[q] = (await ask(harness, admin, q)).json()["id"]
    verify = await harness.as_(
        admin, "PUT", f"/api/v1/query/{ids['total sales by region']}/verified"
    )
    assert verify.status_code == 200
    down = {"vote": "down"}
    await harness.as_(
        admin, "POST", f"/api/v1/query/{ids['total sales by segment']}/feedback", json=down
    )
    corrected = {
        "vote": "down",
        "corrected_plan": {"metrics": ["order_count"], "dimensions": ["region"]},
    }
    url = f"/api/v1/query/{ids['number of orders by channel']}/feedback"
    assert (await harness.as_(admin, "POST", url, json=corrected)).status_code == 201
    query_service(harness.services).recorder.flush()
    principal = Principal(tenant_id=admin.tenant_id, user_id=admin.user_id, role="admin")
    examples = _examples(harness.services, principal, demo)
    questions = [q for q, _ in examples]
    assert questions[0] == "total sales by region"  # the verified answer first
    assert questions[1] == "number of orders by channel"
    assert examples[1][1].dimensions == ["region"]  # with the corrected plan
    assert "total sales by segment" not in questions  # down-voted without a correction: dropped


async def test_another_tenant_sees_no_verified_answers(harness: Harness, demo: str) -> None:
    """GET /verified-answers lists only the caller's tenant's, even given this tenant's
    connection_id (the cross-tenant matrix covers only routes with a path parameter)."""
    admin, other = harness.tenant.admin, harness.other.admin
    first = (await ask(harness, admin, VERIFIED_Q)).json()
    r = await harness.as_(admin, "PUT", f"/api/v1/query/{first['id']}/verified")
    assert r.status_code == 200, r.text
    mine = (await harness.as_(admin, "GET", "/api/v1/verified-answers")).json()["data"]
    assert [v["query_id"] for v in mine] == [first["id"]]
    for params in ({}, {"connection_id": demo}):
        r = await harness.as_(other, "GET", "/api/v1/verified-answers", params=params)
        assert r.status_code == 200 and r.json()["data"] == []  # as for an unknown connection
        assert first["id"] not in r.text and VERIFIED_Q.lower() not in r.text.lower()
