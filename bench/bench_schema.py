"""Introspection speed on PostgreSQL: 1,000 tables x 20 columns in a throwaway schema.

Prints introspect() p50/p95 over a few runs (target <= 2 s) and a `SELECT 1` round-trip
baseline measured in the same run, then drops the schema.
Usage: .venv/bin/python bench/bench_schema.py [--tables 1000] [--columns 20] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid

import psycopg2

from nexatron.warehouse import open_engine, parse_config

TYPES = [
    "integer",
    "bigint",
    "text",
    "varchar(40)",
    "numeric(12,2)",
    "date",
    "timestamptz",
    "boolean",
    "double precision",
    "uuid",
]


def create_schema(
    conn: psycopg2.extensions.connection, schema: str, tables: int, columns: int
) -> None:
    with conn.cursor() as cur:
        cur.execute(f"CREATE SCHEMA {schema}")
        for t in range(tables):
            cols = ["id integer PRIMARY KEY"]
            cols += [f"c{c} {TYPES[c % len(TYPES)]}" for c in range(1, columns - 1)]
            ref = f" REFERENCES {schema}.t{t - 1}(id)" if t else ""
            cols.append(f"parent_id integer{ref}")
            cur.execute(f"CREATE TABLE {schema}.t{t} ({', '.join(cols)})")
            cur.execute(f"COMMENT ON TABLE {schema}.t{t} IS 'table {t}'")
        cur.execute("ANALYZE")
    conn.commit()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--columns", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--database", default="test")
    args = parser.parse_args()

    schema = f"nx_bench_{uuid.uuid4().hex[:8]}"
    conn = psycopg2.connect(host=args.host, user="postgres", dbname=args.database)
    start = time.perf_counter()
    create_schema(conn, schema, args.tables, args.columns)
    print(
        f"created {args.tables} tables x {args.columns} columns"
        f" in {time.perf_counter() - start:.1f} s"
    )
    config = parse_config(
        "postgres",
        {"host": args.host, "database": args.database, "user": "postgres", "schemas": [schema]},
    )
    engine = open_engine("postgres", config)
    try:
        baseline = []
        for _ in range(20):
            t0 = time.perf_counter()
            engine.execute("SELECT 1", timeout_s=5, row_cap=1)
            baseline.append((time.perf_counter() - t0) * 1000)
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            snap = engine.introspect()
            times.append((time.perf_counter() - t0) * 1000)
        n_tables = len(snap.tables)
        n_columns = sum(len(t.columns) for t in snap.tables)
        n_fks = sum(len(t.foreign_keys) for t in snap.tables)
        assert n_tables == args.tables and n_columns == args.tables * args.columns
        print(f"snapshot: {n_tables} tables, {n_columns} columns, {n_fks} foreign keys")
        print(
            f"introspect p50 {statistics.median(times):.0f} ms"
            f"  p95 {percentile(times, 0.95):.0f} ms"
            f"  (runs={args.runs}, target <= 2000 ms)"
        )
        print(
            f"baseline execute('SELECT 1') p50 {statistics.median(baseline):.2f} ms"
            f"  p95 {percentile(baseline, 0.95):.2f} ms"
        )
    finally:
        engine.dispose()
        with conn.cursor() as cur:
            cur.execute(f"DROP SCHEMA {schema} CASCADE")
        conn.commit()
        conn.close()


if __name__ == "__main__":
    main()
