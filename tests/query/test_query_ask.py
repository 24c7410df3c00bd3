"""POST /api/v1/query on the demo: numbers equal hand-written SQL, refusals, CSV, follow-ups."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from nexatron.query.service import query_service
from nexatron.testing import Harness

from .query_support import SALES_SQL, TOTAL_LAST_QUARTER, ask, previous_quarter, today_in

pytestmark = pytest.mark.anyio


def _last_quarter_total(harness: Harness, warehouse: Any) -> tuple[float, Any, Any]:
    start, end = previous_quarter(today_in(harness))
    [(total,)] = warehouse(SALES_SQL, start, end)
    assert total is not None and total > 0, "the demo has no sales last quarter; proves nothing"
    return float(total), start, end


async def test_total_sales_last_quarter(harness: Harness, demo: str, warehouse: Any) -> None:
    total, start, end = _last_quarter_total(harness, warehouse)
    response = await ask(harness, harness.tenant.analyst, TOTAL_LAST_QUARTER, connection_id=demo)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"].startswith("qry_")
    assert body["conversation_id"].startswith("conv_")
    assert body["connection_id"] == demo
    assert body["question"] == TOTAL_LAST_QUARTER
    assert body["data"] == [{"total_sales": pytest.approx(total, abs=0.005)}]
    assert body["summary"] == f"Total sales last quarter were ${total:,.2f}."
    assert body["sql"] and "SELECT" in body["sql"].upper()
    query = body["plan"]["query"]
    assert query["metrics"] == ["total_sales"]
    assert query["time"]["range"]["start"] == start.isoformat()
    assert query["time"]["range"]["end"] == end.isoformat()
    assert body["columns"] == [
        {"name": "total_sales", "type": "number", "role": "metric", "label": "Total sales"}
    ]
    assert body["row_count"] == 1
    assert body["chart"] is None
    assert body["cached"] is False
    assert isinstance(body["execution_time_ms"], int | float)


async def test_connection_id_may_be_omitted(harness: Harness, demo: str, warehouse: Any) -> None:
    total, _, _ = _last_quarter_total(harness, warehouse)
    response = await ask(harness, harness.tenant.viewer, TOTAL_LAST_QUARTER)
    assert response.status_code == 200, response.text
    assert response.json()["connection_id"] == demo
    assert response.json()["data"][0]["total_sales"] == pytest.approx(total, abs=0.005)


async def test_csv_format(harness: Harness, demo: str, warehouse: Any) -> None:
    total, _, _ = _last_quarter_total(harness, warehouse)
    response = await ask(harness, harness.tenant.analyst, TOTAL_LAST_QUARTER, format="csv")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["total_sales"]
    assert len(rows) == 2 and float(rows[1][0]) == pytest.approx(total, abs=0.005)


async def test_unmatched_words_are_refused_with_their_names(harness: Harness, demo: str) -> None:
    response = await ask(
        harness, harness.tenant.analyst, "what is the favourite colour of customers"
    )
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert {"favourite", "colour"} <= set(detail["unmatched"])
    assert "favourite" in detail["message"] and "colour" in detail["message"]


async def test_a_write_request_is_refused_and_changes_nothing(
    harness: Harness, demo: str, warehouse: Any
) -> None:
    actor = harness.tenant.admin
    before = await ask(harness, actor, "number of orders")
    assert before.status_code == 200, before.text
    [(count,)] = warehouse("SELECT count(DISTINCT id) FROM orders")
    assert before.json()["data"] == [{"order_count": count}]
    refused = await ask(harness, actor, "delete all orders")
    assert refused.status_code in (400, 422), refused.text
    assert "detail" in refused.json()
    history = await harness.as_(actor, "GET", "/api/v1/query/history")
    assert [q["question"] for q in history.json()["data"]] == ["number of orders"]
    after = await ask(harness, actor, "how many orders in total")
    assert after.status_code == 200, after.text
    assert after.json()["data"] == before.json()["data"]


@pytest.mark.parametrize("first_turn", ["written", "still queued"])
async def test_follow_up_breaks_the_total_down_by_region(
    harness: Harness, demo: str, warehouse: Any, first_turn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A follow-up reads the conversation's last plan: on the event loop once the first turn is
    written, in a worker thread (after waiting for the writer) while it is still queued."""
    total, start, end = _last_quarter_total(harness, warehouse)
    actor = harness.tenant.analyst
    first = await ask(harness, actor, TOTAL_LAST_QUARTER)
    assert first.status_code == 200, first.text
    conversation = first.json()["conversation_id"]
    recorder = query_service(harness.services).recorder
    if first_turn == "written":
        recorder.flush()
    else:
        monkeypatch.setattr(recorder, "pending", lambda: True)
    follow = await ask(harness, actor, "and by region?", conversation_id=conversation)
    assert follow.status_code == 200, follow.text
    body = follow.json()
    assert body["conversation_id"] == conversation
    assert body["plan"]["query"]["dimensions"] == ["region"]
    assert body["plan"]["query"]["time"]["range"]["start"] == start.isoformat()
    expected = warehouse(
        SALES_SQL.replace("SELECT SUM(i.amount) FROM order_items i",
                          "SELECT c.region, SUM(i.amount) FROM order_items i")
        .replace("WHERE", "JOIN customers c ON o.customer_id = c.id WHERE") + " GROUP BY 1",
        start, end,
    )  # fmt: skip
    got = {row["region"]: row["total_sales"] for row in body["data"]}
    assert got == {region: pytest.approx(float(value), abs=0.005) for region, value in expected}
    assert sum(got.values()) == pytest.approx(total, abs=0.01)
    assert body["row_count"] == len(expected) > 1


async def test_a_repeated_question_is_answered_from_the_cache(harness: Harness, demo: str) -> None:
    actor = harness.tenant.analyst
    first = await ask(harness, actor, TOTAL_LAST_QUARTER)
    second = await ask(harness, actor, TOTAL_LAST_QUARTER)
    assert first.status_code == second.status_code == 200
    assert first.json()["cached"] is False
    assert second.json()["cached"] is True
    assert second.json()["data"] == first.json()["data"]
    assert second.json()["summary"] == first.json()["summary"]
    assert second.json()["id"] != first.json()["id"]


async def test_the_openapi_documents_what_asking_can_answer(harness: Harness) -> None:
    spec = (await harness.client.get("/openapi.json")).json()
    for path in ("/api/v1/query", "/api/v1/query/stream"):
        responses = spec["paths"][path]["post"]["responses"]
        assert {"200", "422", "429", "503"} <= set(responses), path
        assert "concurrent queries" in responses["429"]["description"]
