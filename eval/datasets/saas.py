# ruff: noqa: E501
"""SaaS dataset: accounts, subscriptions, support tickets. Deterministic, generated in SQL."""

from __future__ import annotations

import duckdb


def build(path: str) -> None:
    """Create the DuckDB file at `path` (600 accounts, 900 subscriptions, 8,000 tickets)."""
    con = duckdb.connect(path)
    con.execute("""
    CREATE TABLE accounts AS SELECT
      i AS id, 'Account ' || i AS account_name,
      ['Enterprise', 'Mid-Market', 'SMB', 'SMB'][1 + (i * 7) % 4] AS segment,
      ['United States', 'Germany', 'United Kingdom', 'France', 'Canada', 'Brazil', 'Japan'][1 + (i * 5) % 7] AS country,
      ['Software', 'Finance', 'Education', 'Healthcare', 'Retail'][1 + (i * 3 + i // 7) % 5] AS industry,
      DATE '2022-01-01' + CAST((i * 41) % 1500 AS INTEGER) AS signup_date
    FROM range(1, 601) r(i);
    CREATE TABLE subscriptions AS SELECT
      i AS id, 1 + (i * i * 7 + i * 3) % 600 AS account_id,
      ['Starter', 'Pro', 'Business', 'Premium'][1 + (i * 11) % 4] AS plan,
      ['Monthly', 'Annual'][1 + (i * 3) % 2] AS billing_cycle,
      DATE '2022-06-01' + CAST((i * 29) % 1350 AS INTEGER) AS started_on,
      CAST([49, 199, 499, 1299][1 + (i * 11) % 4] * (1 + (i % 3) * 0.5) AS DECIMAL(10, 2)) AS mrr,
      1 + (i * 17) % 40 AS seats,
      CASE WHEN i % 5 = 0 THEN 'Canceled' WHEN i % 11 = 0 THEN 'Paused' ELSE 'Active' END AS status
    FROM range(1, 901) r(i);
    CREATE TABLE tickets AS SELECT
      i AS id, 1 + (i * i * 3 + i) % 600 AS account_id,
      ['Billing', 'Billing', 'Billing', 'Billing', 'Bug', 'Bug', 'Bug', 'Feature Request', 'Feature Request', 'Onboarding', 'Onboarding', 'Onboarding', 'Onboarding', 'Onboarding', 'Outage'][1 + (i * 7) % 15] AS category,
      ['Low', 'Medium', 'High', 'Urgent'][1 + (i * 3) % 4] AS priority,
      ['Email', 'Email', 'Email', 'Chat', 'Chat', 'Phone'][1 + (i * 13) % 6] AS channel,
      TIMESTAMP '2024-06-01 09:00:00' + INTERVAL (CAST((i * 37) % 650 AS INTEGER)) DAY AS opened_at,
      CAST(1 + (i * 7919) % 7200 / 100.0 AS DECIMAL(10, 2)) AS resolution_hours,
      1 + (i * 11) % 5 AS csat_score,
      CASE WHEN i % 9 = 0 THEN 'Open' ELSE 'Closed' END AS state
    FROM range(1, 8001) r(i);
    """)
    con.close()
