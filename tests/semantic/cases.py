# ruff: noqa: E501
"""Semantic queries over the shop fixture with hand-written DuckDB SQL giving the expected rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Case:
    id: str
    query: dict[str, Any]
    golden: str  # DuckDB SQL; columns in compiled order: dimensions, time, metrics
    ordered: bool = False
    unsupported: frozenset[str] = field(default_factory=frozenset)  # dialects that must refuse


O_C = "FROM orders o LEFT JOIN customers c ON o.customer_id = c.id"
I_O_C = (
    "FROM order_items i LEFT JOIN orders o ON i.order_id = o.id "
    "LEFT JOIN customers c ON o.customer_id = c.id"
)
NO_MEDIAN = frozenset({"sqlite", "mysql", "tsql", "bigquery"})

CASES = [
    Case("total", {"metrics": ["revenue"]}, "SELECT SUM(amount) FROM orders"),
    Case("by_country", {"metrics": ["revenue"], "dimensions": ["country"]},
         f"SELECT c.country, SUM(o.amount) {O_C} GROUP BY 1"),
    Case("many_aggs", {"metrics": ["orders_count", "revenue", "avg_amount", "max_amount", "buyers"],
                       "dimensions": ["status"]},
         "SELECT status, COUNT(*), SUM(amount), AVG(amount), MAX(amount), COUNT(DISTINCT customer_id) "
         "FROM orders GROUP BY 1"),
    Case("metric_filters_inside", {"metrics": ["paid_revenue", "paid_orders"], "dimensions": ["segment"]},
         "SELECT c.segment, SUM(CASE WHEN o.status = 'paid' THEN o.amount END), "
         f"COUNT(CASE WHEN o.status = 'paid' THEN 1 END) {O_C} GROUP BY 1"),
    Case("month", {"metrics": ["revenue"], "time": {"grain": "month"}},
         "SELECT CAST(date_trunc('month', ordered_at) AS DATE) m, SUM(amount) FROM orders GROUP BY 1 ORDER BY 1",
         ordered=True),
    Case("week_range", {"metrics": ["revenue", "orders_count"],
                        "time": {"grain": "week", "range": {"start": "2024-01-01", "end": "2024-03-01"}}},
         "SELECT CAST(date_trunc('week', ordered_at) AS DATE), SUM(amount), COUNT(*) FROM orders "
         "WHERE ordered_at >= DATE '2024-01-01' AND ordered_at < DATE '2024-03-01' GROUP BY 1 ORDER BY 1",
         ordered=True),
    Case("quarter_year_dims", {"metrics": ["orders_count"], "dimensions": ["status"],
                               "time": {"dimension": "ordered_at", "grain": "quarter"}},
         "SELECT status, CAST(date_trunc('quarter', ordered_at) AS DATE), COUNT(*) FROM orders "
         "GROUP BY 1, 2 ORDER BY 2, 1 NULLS LAST", ordered=True),
    Case("day_range", {"metrics": ["revenue"], "time": {"grain": "day", "range": {"start": "2024-02-26",
                                                                               "end": "2024-03-04"}}},
         "SELECT CAST(ordered_at AS DATE), SUM(amount) FROM orders WHERE ordered_at >= DATE '2024-02-26' "
         "AND ordered_at < DATE '2024-03-04' GROUP BY 1 ORDER BY 1", ordered=True),
    Case("reverse_one_to_many", {"metrics": ["units"], "dimensions": ["product.category"]},
         "SELECT p.category, SUM(i.quantity) FROM order_items i LEFT JOIN products p ON i.product_id = p.id "
         "GROUP BY 1"),
    Case("two_hops", {"metrics": ["units"], "dimensions": ["country"]},
         f"SELECT c.country, SUM(i.quantity) {I_O_C} GROUP BY 1"),
    Case("two_facts", {"metrics": ["revenue", "units"], "dimensions": ["country"]},
         f"WITH a AS (SELECT c.country k, SUM(o.amount) r {O_C} GROUP BY 1), "
         f"b AS (SELECT c.country k, SUM(i.quantity) u {I_O_C} GROUP BY 1) "
         "SELECT COALESCE(a.k, b.k), a.r, b.u FROM a FULL JOIN b ON a.k IS NOT DISTINCT FROM b.k"),
    Case("ratio", {"metrics": ["aov"], "dimensions": ["status"]},
         "SELECT status, SUM(amount) / NULLIF(COUNT(*), 0) FROM orders GROUP BY 1"),
    Case("derived_share", {"metrics": ["paid_share"], "dimensions": ["country"]},
         f"SELECT c.country, SUM(CASE WHEN o.status = 'paid' THEN o.amount END) / NULLIF(SUM(o.amount), 0) "
         f"{O_C} GROUP BY 1"),
    Case("derived_two_tables", {"metrics": ["units_per_order"], "dimensions": ["country"]},
         f"WITH a AS (SELECT c.country k, COUNT(*) n {O_C} GROUP BY 1), "
         f"b AS (SELECT c.country k, SUM(i.quantity) u {I_O_C} GROUP BY 1) "
         "SELECT COALESCE(a.k, b.k), b.u / NULLIF(a.n, 0) FROM a FULL JOIN b ON a.k IS NOT DISTINCT FROM b.k"),
    Case("ratio_two_tables", {"metrics": ["revenue_per_customer", "customers_count"], "dimensions": ["country"]},
         f"WITH a AS (SELECT c.country k, SUM(o.amount) r {O_C} GROUP BY 1), "
         "b AS (SELECT country k, COUNT(*) n FROM customers GROUP BY 1) "
         "SELECT COALESCE(a.k, b.k), a.r / NULLIF(b.n, 0), b.n FROM a FULL JOIN b ON a.k IS NOT DISTINCT FROM b.k"),
    Case("derived_difference", {"metrics": ["unbilled"], "dimensions": ["segment"]},
         f"WITH a AS (SELECT c.segment k, SUM(o.amount) r {O_C} GROUP BY 1), "
         f"b AS (SELECT c.segment k, SUM(i.quantity * i.unit_price) x {I_O_C} GROUP BY 1) "
         "SELECT COALESCE(a.k, b.k), b.x - a.r FROM a FULL JOIN b ON a.k IS NOT DISTINCT FROM b.k"),
    Case("filter_in", {"metrics": ["revenue"], "dimensions": ["segment"],
                       "filters": [{"field": "country", "op": "in", "values": ["US", "DE"]}]},
         f"SELECT c.segment, SUM(o.amount) {O_C} WHERE c.country IN ('US', 'DE') GROUP BY 1"),
    Case("filter_not_equal_keeps_nulls", {"metrics": ["orders_count"], "dimensions": ["country"],
                                          "filters": [{"field": "status", "op": "!=", "values": ["paid"]}]},
         f"SELECT c.country, COUNT(*) {O_C} WHERE o.status <> 'paid' OR o.status IS NULL GROUP BY 1"),
    Case("filter_not_in", {"metrics": ["revenue"],
                           "filters": [{"field": "status", "op": "not_in", "values": ["paid", "refunded"]}]},
         "SELECT SUM(amount) FROM orders WHERE status NOT IN ('paid', 'refunded') OR status IS NULL"),
    Case("filter_expression_dimension", {"metrics": ["revenue"], "dimensions": ["country"],
                                         "filters": [{"field": "order_size", "values": ["large"]}]},
         f"SELECT c.country, SUM(o.amount) {O_C} WHERE CASE WHEN o.amount >= 250 THEN 'large' ELSE 'small' END "
         "= 'large' GROUP BY 1"),
    Case("contains_ci", {"metrics": ["orders_count"],
                         "filters": [{"field": "customer_name", "op": "contains", "values": ["CUSTOMER 0"]}]},
         f"SELECT COUNT(*) {O_C} WHERE lower(c.name) LIKE '%customer 0%'"),
    Case("contains_wildcards", {"metrics": ["orders_count"], "dimensions": ["customer_name"],
                                "filters": [{"field": "customer_name", "op": "contains", "values": ["_7%"]}]},
         f"SELECT c.name, COUNT(*) {O_C} WHERE strpos(c.name, '_7%') > 0 GROUP BY 1"),
    Case("starts_with_ci", {"metrics": ["units"], "dimensions": ["product.category"],
                            "filters": [{"field": "product.category", "op": "starts_with", "values": ["BOOK"]}]},
         "SELECT p.category, SUM(i.quantity) FROM order_items i LEFT JOIN products p ON i.product_id = p.id "
         "WHERE lower(p.category) LIKE 'book%' GROUP BY 1"),
    Case("is_null", {"metrics": ["orders_count"], "filters": [{"field": "country", "op": "is_null"}]},
         f"SELECT COUNT(*) {O_C} WHERE c.country IS NULL"),
    Case("between_number", {"metrics": ["units"], "dimensions": ["product.category"],
                            "filters": [{"field": "quantity", "op": "between", "values": [2, 4]}]},
         "SELECT p.category, SUM(i.quantity) FROM order_items i LEFT JOIN products p ON i.product_id = p.id "
         "WHERE i.quantity BETWEEN 2 AND 4 GROUP BY 1"),
    Case("having", {"metrics": ["revenue", "orders_count"], "dimensions": ["country"],
                    "metric_filters": [{"field": "revenue", "op": ">", "values": [14000]}]},
         f"SELECT c.country, SUM(o.amount), COUNT(*) {O_C} GROUP BY 1 HAVING SUM(o.amount) > 14000"),
    Case("top_n", {"metrics": ["revenue"], "dimensions": ["customer_name"],
                   "order": [{"field": "revenue", "desc": True}], "limit": 3},
         f"SELECT c.name, SUM(o.amount) {O_C} GROUP BY 1 ORDER BY 2 DESC NULLS LAST, 1 LIMIT 3", ordered=True),
    Case("bool_filter", {"metrics": ["customers_count", "active_customers"], "dimensions": ["segment"],
                         "filters": [{"field": "is_active", "values": [True]}]},
         "SELECT segment, COUNT(*), COUNT(*) FROM customers WHERE is_active GROUP BY 1"),
    Case("own_time_dimension", {"metrics": ["customers_count"], "time": {"grain": "quarter"}},
         "SELECT CAST(date_trunc('quarter', signup_date) AS DATE), COUNT(*) FROM customers GROUP BY 1 ORDER BY 1",
         ordered=True),
    Case("metric_time_two_dims", {"metrics": ["revenue", "customers_count"], "time": {"grain": "year"}},
         "WITH a AS (SELECT CAST(date_trunc('year', ordered_at) AS DATE) k, SUM(amount) r FROM orders GROUP BY 1), "
         "b AS (SELECT CAST(date_trunc('year', signup_date) AS DATE) k, COUNT(*) n FROM customers GROUP BY 1) "
         "SELECT COALESCE(a.k, b.k) k, a.r, b.n FROM a FULL JOIN b ON a.k = b.k ORDER BY 1", ordered=True),
    Case("dimensions_only", {"dimensions": ["country", "segment"]},
         "SELECT DISTINCT country, segment FROM customers"),
    Case("joined_time_range", {"metrics": ["units"], "time": {"grain": "quarter",
                               "range": {"start": "2023-04-01", "end": "2024-04-01"}}},
         "SELECT CAST(date_trunc('quarter', o.ordered_at) AS DATE), SUM(i.quantity) FROM order_items i "
         "LEFT JOIN orders o ON i.order_id = o.id WHERE o.ordered_at >= DATE '2023-04-01' "
         "AND o.ordered_at < DATE '2024-04-01' GROUP BY 1 ORDER BY 1", ordered=True),
    Case("time_filter", {"metrics": ["revenue"], "dimensions": ["status"],
                         "filters": [{"field": "ordered_at", "op": ">=", "values": ["2024-06-01"]}]},
         "SELECT status, SUM(amount) FROM orders WHERE ordered_at >= DATE '2024-06-01' GROUP BY 1"),
    Case("median", {"metrics": ["median_amount"], "dimensions": ["status"]},
         "SELECT status, quantile_cont(CAST(amount AS DOUBLE), 0.5) FROM orders GROUP BY 1", unsupported=NO_MEDIAN),
]  # fmt: skip
