# ruff: noqa: E501
"""HR / people dataset: departments, offices, employees, absences. Deterministic, generated in SQL."""

from __future__ import annotations

import duckdb


def build(path: str) -> None:
    """Create the DuckDB file at `path` (about 1,200 employees and 4,000 absences)."""
    con = duckdb.connect(path)
    con.execute("""
    CREATE TABLE departments AS SELECT * FROM (VALUES
      (1, 'Engineering', 'Technology'), (2, 'Sales', 'Commercial'), (3, 'Marketing', 'Commercial'),
      (4, 'Finance', 'Corporate'), (5, 'Human Resources', 'Corporate'), (6, 'Support', 'Technology'),
      (7, 'Legal', 'Corporate'), (8, 'Operations', 'Technology')) t(id, name, division);
    CREATE TABLE offices AS SELECT * FROM (VALUES
      (1, 'Berlin', 'Germany', 'EMEA'), (2, 'London', 'United Kingdom', 'EMEA'),
      (3, 'New York', 'United States', 'Americas'), (4, 'Toronto', 'Canada', 'Americas'),
      (5, 'Austin', 'United States', 'Americas'), (6, 'Tokyo', 'Japan', 'APAC'),
      (7, 'Paris', 'France', 'EMEA')) t(id, city, country, region);
    CREATE TABLE employees AS SELECT
      i AS id,
      'Employee ' || i AS full_name,
      1 + ((i * 7) % 13) % 8 AS department_id,
      [3, 3, 3, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 5, 5, 5, 5, 4, 4, 4, 6, 6, 7][1 + (i * 11) % 28] AS office_id,
      ['Junior', 'Mid', 'Senior', 'Lead', 'Director'][1 + (i * 13) % 5] AS job_level,
      ['Full-time', 'Full-time', 'Full-time', 'Part-time', 'Contractor'][1 + (i * 3) % 5] AS employment_type,
      DATE '2019-01-01' + CAST((i * 37) % 2620 AS INTEGER) AS hire_date,
      CASE WHEN i % 6 = 0 THEN DATE '2019-01-01' + CAST((i * 37) % 2620 + 90 + (i * 17) % 700 AS INTEGER) END AS termination_date,
      CAST(40000 + (i * 7919) % 90000 + 5000 * ((i * 13) % 5) AS DECIMAL(12, 2)) AS salary
    FROM range(1, 1201) r(i);
    UPDATE employees SET termination_date = NULL WHERE termination_date > DATE '2026-03-15';
    ALTER TABLE employees ADD COLUMN status VARCHAR;
    UPDATE employees SET status = CASE WHEN termination_date IS NULL THEN 'Active' ELSE 'Terminated' END;
    CREATE TABLE absences AS SELECT
      i AS id,
      1 + (i * 31) % 1200 AS employee_id,
      ['Sick', 'Vacation', 'Vacation', 'Parental', 'Unpaid'][1 + (i * 7) % 5] AS absence_type,
      DATE '2023-01-01' + CAST((i * 23) % 1170 AS INTEGER) AS start_date,
      1 + (i * 5) % 10 AS days
    FROM range(1, 4001) r(i);
    """)
    con.close()
