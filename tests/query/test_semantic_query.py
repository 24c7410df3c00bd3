"""POST /api/v1/semantic/query on the demo: rows equal hand-written SQL, the answer has /query's
shape and goes to the history and result cache, bad fields are 422 with their loc, another tenant
gets 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from nexatron.testing import Harness

from .query_support import previous_quarter, today_in

pytestmark = pytest.mark.anyio
URL = "/api/v1/semantic/query"

BY_REGION_SQL = (
    "SELECT c.region, SUM(i.amount) FROM order_items i JOIN orders o ON i.order_id = o.id "
    "JOIN customers c ON o.customer_id = c.id WHERE o.order_date >= ? AND o.order_date < ? "
    "GROUP BY c.region ORDER BY 2 DESC"
)


def _close(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [
        tuple(pytest.approx(v, abs=0.005) if isinstance(v, float) else v for v in r) for r in rows
    ]


async def test_metric_by_dimension_with_a_relative_range(
    harness: Harness, demo: str, warehouse: Any
) -> None:
    start, end = previous_quarter(today_in(harness))
    expected = [(r, float(v)) for r, v in warehouse(BY_REGION_SQL, start, end)]
    assert len(expected) >= 2, "the demo has no regional sales last quarter; proves nothing"
    body = {
        "connection_id": demo,
        "metrics": ["total_sales"],
        "dimensions": ["region"],
        "time": {"range": "last quarter"},
        "order": [{"field": "total_sales", "desc": True}],
    }
    r = await harness.as_(harness.tenant.analyst, "POST", URL, json=body)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert [(d["region"], d["total_sales"]) for d in answer["data"]] == _close(expected)
    assert answer["columns"][0]["name"] == "region" and answer["columns"][1]["role"] == "metric"
    assert "SELECT" in answer["sql"].upper() and answer["summary"]
    assert answer["chart"] is not None and answer["connection_id"] == demo
    assert answer["plan"]["planner"] == "structured"
    assert answer["plan"]["query"]["time"]["range"]["start"] == start.isoformat()
    assert answer["cached"] is False
    again = await harness.as_(harness.tenant.analyst, "POST", URL, json=body)
    assert again.status_code == 200 and again.json()["cached"] is True
    # Recorded in the history like a question.
    stored = await harness.as_(harness.tenant.analyst, "GET", f"/api/v1/query/{answer['id']}")
    assert stored.status_code == 200, stored.text
    assert stored.json()["question"].startswith("[structured] total_sales by region")
    assert stored.json()["sql"] == answer["sql"]


async def test_grain_iso_range_and_filters(harness: Harness, demo: str, warehouse: Any) -> None:
    today = today_in(harness)
    start, end = dt.date(today.year - 1, 1, 1), dt.date(today.year, 1, 1)
    sql = (
        "SELECT date_trunc('month', o.order_date)::DATE AS m, COUNT(DISTINCT o.id) "
        "FROM orders o JOIN customers c ON o.customer_id = c.id "
        "WHERE o.order_date >= ? AND o.order_date < ? AND c.region IN (?, ?) "
        "GROUP BY m HAVING COUNT(DISTINCT o.id) > ? ORDER BY m"
    )
    regions = sorted({r for (r,) in warehouse("SELECT DISTINCT region FROM customers")})[:2]
    expected = warehouse(sql, start, end, *regions, 10)
    assert 0 < len(expected) <= 12
    body = {
        "connection_id": demo,
        "metrics": ["order_count"],
        "filters": [
            {"field": "region", "op": "in", "values": regions},
            {"field": "order_count", "op": ">", "values": [10]},
        ],
        "time": {
            "dimension": "order_date",
            "grain": "month",
            "range": {"start": start.isoformat(), "end": end.isoformat()},
        },
        "order": [{"field": "order_date"}],
    }
    r = await harness.as_(harness.tenant.viewer, "POST", URL, json=body)
    assert r.status_code == 200, r.text
    got = [(str(next(iter(d.values())))[:10], d["order_count"]) for d in r.json()["data"]]
    assert got == [(m.isoformat(), n) for m, n in expected]


async def test_limit_and_dimension_only(harness: Harness, demo: str, warehouse: Any) -> None:
    expected = warehouse("SELECT DISTINCT category FROM products ORDER BY 1 LIMIT 3")
    body = {
        "connection_id": demo,
        "dimensions": ["category"],
        "order": [{"field": "category"}],
        "limit": 3,
    }
    r = await harness.as_(harness.tenant.analyst, "POST", URL, json=body)
    assert r.status_code == 200, r.text
    assert [(d["category"],) for d in r.json()["data"]] == expected


async def test_every_bad_field_is_named(harness: Harness, demo: str) -> None:
    body = {
        "connection_id": demo,
        "metrics": ["total_sales", "total_sale"],
        "dimensions": ["regoin"],
        "filters": [
            {"field": "channel", "op": "between", "values": ["a"]},
            {"field": "nope", "values": [1]},
        ],
        "time": {"dimension": "region", "range": "the day after the heat death"},
        "order": [{"field": "category"}],
    }
    r = await harness.as_(harness.tenant.analyst, "POST", URL, json=body)
    assert r.status_code == 422, r.text
    by_loc = {tuple(e["loc"]): e for e in r.json()["detail"]}
    assert set(by_loc) == {
        ("body", "metrics", 1),
        ("body", "dimensions", 0),
        ("body", "filters", 0, "values"),
        ("body", "filters", 1, "field"),
        ("body", "time", "dimension"),
        ("body", "time", "range"),
        ("body", "order", 0, "field"),
    }
    assert "'total_sales'" in by_loc[("body", "metrics", 1)]["msg"]  # the closest known name
    assert "'region'" in by_loc[("body", "dimensions", 0)]["msg"]
    assert "not a time dimension" in by_loc[("body", "time", "dimension")]["msg"]
    # Refused structured queries are kept in the history, like refused questions.
    history = await harness.as_(
        harness.tenant.analyst, "GET", "/api/v1/query/history", params={"status": "refused"}
    )
    assert any(q["question"].startswith("[structured") for q in history.json()["data"])


async def test_empty_and_unknown_fields(harness: Harness, demo: str) -> None:
    r = await harness.as_(harness.tenant.analyst, "POST", URL, json={"connection_id": demo})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "metrics"]
    r = await harness.as_(
        harness.tenant.analyst, "POST", URL, json={"connection_id": demo, "metric": ["x"]}
    )
    assert r.status_code == 422  # a misspelt key is refused, not ignored
    r = await harness.as_(
        harness.tenant.analyst,
        "POST",
        URL,
        json={"connection_id": demo, "metrics": ["total_sales"], "time": {"grain": "fortnight"}},
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][:3] == ["body", "time", "grain"]


async def test_another_tenant_cannot_query_the_connection(harness: Harness, demo: str) -> None:
    body = {"connection_id": demo, "metrics": ["total_sales"]}
    r = await harness.as_(harness.other.admin, "POST", URL, json=body)
    assert r.status_code == 404, r.text
    assert demo not in r.text and "detail" in r.json()
    r = await harness.as_(harness.other.admin, "POST", URL, json={"metrics": ["total_sales"]})
    assert r.status_code == 404  # tenant B has no connection; tenant A's default is not its own


async def test_openapi_documents_the_route(harness: Harness) -> None:
    spec = (await harness.client.get("/openapi.json")).json()
    op = spec["paths"]["/api/v1/semantic/query"]["post"]
    assert {"200", "404", "422", "429"} <= set(op["responses"])
    assert "StructuredQuery" in str(op["requestBody"])


async def test_a_row_query_lists_rows_without_children(
    harness: Harness, demo: str, warehouse: Any
) -> None:
    # The demo's rows follow the day it was generated: pick a category and a status for which
    # some, but not all, products have no such order line, whatever today's data holds.
    pairs = warehouse(
        "SELECT p.category, s.status, count(*) FILTER (WHERE NOT EXISTS"
        " (SELECT 1 FROM order_items i JOIN orders o ON i.order_id = o.id"
        " WHERE i.product_id = p.id AND o.status = s.status)) AS without, count(*) AS products"
        " FROM products p CROSS JOIN (SELECT DISTINCT status FROM orders) s"
        " GROUP BY 1, 2 ORDER BY 1, 2"
    )
    usable = [(c, st) for c, st, without, n in pairs if 0 < without < n]
    assert usable, "no category and status leave some products without an order line"
    category, status = usable[0]
    expected = warehouse(
        "SELECT p.name, p.category FROM products p WHERE p.category = ? AND NOT EXISTS"
        " (SELECT 1 FROM order_items i JOIN orders o ON i.order_id = o.id"
        " WHERE i.product_id = p.id AND o.status = ?)",
        category,
        status,
    )
    body = {
        "connection_id": demo,
        "columns": ["product", "category"],
        "entity": "products",
        "filters": [{"field": "category", "values": [category]}],
        "absent": [{"table": "order_items", "filters": [{"field": "status", "values": [status]}]}],
    }
    r = await harness.as_(harness.tenant.analyst, "POST", URL, json=body)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert sorted((d["product"], d["category"]) for d in answer["data"]) == sorted(expected)
    assert answer["plan"]["query"]["columns"] == ["product", "category"]
    assert answer["plan"]["query"]["absent"][0]["table"] == "order_items"
    assert "NOT EXISTS" in answer["sql"].upper() and "product" in answer["summary"]


async def test_a_row_query_that_also_aggregates_is_a_422(harness: Harness, demo: str) -> None:
    body = {
        "connection_id": demo,
        "columns": ["product"],
        "metrics": ["total_sales"],
        "absent": [{"table": "nope"}],
    }
    r = await harness.as_(harness.tenant.analyst, "POST", URL, json=body)
    assert r.status_code == 422, r.text
    locs = [e["loc"] for e in r.json()["detail"]]
    assert ["body", "metrics"] in locs and ["body", "absent", 0, "table"] in locs
