"""Usage analytics over 1,000,000 history rows on SQLite and PostgreSQL (figures printed; not a
test).

Run: .venv/bin/python bench/bench_analytics.py [--rows 1000000] [--stores sqlite,postgres]

For each store: 1M `queries` rows over 60 days (50 users, their keys and sessions, 3 connections,
2 planners, 3,000 distinct questions, 15% refused or clarified naming words from a 300-word
vocabulary) are inserted in bulk together with the rollups the history writer keeps for them
(usage/writer.py's rows, summed per key before the upsert: the same result as row by row). Then a
`nexatron serve` process answers, over HTTP, GET /analytics/usage for a 30-day window (day, week,
month; and grouped by user, api_key, connection, planner) and GET /analytics/questions; each
timed 20 times (median and max printed). The floor: the same 30-day day-by-day report computed
from the history table itself (one GROUP BY over the window), what the rollups avoid.
Goal: <= 200 ms per report on both stores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from servers import Server, free_port, start_process, stop
from sqlalchemy import create_engine, func, select, text

from nexatron.identity.keys import create_key
from nexatron.identity.roles import Principal
from nexatron.identity.users import create_tenant, create_user
from nexatron.services import build_services
from nexatron.settings import settings_from_env
from nexatron.store.tables import (
    LATENCY_BUCKETS_MS,
    queries,
    usage_actives,
    usage_rollups,
    usage_terms,
)
from nexatron.testing import PG_URL, TEST_SECRET
from nexatron.usage.facts import UsageFact
from nexatron.usage.upsert import add_counts, insert_new
from nexatron.usage.writer import (
    MONTH_KINDS,
    ROLLUP_KEYS,
    TERM_KEYS,
    active_rows,
    rollup_rows,
    term_rows,
)

DAYS = 60
USERS = 50
WORDS = [f"word{i}" for i in range(300)]
QUESTIONS = [f"total sales by thing {i} last month" for i in range(3000)]
BATCH = 20_000


def facts(tenant: str, users: list[tuple[str, list[str]]], count: int) -> Any:
    rng = random.Random(7)
    now = dt.datetime.now(dt.UTC)
    weights = [1 / (i + 1) for i in range(len(QUESTIONS))]  # Zipf-like popularity
    picks = rng.choices(QUESTIONS, weights=weights, k=count)
    for i in range(count):
        user, keys = users[rng.randrange(len(users))]
        outcome = rng.random()
        status = "answered" if outcome < 0.85 else "refused" if outcome < 0.95 else "clarified"
        if outcome > 0.995:
            status = "errored"
        planner = "llm" if rng.random() < 0.1 else "deterministic"
        yield UsageFact(
            query_id=f"qry_{i:09d}", tenant_id=tenant, user_id=user,
            api_key_id=rng.choice(keys) if rng.random() < 0.8 else None,
            connection_id=f"conn_{rng.randrange(3)}", connection_type="duckdb", planner=planner,
            status=status, question=picks[i],
            occurred_at=now - dt.timedelta(seconds=rng.uniform(0, DAYS * 86400)),
            latency_ms=rng.lognormvariate(2.0, 1.0), rows=rng.randrange(0, 50),
            cached=rng.random() < 0.3,
            tokens_in=rng.randrange(500, 3000) if planner == "llm" else 0,
            tokens_out=rng.randrange(50, 400) if planner == "llm" else 0,
            unmatched=(rng.choice(WORDS),) if status in ("refused", "clarified") else (),
            suggestions={"metrics": ["total_sales"], "dimensions": ["region"]}
            if status != "answered" else None,
        )  # fmt: skip


def history_row(fact: UsageFact) -> dict[str, Any]:
    return {
        "id": fact.query_id, "tenant_id": fact.tenant_id, "user_id": fact.user_id,
        "connection_id": fact.connection_id, "conversation_id": "conv_x",
        "question": fact.question, "status": fact.status, "planner": fact.planner,
        "row_count": fact.rows, "truncated": False, "execution_time_ms": fact.latency_ms,
        "tokens_in": fact.tokens_in or None, "tokens_out": fact.tokens_out or None,
        "created_at": fact.occurred_at, "api_key_id": fact.api_key_id, "cached": fact.cached,
        "unmatched": {"words": list(fact.unmatched)} if fact.unmatched else None,
    }  # fmt: skip


COPIED = (
    "id", "tenant_id", "user_id", "connection_id", "conversation_id", "question", "status",
    "planner", "row_count", "truncated", "execution_time_ms", "tokens_in", "tokens_out",
    "created_at", "api_key_id", "cached",
)  # fmt: skip


def copy_history(conn: Any, rows: list[dict[str, Any]]) -> None:
    import csv
    import io

    buffer = io.StringIO()
    out = csv.writer(buffer)
    for row in rows:
        values = []
        for name in COPIED:
            value = row[name]
            if isinstance(value, dt.datetime):
                value = value.isoformat()
            values.append("" if value is None else value)
        out.writerow(values)
    buffer.seek(0)
    cursor = conn.connection.dbapi_connection.cursor()
    cursor.copy_expert(f"COPY queries ({', '.join(COPIED)}) FROM STDIN WITH (FORMAT csv)", buffer)


def summed(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        key = tuple(row[k] for k in keys)
        have = out.get(key)
        if have is None:
            out[key] = dict(row)
            continue
        for name, value in row.items():
            if name not in keys and isinstance(value, (int, float)) and name != "suggestions":
                have[name] += value
    return list(out.values())


def load(db: Any, count: int) -> str:
    with db.begin() as conn:
        tenant = create_tenant(conn, "Bench " + secrets.token_hex(3))
        users = []
        for u in range(USERS):
            user = create_user(
                conn, tenant_id=tenant, email=f"u{u}@bench.test", password=None, role="admin"
            )
            principal = Principal(tenant_id=tenant, user_id=user, role="admin")
            keys = [
                create_key(conn, TEST_SECRET, principal, name="k", role=None, expires_at=None)[0][
                    "id"
                ]
                for _ in range(2)
            ]
            users.append((user, keys))
    started = time.perf_counter()
    rollups: list[dict[str, Any]] = []
    terms: list[dict[str, Any]] = []
    actives: dict[tuple[Any, ...], dict[str, Any]] = {}
    history: list[dict[str, Any]] = []

    def write() -> None:
        with db.begin() as conn:
            if db.dialect.name == "postgresql":
                copy_history(conn, history)  # COPY: an INSERT per row is what would be slow
            else:
                conn.execute(queries.insert(), history)
            add_counts(conn, usage_rollups, ROLLUP_KEYS, summed(rollups, ROLLUP_KEYS))
            add_counts(conn, usage_terms, TERM_KEYS, summed(terms, TERM_KEYS))
            insert_new(conn, usage_actives, list(actives.values()))
        history.clear()
        actives.clear()
        rollups.clear()
        terms.clear()

    for fact in facts(tenant, users, count):
        history.append(history_row(fact))
        rollups.extend(rollup_rows(fact))
        for row in active_rows(fact):
            actives[tuple(row.values())] = row
        terms.extend(term_rows(fact))
        if len(history) >= BATCH:
            write()
    if history:
        write()
    with db.connect() as conn:
        n_rollups = conn.execute(select(func.count()).select_from(usage_rollups)).scalar_one()
        n_terms = conn.execute(select(func.count()).select_from(usage_terms)).scalar_one()
    print(
        f"  loaded {count:,} history rows in {time.perf_counter() - started:.0f} s "
        f"({n_rollups:,} rollup rows, {n_terms:,} term rows)"
    )
    if db.dialect.name == "postgresql":
        with db.begin() as conn:
            conn.execute(text("ANALYZE"))
    return tenant


def load_in_database(db: Any, count: int) -> str:
    """PostgreSQL: the same kind of history generated by the database (generate_series), and the
    rollups, actives and terms the writer keeps computed from it in SQL (INSERT ... SELECT with
    GROUP BY): a Python loader on this shared 2-core machine managed ~5,000 rows a minute."""
    with db.begin() as conn:
        tenant = create_tenant(conn, "Bench " + secrets.token_hex(3))
        users, keys = [], []
        for u in range(USERS):
            user = create_user(
                conn, tenant_id=tenant, email=f"u{u}@bench.test", password=None, role="admin"
            )
            principal = Principal(tenant_id=tenant, user_id=user, role="admin")
            users.append(user)
            for _ in range(2):
                record, _key = create_key(
                    conn, TEST_SECRET, principal, name="k", role=None, expires_at=None
                )
                keys.append(record["id"])
    started = time.perf_counter()
    lat = LATENCY_BUCKETS_MS
    bucket_sums = []
    for i in range(len(lat) + 1):
        low = f"execution_time_ms > {lat[i - 1]}" if i else "TRUE"
        high = f"execution_time_ms <= {lat[i]}" if i < len(lat) else "TRUE"
        bucket_sums.append(f"SUM(CASE WHEN {low} AND {high} THEN 1 ELSE 0 END)")
    day = "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    dims = {
        "": "''",
        "user": "user_id",
        "api_key": "coalesce(api_key_id, '')",
        "connection": "connection_id",
        "planner": "planner",
    }
    with db.begin() as conn:
        conn.execute(
            text(
                """
            INSERT INTO queries (id, tenant_id, user_id, connection_id, conversation_id,
                question, status, planner, row_count, truncated, execution_time_ms, tokens_in,
                tokens_out, created_at, api_key_id, cached, unmatched)
            SELECT 'qry_' || g, :tenant, (CAST(:users AS text[]))[1 + ui],
                'conn_' || floor(r2 * 3)::int, 'conv_x',
                'total sales by thing ' || floor(3000 * power(r3, 4))::int || ' last month',
                CASE WHEN r4 < 0.85 THEN 'answered' WHEN r4 < 0.95 THEN 'refused'
                     WHEN r4 < 0.995 THEN 'clarified' ELSE 'errored' END,
                CASE WHEN r5 < 0.1 THEN 'llm' ELSE 'deterministic' END,
                floor(r6 * 50)::int, FALSE, exp(2.0 + r7 * 2.5),
                CASE WHEN r5 < 0.1 THEN 500 + floor(r8 * 2500)::int END,
                CASE WHEN r5 < 0.1 THEN 50 + floor(r8 * 350)::int END,
                now() - make_interval(secs => r9 * :days * 86400),
                CASE WHEN r10 < 0.8  -- one of the user's own two keys, or a session
                     THEN (CAST(:keys AS text[]))[1 + 2 * ui + CAST(r10 < 0.4 AS int)] END,
                r6 < 0.3,
                CASE WHEN r4 >= 0.85 THEN
                    json_build_object('words', json_build_array('word' || floor(r8 * 300)::int))
                END
            FROM (SELECT g, floor(random() * 50)::int ui, random() r2, random() r3,
                         random() r4, random() r5, random() r6, random() r7, random() r8,
                         random() r9, random() r10
                  FROM generate_series(1, :count) g) s
            """
            ),
            {"tenant": tenant, "users": users, "keys": keys, "count": count, "days": DAYS},
        )
        counters = (
            "SUM(CASE WHEN status = 'answered' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN status = 'refused' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN status = 'clarified' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN status = 'errored' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN cached THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN status = 'answered' THEN row_count ELSE 0 END), "
            "SUM(coalesce(tokens_in, 0)), SUM(coalesce(tokens_out, 0)), "
            + ", ".join(bucket_sums)
            + ", SUM(execution_time_ms)"
        )
        columns = ", ".join(c.name for c in usage_rollups.c)
        for dim, value in dims.items():
            conn.execute(
                text(
                    f"INSERT INTO usage_rollups ({columns}) SELECT tenant_id, {day}, '{dim}', "
                    f"{value}, {counters} FROM queries WHERE tenant_id = :t "
                    f"GROUP BY tenant_id, {day}" + (f", {value}" if dim else "")
                ),
                {"t": tenant},
            )
        for dim in ("", "connection", "planner"):
            conn.execute(
                text(
                    "INSERT INTO usage_actives (tenant_id, day, dim, value, user_id, api_key_id) "
                    f"SELECT DISTINCT tenant_id, {day}, '{dim}', {dims[dim]}, user_id, "
                    "coalesce(api_key_id, '') FROM queries WHERE tenant_id = :t"
                ),
                {"t": tenant},
            )
        conn.execute(
            text(
                "INSERT INTO usage_terms (tenant_id, day, kind, term_hash, term, count, sample) "
                f"SELECT tenant_id, {day}, 'question', md5(lower(question)), lower(question), "
                f"count(*), min(question) FROM queries WHERE tenant_id = :t "
                f"GROUP BY tenant_id, {day}, question"
            ),
            {"t": tenant},
        )
        conn.execute(
            text(
                "INSERT INTO usage_terms (tenant_id, day, kind, term_hash, term, count, sample, "
                "suggestions) SELECT tenant_id, day, 'word', md5(word), word, count(*), "
                'min(question), CAST(\'{"metrics": ["total_sales"], "dimensions": []}\' '
                "AS json) FROM (SELECT tenant_id, " + day + " AS day, question, "
                "unmatched->'words'->>0 AS word FROM queries WHERE tenant_id = :t "
                "AND unmatched IS NOT NULL) w GROUP BY tenant_id, day, word"
            ),
            {"t": tenant},
        )
        for kind, month_kind in MONTH_KINDS.items():  # each term's month rows, from its days
            conn.execute(
                text(
                    "INSERT INTO usage_terms (tenant_id, day, kind, term_hash, term, count, "
                    "sample) SELECT tenant_id, substr(day, 1, 7), :month_kind, term_hash, "
                    "min(term), sum(count), min(sample) FROM usage_terms WHERE tenant_id = :t "
                    "AND kind = :kind GROUP BY tenant_id, substr(day, 1, 7), term_hash"
                ),
                {"t": tenant, "kind": kind, "month_kind": month_kind},
            )
        conn.execute(text("ANALYZE"))
    with db.connect() as conn:
        n_rollups = conn.execute(select(func.count()).select_from(usage_rollups)).scalar_one()
        n_terms = conn.execute(select(func.count()).select_from(usage_terms)).scalar_one()
    print(
        f"  loaded {count:,} history rows in the database in {time.perf_counter() - started:.0f} s "
        f"({n_rollups:,} rollup rows, {n_terms:,} term rows; computed in SQL)"
    )
    return tenant


def floor_ms(db: Any, tenant: str, first: dt.datetime) -> float:
    """The day-by-day report straight from the history (what the rollups replace)."""
    day = func.date(queries.c.created_at)
    statement = (
        select(day, queries.c.status, func.count(), func.sum(queries.c.row_count))
        .where(queries.c.tenant_id == tenant, queries.c.created_at >= first)
        .group_by(day, queries.c.status)
    )
    times = []
    for _ in range(3):
        started = time.perf_counter()
        with db.connect() as conn:
            conn.execute(statement).all()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def serve(env: dict[str, str]) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "nexatron.cli", "serve", "--host", "127.0.0.1",
               "--port", str(port)]  # fmt: skip
    return start_process(command, port, env)


REPORTS = [
    ("usage day", "/api/v1/analytics/usage", {"granularity": "day"}),
    ("usage week", "/api/v1/analytics/usage", {"granularity": "week"}),
    ("usage month", "/api/v1/analytics/usage", {"granularity": "month"}),
    ("usage by user", "/api/v1/analytics/usage", {"group_by": "user"}),
    ("usage by api_key", "/api/v1/analytics/usage", {"group_by": "api_key"}),
    ("usage by connection", "/api/v1/analytics/usage", {"group_by": "connection"}),
    ("usage by planner", "/api/v1/analytics/usage", {"group_by": "planner"}),
    ("questions", "/api/v1/analytics/questions", {"limit": 20}),
]
# Also timed: GET /auth/me on the same server (authentication and one hop, no report): what any
# request costs on this machine at that moment.


def bench_store(name: str, count: int, root: Path, python_load: bool) -> None:
    print(f"{name}:")
    data_dir = root / name
    data_dir.mkdir()
    env = {
        "NEXATRON_DATA_DIR": str(data_dir), "NEXATRON_DEV": "1", "NEXATRON_DEMO": "0",
        "NEXATRON_SECRET_KEY": TEST_SECRET, "NEXATRON_LOG_LEVEL": "warning",
        "NEXATRON_RATE_LIMIT_PLANS": '{"default": "100000/minute"}',
    }  # fmt: skip
    cleanup = None
    if name == "postgres":
        schema = "nx_bench_" + secrets.token_hex(4)
        admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg2://"))
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        env["NEXATRON_DATABASE_URL"] = f"{PG_URL}?options=-csearch_path%3D{schema}"

        def cleanup() -> None:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()

    try:
        services = build_services(settings_from_env(env))
        in_db = name == "postgres" and not python_load
        tenant = (load_in_database if in_db else load)(services.db, count)
        with services.db.begin() as conn:
            [user] = conn.execute(
                text("SELECT id FROM users WHERE tenant_id = :t LIMIT 1"), {"t": tenant}
            ).first() or [None]
            principal = Principal(tenant_id=tenant, user_id=user, role="admin")
            _, key = create_key(conn, TEST_SECRET, principal, name="b", role=None, expires_at=None)
        first = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
        print(
            "  floor: the day report from the history itself: "
            f"{floor_ms(services.db, tenant, first):.0f} ms"
        )
        services.close()
        server = serve(env)
        try:
            with httpx.Client(
                base_url=server.url, headers={"Authorization": f"Bearer {key}"}
            ) as http:
                floor = ("floor: GET /auth/me", "/api/v1/auth/me", {})
                for label, path, params in [floor, *REPORTS]:
                    times = []
                    for _ in range(20):
                        started = time.perf_counter()
                        r = http.get(path, params=params, timeout=30)
                        times.append((time.perf_counter() - started) * 1000)
                        assert r.status_code == 200, r.text
                    body = r.json()
                    size = len(body.get("data") or body.get("top_questions") or []) if body else 0
                    print(
                        f"  {label:22s} median {statistics.median(times):6.1f} ms   "
                        f"max {max(times):6.1f} ms   ({size} entries)"
                    )
        finally:
            stop(server)
    finally:
        if cleanup:
            cleanup()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument(
        "--python-load",
        action="store_true",
        help="load PostgreSQL through the writer's Python rows too (slow on a busy machine)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for store in args.stores.split(","):
            bench_store(store, args.rows, Path(tmp), args.python_load)


if __name__ == "__main__":
    main()
