"""The analytics reports read from the rollups equal the same reports computed from the raw
history, over random histories (hypothesis): every granularity and grouping of
GET /analytics/usage, and GET /analytics/questions (top questions with their votes and
verified flag, unmatched words). Both ways of filling the rollups are checked: the history
writer (facts written in random batches) and the backfill of migration 0012 (usage/backfill.py,
rollups rebuilt from the history alone)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from nexatron.identity.roles import Principal
from nexatron.identity.users import create_tenant
from nexatron.query.verified import VerifiedAnswers, normalize
from nexatron.services import Services, build_services
from nexatron.store.tables import (
    queries,
    query_feedback,
    usage_actives,
    usage_rollups,
    usage_terms,
    verified_answers,
)
from nexatron.testing import make_settings
from nexatron.usage import analytics
from nexatron.usage.backfill import rebuild
from nexatron.usage.facts import UsageFact
from nexatron.usage.writer import UsageWriter

TODAY = dt.date(2026, 3, 11)  # a Wednesday: windows cross a week and a month boundary
BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000)
QUESTIONS = [
    "Total sales?",
    "total  sales",
    "TOTAL SALES.",
    "orders by region",
    "Orders by Region!",
]
WORDS = ["zorp", "galaxy", "unicorn"]
SUGGESTIONS = [None, {"metrics": ["sales"], "dimensions": []}, {"metrics": [], "dimensions": ["r"]}]


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    settings_, cleanup = make_settings(tmp_path_factory.mktemp("rollups"))
    built = build_services(settings_)
    try:
        yield built
    finally:
        built.close()
        if cleanup:
            cleanup()


fact_values = st.fixed_dictionaries(
    {
        "user": st.sampled_from(["usr_a", "usr_b", "usr_c"]),
        "key": st.sampled_from([None, "key_1", "key_2"]),
        "connection": st.sampled_from(["conn_x", "conn_y"]),
        "planner": st.sampled_from(["deterministic", "llm"]),
        "status": st.sampled_from(["answered", "refused", "clarified", "errored"]),
        "question": st.sampled_from(QUESTIONS),
        "day": st.integers(0, 40),
        "second": st.integers(0, 86_399),
        "latency": st.one_of(
            st.sampled_from([0.0, 1.0, 1.5, 2.0, 5.0, 30_000.0, 45_000.0]),
            st.floats(0, 60_000, allow_nan=False),
        ),
        "rows": st.integers(0, 500),
        "cached": st.booleans(),
        "tokens_in": st.integers(0, 3000),
        "tokens_out": st.integers(0, 300),
        "words": st.lists(st.sampled_from(WORDS), max_size=3),
        "suggestions": st.sampled_from(SUGGESTIONS),
    }
)
history_strategy = st.fixed_dictionaries(
    {
        "facts": st.lists(fact_values, min_size=1, max_size=40),
        "batches": st.lists(st.integers(1, 8), min_size=1, max_size=10),
        "votes": st.lists(st.tuples(st.integers(0, 39), st.sampled_from(["up", "down"]))),
        "verified": st.lists(st.sampled_from(QUESTIONS), max_size=2, unique=True),
        "window": st.tuples(st.integers(0, 40), st.integers(0, 40)),
    }
)


def make_facts(tenant: str, values: list[dict[str, Any]]) -> list[UsageFact]:
    out = []
    for i, v in enumerate(values):
        moment = dt.datetime.combine(TODAY - dt.timedelta(days=v["day"]), dt.time(), dt.UTC)
        failed = v["status"] in ("refused", "clarified")
        out.append(
            UsageFact(
                query_id=f"qry_{tenant[-6:]}_{i}", tenant_id=tenant, user_id=v["user"],
                api_key_id=v["key"], connection_id=v["connection"], connection_type="duckdb",
                planner=v["planner"], status=v["status"], question=v["question"],
                occurred_at=moment + dt.timedelta(seconds=v["second"], microseconds=i),
                latency_ms=round(v["latency"], 2),
                rows=v["rows"] if v["status"] == "answered" else 0,
                cached=v["cached"] and v["status"] == "answered",
                tokens_in=v["tokens_in"] if v["planner"] == "llm" else 0,
                tokens_out=v["tokens_out"] if v["planner"] == "llm" else 0,
                unmatched=tuple(dict.fromkeys(v["words"])) if failed else (),
                suggestions=v["suggestions"] if failed and v["words"] else None,
            )
        )  # fmt: skip
    return sorted(out, key=lambda f: f.occurred_at)  # the writer's order: as answered


def history_row(fact: UsageFact) -> dict[str, Any]:
    """The `queries` row the history writer stores with the fact (query/outcomes.py)."""
    unmatched = (
        {"words": list(fact.unmatched), "suggestions": fact.suggestions} if fact.unmatched else None
    )
    return {
        "id": fact.query_id, "tenant_id": fact.tenant_id, "user_id": fact.user_id,
        "connection_id": fact.connection_id, "conversation_id": "conv_x",
        "question": fact.question, "status": fact.status, "planner": fact.planner,
        "row_count": fact.rows if fact.status == "answered" else None, "truncated": False,
        "execution_time_ms": fact.latency_ms, "tokens_in": fact.tokens_in or None,
        "tokens_out": fact.tokens_out or None, "created_at": fact.occurred_at,
        "api_key_id": fact.api_key_id, "cached": fact.cached, "unmatched": unmatched,
    }  # fmt: skip


# -- the reports computed from the raw history -------------------------------------------------
def bucket_of(day: dt.date, granularity: str) -> str:
    if granularity == "week":
        return (day - dt.timedelta(days=day.weekday())).isoformat()
    if granularity == "month":
        return day.replace(day=1).isoformat()
    return day.isoformat()


def reference_percentile(latencies: list[float], q: float) -> float | None:
    histogram = [0] * (len(BUCKETS) + 1)
    for latency in latencies:
        histogram[next((i for i, b in enumerate(BUCKETS) if latency <= b), len(BUCKETS))] += 1
    total = sum(histogram)
    if not total:
        return None
    wanted, seen = q * total, 0
    for index, count in enumerate(histogram):
        if count and seen + count >= wanted:
            low = BUCKETS[index - 1] if index else 0.0
            if index >= len(BUCKETS):
                return float(low)
            return round(low + (BUCKETS[index] - low) * (wanted - seen) / count, 2)
        seen += count
    raise AssertionError("unreachable")


def reference_usage(
    rows: list[Any], first: dt.date, last: dt.date, granularity: str, group_by: str | None
) -> list[dict[str, Any]]:
    groups: dict[tuple[str, Any], list[Any]] = defaultdict(list)
    for row in rows:
        day = row.created_at.astimezone(dt.UTC).date()
        if first <= day <= last:
            value = {
                None: "", "user": row.user_id, "api_key": row.api_key_id or "",
                "connection": row.connection_id, "planner": row.planner,
            }[group_by]  # fmt: skip
            groups[(bucket_of(day, granularity), value)].append(row)
    out = []
    for (period, value), members in sorted(groups.items()):
        entry: dict[str, Any] = {"period_start": period}
        if group_by:
            entry["group"] = {"by": group_by, "value": value or None}
        count = {s: sum(r.status == s for r in members) for s in analytics.SUMMED[:4]}
        latencies = [r.execution_time_ms for r in members]
        entry |= {
            "questions": len(members), **count,
            "cache_hits": sum(bool(r.cached) for r in members),
            "latency_ms": {
                "p50": reference_percentile(latencies, 0.5),
                "p95": reference_percentile(latencies, 0.95),
                "mean": pytest.approx(sum(latencies) / len(members), abs=0.011),
            },
            "rows_returned": sum(r.row_count or 0 for r in members if r.status == "answered"),
            "llm_tokens_in": sum(r.tokens_in or 0 for r in members),
            "llm_tokens_out": sum(r.tokens_out or 0 for r in members),
            "active_users": len({r.user_id for r in members}),
            "active_keys": len({r.api_key_id for r in members if r.api_key_id}),
        }  # fmt: skip
        out.append(entry)
    return out


def normalised(question: str) -> str:
    return " ".join(question.lower().split()).rstrip("?.! ")[:500]


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def reference_questions(
    rows: list[Any], votes: list[Any], verified: set[str], first: dt.date, last: dt.date
) -> dict[str, Any]:
    inside = [r for r in rows if first <= r.created_at.astimezone(dt.UTC).date() <= last]
    asked: dict[str, list[Any]] = defaultdict(list)
    for row in inside:
        asked[normalised(row.question)].append(row)
    ids = {r.id: normalised(r.question) for r in inside}
    tally: dict[str, dict[str, int]] = defaultdict(lambda: {"up": 0, "down": 0})
    for query_id, vote in votes:
        if query_id in ids:
            tally[ids[query_id]][vote] += 1
    top = sorted(asked, key=lambda term: (-len(asked[term]), sha1(term)))[:20]
    words: dict[str, list[Any]] = defaultdict(list)
    for row in inside:
        for word in dict.fromkeys((row.unmatched or {}).get("words") or []):
            words[word].append(row)
    top_words = sorted(words, key=lambda w: (-len(words[w]), sha1(w)))[:20]
    latest: dict[str, Any] = {}
    for word in top_words:
        offered = [r for r in words[word] if (r.unmatched or {}).get("suggestions")]
        last_one = max(offered, key=lambda r: r.created_at, default=None)
        latest[word] = (
            last_one.unmatched["suggestions"] if last_one else {"metrics": [], "dimensions": []}
        )
    return {
        "top_questions": [
            {
                "question": term,
                "count": len(asked[term]),
                "samples": {r.question for r in asked[term]},
                "feedback": tally[term],
                "verified": normalize(term) in verified,
            }
            for term in top
        ],
        "unmatched_words": [
            {
                "word": w,
                "count": len(words[w]),
                "samples": {r.question for r in words[w]},
                "suggestions": latest[w],
            }
            for w in top_words
        ],
    }


def check_questions(got: dict[str, Any], want: dict[str, Any]) -> None:
    assert [(q["question"], q["count"]) for q in got["top_questions"]] == [
        (q["question"], q["count"]) for q in want["top_questions"]
    ]
    for g, w in zip(got["top_questions"], want["top_questions"], strict=True):
        assert g["sample"] in w["samples"]
        assert g["feedback"] == w["feedback"] and g["verified"] == w["verified"]
    assert [(u["word"], u["count"]) for u in got["unmatched_words"]] == [
        (u["word"], u["count"]) for u in want["unmatched_words"]
    ]
    for g, w in zip(got["unmatched_words"], want["unmatched_words"], strict=True):
        samples = g["sample_questions"]
        assert samples and len(samples) <= 3 and len(set(samples)) == len(samples)
        assert set(samples) <= w["samples"]
        assert g["suggestions"] == w["suggestions"]


def reports(conn: Any, tenant: str, first: dt.date, last: dt.date) -> dict[str, Any]:
    out: dict[str, Any] = {"questions": analytics.questions(conn, tenant, first, last, 20)}
    for granularity in ("day", "week", "month"):
        for group_by in (None, "user", "api_key", "connection", "planner"):
            out[(granularity, group_by)] = analytics.usage(
                conn, tenant, first, last, granularity, group_by
            )
    return out


def check(services: Services, tenant: str, first: dt.date, last: dt.date) -> None:
    with services.db.connect() as conn:
        got = reports(conn, tenant, first, last)
        rows = list(conn.execute(select(queries).where(queries.c.tenant_id == tenant)))
        votes = conn.execute(
            select(query_feedback.c.query_id, query_feedback.c.vote).where(
                query_feedback.c.tenant_id == tenant
            )
        ).all()
        verified = set(
            conn.execute(
                select(verified_answers.c.normalized).where(verified_answers.c.tenant_id == tenant)
            ).scalars()
        )
    for granularity in ("day", "week", "month"):
        for group_by in (None, "user", "api_key", "connection", "planner"):
            want = reference_usage(rows, first, last, granularity, group_by)
            assert got[(granularity, group_by)] == want, (granularity, group_by)
    check_questions(got["questions"], reference_questions(rows, votes, verified, first, last))


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=history_strategy)
def test_rollups_answer_what_the_history_answers(services: Services, history: Any) -> None:
    with services.db.begin() as conn:
        tenant = create_tenant(conn, "Rollups " + secrets.token_hex(4))
    facts = make_facts(tenant, history["facts"])
    writer = UsageWriter(services.settings.model_copy(update={"metering": False}))
    start, sizes = 0, iter(history["batches"] * 40)
    while start < len(facts):  # the history writer's batches: history rows and usage together
        batch = facts[start : start + next(sizes)]
        with services.db.begin() as conn:
            conn.execute(queries.insert(), [history_row(f) for f in batch])
            writer.write_many(conn, list(batch))
        start += len(batch)
    answers = VerifiedAnswers(services.db)
    principal = Principal(tenant_id=tenant, user_id="usr_a", role="admin")
    with services.db.connect() as conn:
        by_id = {
            r.id: r for r in conn.execute(select(queries).where(queries.c.tenant_id == tenant))
        }
    for index, vote in history["votes"]:
        if index < len(facts):
            answers.feedback(principal, by_id[facts[index].query_id], {"vote": vote})
    now = dt.datetime.now(dt.UTC)
    with services.db.begin() as conn:
        for question in history["verified"]:
            conn.execute(
                verified_answers.insert().values(
                    id="ver_" + secrets.token_hex(6), tenant_id=tenant, connection_id="conn_x",
                    query_id="qry_" + secrets.token_hex(6), question=question,
                    normalized=normalize(question), plan={}, verified_by="usr_a",
                    created_at=now, updated_at=now,
                )
            )  # fmt: skip
    a, b = sorted(history["window"])
    windows = [
        (TODAY - dt.timedelta(days=40), TODAY),  # Jan 30 - Mar 11: February read as its month row
        (dt.date(2026, 2, 2), dt.date(2026, 2, 28)),  # February's row minus February 1
        (TODAY - dt.timedelta(days=b), TODAY - dt.timedelta(days=a)),
    ]
    for first, last in windows:  # the rollups the history writer kept
        check(services, tenant, first, last)
    with services.db.begin() as conn:  # the migration's backfill, from the history alone
        for table in (usage_rollups, usage_actives, usage_terms):
            conn.execute(delete(table).where(table.c.tenant_id == tenant))
        assert rebuild(conn, tenant) == len(facts)
    for first, last in windows:
        check(services, tenant, first, last)
