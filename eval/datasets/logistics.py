# ruff: noqa: E501
"""Logistics dataset: carriers, warehouses, customers, shipments. Deterministic, generated in SQL."""

from __future__ import annotations

import duckdb


def build(path: str) -> None:
    """Create the DuckDB file at `path` (about 20,000 shipments)."""
    con = duckdb.connect(path)
    con.execute("""
    CREATE TABLE carriers AS SELECT * FROM (VALUES
      (1, 'FastFreight', 'Road'), (2, 'BlueSky Air', 'Air'), (3, 'OceanLink', 'Sea'),
      (4, 'RailWay Co', 'Rail'), (5, 'QuickParcel', 'Road')) t(id, carrier_name, mode);
    CREATE TABLE warehouses AS SELECT * FROM (VALUES
      (1, 'Hamburg Hub', 'Germany', 'Europe'), (2, 'Rotterdam DC', 'Netherlands', 'Europe'),
      (3, 'Chicago DC', 'United States', 'North America'), (4, 'Dallas Hub', 'United States', 'North America'),
      (5, 'Shanghai Hub', 'China', 'Asia'), (6, 'Toronto DC', 'Canada', 'North America')) t(id, warehouse_name, country, region);
    CREATE TABLE customers AS SELECT
      i AS id, 'Customer ' || i AS company, ['Retail', 'Manufacturing', 'Healthcare', 'Automotive', 'Food'][1 + (i * 7) % 5] AS industry,
      ['Germany', 'United States', 'France', 'Canada', 'Mexico', 'Japan', 'United Kingdom'][1 + (i * 3) % 7] AS country
    FROM range(1, 401) r(i);
    CREATE TABLE shipments AS SELECT
      i AS id,
      [1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 5][1 + (i * 7) % 15] AS carrier_id,
      [1, 1, 1, 1, 1, 1, 3, 3, 3, 3, 3, 2, 2, 2, 2, 4, 4, 4, 5, 5, 6][1 + (i * 11) % 21] AS warehouse_id,
      1 + (i * 13) % 400 AS customer_id,
      TIMESTAMP '2024-01-01 08:00:00' + INTERVAL (CAST((i * 53) % 804 AS INTEGER)) DAY + INTERVAL ((i * 7) % 10) HOUR AS shipped_at,
      ['Delivered', 'Delivered', 'Delivered', 'Delivered', 'In Transit', 'Delayed', 'Lost', 'Returned'][1 + (i * 17) % 8] AS status,
      ['Standard', 'Express', 'Economy'][1 + (i * 19) % 3] AS service_level,
      CAST(0.5 + ((i * 7919) % 5000) / 100.0 AS DECIMAL(10, 2)) AS weight_kg,
      CAST(5 + ((i * 104729) % 30000) / 100.0 AS DECIMAL(10, 2)) AS shipping_cost,
      1 + (i * 29) % 12 AS transit_days
    FROM range(1, 20001) r(i);
    ALTER TABLE shipments ADD COLUMN delivered_at TIMESTAMP;
    UPDATE shipments SET delivered_at = shipped_at + INTERVAL (transit_days) DAY WHERE status = 'Delivered';
    """)
    con.close()
