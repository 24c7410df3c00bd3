"""POST /semantic/import with format=dbt|cube on jaffle-shop-like projects over the demo's tables:
the dry run shows the diff and changes nothing, unmappable items are listed with their reason,
and questions asked after the import return the rows of hand-written SQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nexatron.testing import Harness

from .query_support import ask, previous_quarter, today_in

pytestmark = pytest.mark.anyio
FIXTURES = Path(__file__).parent / "fixtures"
URL = "/api/v1/semantic/import"


async def _import(harness: Harness, demo: str, name: str, fmt: str, dry_run: bool) -> Any:
    body = {
        "connection_id": demo,
        "yaml": (FIXTURES / name).read_text(),
        "format": fmt,
        "dry_run": dry_run,
    }
    r = await harness.as_(harness.tenant.admin, "POST", URL, json=body)
    assert r.status_code == 200, r.text
    return r.json()


async def _metric_names(harness: Harness, demo: str) -> set[str]:
    r = await harness.as_(
        harness.tenant.admin, "GET", "/api/v1/semantic/metrics", params={"connection_id": demo}
    )
    return {m["name"] for m in r.json()["data"]}


def _approx(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [(k, pytest.approx(float(v), abs=0.005)) for k, v in rows]


async def test_dbt_metricflow_import(harness: Harness, demo: str, warehouse: Any) -> None:
    before = await _metric_names(harness, demo)
    dry = await _import(harness, demo, "jaffle_dbt.yml", "dbt", dry_run=True)
    assert await _metric_names(harness, demo) == before  # a dry run changes nothing
    assert "order_revenue" in str(dry["diff"])
    reasons = {u["name"]: u["reason"] for u in dry["unmapped"]}
    assert set(reasons) == {
        "cumulative_revenue",
        "p90_line",
        "revenue_minus_units",
        "latest_list_prices",
        "orders_placed.fill_nulls_with",
        "orders_placed.join_to_timespine",
        "customers.signup_hour",
    }
    assert "cumulative" in reasons["cumulative_revenue"]
    assert "percentile" in reasons["p90_line"]
    assert "units_total" in reasons["revenue_minus_units"]
    assert "semi-additive" in reasons["latest_list_prices"]  # not imported as a plain sum
    assert "latest_list_prices" not in str(dry["diff"])
    assert "not applied" in reasons["orders_placed.fill_nulls_with"]
    assert "time spine" in reasons["orders_placed.join_to_timespine"]
    assert "'hour'" in reasons["customers.signup_hour"]

    await _import(harness, demo, "jaffle_dbt.yml", "dbt", dry_run=False)
    assert await _metric_names(harness, demo) == {
        "order_revenue",
        "orders_placed",
        "online_orders",
        "revenue_per_order",
        "units_sold",
        "revenue_per_unit",
    }
    start, end = previous_quarter(today_in(harness))
    r = await ask(harness, harness.tenant.analyst, "order revenue by region last quarter")
    assert r.status_code == 200, r.text
    got = sorted((d["region"], d["order_revenue"]) for d in r.json()["data"])
    expected = warehouse(
        "SELECT c.region, SUM(i.amount) FROM order_items i JOIN orders o ON i.order_id = o.id "
        "JOIN customers c ON o.customer_id = c.id WHERE o.order_date >= ? AND o.order_date < ? "
        "GROUP BY 1 ORDER BY 1",
        start,
        end,
    )
    assert len(expected) >= 2 and got == _approx(expected)

    r = await ask(harness, harness.tenant.analyst, "online orders last quarter")
    assert r.status_code == 200, r.text
    [(online,)] = warehouse(
        "SELECT COUNT(DISTINCT id) FROM orders WHERE channel = 'online' "
        "AND order_date >= ? AND order_date < ?",
        start,
        end,
    )
    assert r.json()["data"] == [{"online_orders": online}] and online > 0


async def test_dbt_ratio_and_derived_after_import(
    harness: Harness, demo: str, warehouse: Any
) -> None:
    """A ratio (revenue_per_order) and a derived metric (revenue_per_unit = rev / u), asked
    after the import, return what hand-written SQL gives."""
    await _import(harness, demo, "jaffle_dbt.yml", "dbt", dry_run=False)
    start, end = previous_quarter(today_in(harness))
    [(revenue, orders, units)] = warehouse(
        "SELECT (SELECT SUM(i.amount) FROM order_items i JOIN orders o ON i.order_id = o.id "
        "WHERE o.order_date >= ? AND o.order_date < ?), "
        "(SELECT COUNT(DISTINCT id) FROM orders WHERE order_date >= ? AND order_date < ?), "
        "(SELECT SUM(i.quantity) FROM order_items i JOIN orders o ON i.order_id = o.id "
        "WHERE o.order_date >= ? AND o.order_date < ?)",
        *(start, end) * 3,
    )
    assert orders > 0 and units > 0
    cases = {
        "revenue_per_order": float(revenue) / orders,
        "revenue_per_unit": float(revenue) / float(units),
    }
    for metric, expected in cases.items():
        question = f"{metric.replace('_', ' ')} last quarter"
        r = await ask(harness, harness.tenant.analyst, question)
        assert r.status_code == 200, r.text
        assert r.json()["data"] == [{metric: pytest.approx(expected, rel=1e-9)}], question
        body = {"connection_id": demo, "metrics": [metric], "time": {"range": "last quarter"}}
        r = await harness.as_(harness.tenant.analyst, "POST", "/api/v1/semantic/query", json=body)
        assert r.status_code == 200, r.text
        assert r.json()["data"] == [{metric: pytest.approx(expected, rel=1e-9)}], metric


async def test_cube_import(harness: Harness, demo: str, warehouse: Any) -> None:
    dry = await _import(harness, demo, "jaffle_cube.yml", "cube", dry_run=True)
    reasons = {(u["kind"], u["name"]): u["reason"] for u in dry["unmapped"]}
    assert set(reasons) == {
        ("cube", "weird"),
        ("measure", "orders.share_completed"),
        ("measure", "line_items.customer_revenue"),
        ("dimension", "customers.city"),
        ("join", "line_items -> orders"),
        ("measure", "orders.rolling_count"),
        ("segment", "orders.online"),
        ("pre_aggregation", "orders.daily"),
        ("view", "sales"),
    }
    assert "rolling window" in reasons[("measure", "orders.rolling_count")]
    assert "orders_rolling_count" not in str(dry["diff"])  # not imported as a plain count
    join_reason = reasons[("join", "line_items -> orders")]  # the one with an AND
    assert join_reason.startswith("its sql '{CUBE}.order_id = {orders}.id AND")
    assert "cannot be mapped" not in join_reason
    assert "{customers.region}" in reasons[("measure", "line_items.customer_revenue")]
    await _import(harness, demo, "jaffle_cube.yml", "cube", dry_run=False)
    r = await ask(harness, harness.tenant.analyst, "line revenue by region")
    assert r.status_code == 200, r.text
    got = sorted((d["region"], d["line_items_revenue"]) for d in r.json()["data"])
    expected = warehouse(
        "SELECT c.region, SUM(i.amount) FROM order_items i JOIN orders o ON i.order_id = o.id "
        "JOIN customers c ON o.customer_id = c.id GROUP BY 1 ORDER BY 1"
    )
    assert got == _approx(expected)
    r = await ask(harness, harness.tenant.analyst, "orders completed count by channel")
    assert r.status_code == 200, r.text
    got_counts = sorted((d["channel"], d["orders_completed_count"]) for d in r.json()["data"])
    assert got_counts == warehouse(
        "SELECT channel, COUNT(*) FROM orders WHERE status = 'completed' GROUP BY 1 ORDER BY 1"
    )
    # `{CUBE.product_id} = {products.id}` and `{CUBE.amount}`: Cube's member syntax
    r = await ask(harness, harness.tenant.analyst, "line revenue by category")
    assert r.status_code == 200, r.text
    got = sorted((d["category"], d["line_items_revenue"]) for d in r.json()["data"])
    expected = warehouse(
        "SELECT p.category, SUM(i.amount) FROM order_items i JOIN products p "
        "ON i.product_id = p.id GROUP BY 1 ORDER BY 1"
    )
    assert len(expected) >= 2 and got == _approx(expected)


async def test_bad_yaml_is_a_422(harness: Harness, demo: str) -> None:
    body = {"connection_id": demo, "yaml": "cubes: [1, 2", "format": "cube"}
    r = await harness.as_(harness.tenant.admin, "POST", URL, json=body)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "yaml"]


async def test_import_command(harness: Harness, demo: str, server: str, capsys: Any) -> None:
    from nexatron.cli import main

    key = harness.tenant.admin.key
    path = str(FIXTURES / "jaffle_cube.yml")
    args = ["import", path, "--format", "cube", "--connection", demo, "--url", server]
    assert main([*args, "--key", key]) == 0
    out = capsys.readouterr().out
    assert '"dry_run": true' in out and "share_completed" in out
    assert "orders_count" not in await _metric_names(harness, demo)
    assert main([*args, "--key", key, "--apply"]) == 0
    assert "orders_count" in await _metric_names(harness, demo)
    assert main([*args, "--key", harness.tenant.viewer.key]) == 1
    assert "403" in capsys.readouterr().err


async def test_another_tenant_cannot_import_into_the_connection(
    harness: Harness, demo: str
) -> None:
    """POST /semantic/import with another tenant's connection_id is a 404 that names nothing of
    it, dry run or not, and changes nothing."""
    before = await _metric_names(harness, demo)
    for fmt, name in (("dbt", "jaffle_dbt.yml"), ("cube", "jaffle_cube.yml")):
        for dry_run in (True, False):
            body = {
                "connection_id": demo,
                "yaml": (FIXTURES / name).read_text(),
                "format": fmt,
                "dry_run": dry_run,
            }
            r = await harness.as_(harness.other.admin, "POST", URL, json=body)
            assert r.status_code == 404, r.text
            assert "detail" in r.json() and demo not in r.text and "total_sales" not in r.text
    assert await _metric_names(harness, demo) == before
    r = await harness.as_(harness.other.admin, "GET", "/api/v1/semantic/metrics")
    assert r.status_code == 200 and r.json()["data"] == []
