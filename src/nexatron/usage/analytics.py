"""Usage analytics of one tenant, read from the rollups the history writer keeps (never from the
history itself): a 30-day report reads a few thousand rows whatever the history holds."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from sqlalchemy import BigInteger, Connection, Date, cast, distinct, func, literal, select

from nexatron.store.tables import (
    LATENCY_BUCKETS_MS,
    LATENCY_COLUMNS,
    usage_actives,
    usage_rollups,
    usage_terms,
)

Granularity = Literal["day", "week", "month"]
GroupBy = Literal["user", "api_key", "connection", "planner"]
SUMMED = (
    "answered", "refused", "clarified", "errored", "cache_hits", "rows_returned", "tokens_in",
    "tokens_out", *LATENCY_COLUMNS,
)  # fmt: skip


def percentile(histogram: list[int], q: float) -> float | None:
    """The q-quantile of a latency histogram, linear within its bucket (the open last bucket
    reports its lower bound)."""
    total = sum(histogram)
    if not total:
        return None
    wanted = q * total
    seen = 0
    for index, count in enumerate(histogram):
        if count and seen + count >= wanted:
            low = LATENCY_BUCKETS_MS[index - 1] if index else 0.0
            if index >= len(LATENCY_BUCKETS_MS):
                return float(low)
            high = LATENCY_BUCKETS_MS[index]
            return round(low + (high - low) * (wanted - seen) / count, 2)
        seen += count
    return float(LATENCY_BUCKETS_MS[-1])


def _bucket_expr(conn: Connection, day: Any, granularity: Granularity) -> Any:
    """The bucket's first day (YYYY-MM-DD) from a rollup's `day` text, in SQL."""
    if granularity == "day":
        return day
    if granularity == "month":
        return func.substr(day, 1, 7) + literal("-01")
    if conn.dialect.name == "postgresql":  # ISO weeks: Monday
        return func.to_char(func.date_trunc("week", cast(day, Date)), "YYYY-MM-DD")
    return func.date(day, "weekday 0", "-6 days")


_LATENCY_AT = len(SUMMED) - len(LATENCY_COLUMNS)


def _view(sums: tuple[Any, ...], latency_sum: float, users: int, keys: int) -> dict[str, Any]:
    """An entry from the summed counters (in SUMMED's order)."""
    answered, refused, clarified, errored, cache_hits, rows, tokens_in, tokens_out = (
        int(v or 0) for v in sums[:_LATENCY_AT]
    )
    histogram = [int(v or 0) for v in sums[_LATENCY_AT:]]
    asked = answered + refused + clarified + errored
    return {
        "questions": asked,
        "answered": answered,
        "refused": refused,
        "clarified": clarified,
        "errored": errored,
        "cache_hits": cache_hits,
        "latency_ms": {
            "p50": percentile(histogram, 0.5),
            "p95": percentile(histogram, 0.95),
            "mean": round(float(latency_sum or 0) / asked, 2) if asked else None,
        },
        "rows_returned": rows,
        "llm_tokens_in": tokens_in,
        "llm_tokens_out": tokens_out,
        "active_users": users,
        "active_keys": keys,
    }


def usage(
    conn: Connection,
    tenant_id: str,
    first: dt.date,
    last: dt.date,
    granularity: Granularity,
    group_by: GroupBy | None,
) -> list[dict[str, Any]]:
    """One entry per bucket (and group), oldest first; days are UTC and both ends included.
    Two GROUP BYs in the database: the counters of the group's rollup rows, and the distinct
    active users and keys."""
    window = (first.isoformat(), last.isoformat())
    t = usage_rollups.c
    bucket = _bucket_expr(conn, t.day, granularity).label("bucket")
    counters = (
        select(
            bucket,
            t.value,
            *(cast(func.sum(t[c]), BigInteger) for c in SUMMED),  # ints, not Decimals
            func.sum(t.latency_ms_sum),
        )
        .where(t.tenant_id == tenant_id, t.dim == (group_by or ""))
        .where(t.day >= window[0], t.day <= window[1])
        .group_by(bucket, t.value)
        .order_by(bucket, t.value)
    )
    a = usage_actives.c
    active_bucket = _bucket_expr(conn, a.day, granularity).label("bucket")
    dim: str = ""
    group: Any = literal("")
    if group_by in ("connection", "planner"):
        dim, group = group_by, a.value
    elif group_by == "user":
        group = a.user_id
    elif group_by == "api_key":
        group = a.api_key_id
    actives = (
        select(
            active_bucket,
            group.label("value"),
            func.count(distinct(a.user_id)),
            func.count(distinct(func.nullif(a.api_key_id, ""))),
        )
        .where(a.tenant_id == tenant_id, a.dim == dim)
        .where(a.day >= window[0], a.day <= window[1])
        .group_by(active_bucket, *([] if group_by is None else [group]))
    )
    active = {(r[0], r[1]): (int(r[2]), int(r[3])) for r in conn.execute(actives)}
    out = []
    width = len(SUMMED)
    for row in conn.execute(counters).tuples():
        period, value = row[0], row[1]
        entry: dict[str, Any] = {"period_start": period}
        if group_by:
            entry["group"] = {"by": group_by, "value": value or None}
        users, keys = active.get((period, value), (0, 0))
        entry.update(_view(row[2 : 2 + width], row[2 + width], users, keys))
        out.append(entry)
    return out


def questions(
    conn: Connection, tenant_id: str, first: dt.date, last: dt.date, limit: int
) -> dict[str, Any]:
    """The most asked questions, and the words most often left unmatched (with sample questions
    and the metrics or dimensions suggested): what a layer author should teach next."""
    return {
        "top_questions": [
            {"question": term, "count": count, "sample": sample}
            for term, count, sample, _ in _top(conn, tenant_id, "question", first, last, limit)
        ],
        "unmatched_words": _words(conn, tenant_id, first, last, limit),
    }


def _top(
    conn: Connection, tenant_id: str, kind: str, first: dt.date, last: dt.date, limit: int
) -> list[tuple[str, int, str | None, str]]:
    """(term, count, a sample, hash) of the most frequent terms: counted on the covering index
    (tenant, kind, day, hash, count), then the texts of those few read."""
    t = usage_terms.c
    total = func.sum(t.count).label("n")
    window = (
        t.tenant_id == tenant_id,
        t.kind == kind,
        t.day >= first.isoformat(),
        t.day <= last.isoformat(),
    )
    counted = conn.execute(
        select(t.term_hash, total)
        .where(*window)
        .group_by(t.term_hash)
        .order_by(total.desc(), t.term_hash)
        .limit(limit)
    ).all()
    if not counted:
        return []
    texts: dict[str, tuple[str, str | None]] = {}
    hashes = [h for h, _ in counted]
    for term_hash, term, sample in conn.execute(
        select(t.term_hash, t.term, t.sample).where(*window, t.term_hash.in_(hashes))
    ):
        texts.setdefault(term_hash, (term, sample))
    return [(texts[h][0], int(n), texts[h][1], h) for h, n in counted]


SAMPLES = 3


def _words(
    conn: Connection, tenant_id: str, first: dt.date, last: dt.date, limit: int
) -> list[dict[str, Any]]:
    top = _top(conn, tenant_id, "word", first, last, limit)
    if not top:
        return []
    t = usage_terms.c
    details: dict[str, tuple[list[str], Any]] = {h: ([], None) for *_, h in top}
    rows = conn.execute(
        select(t.term_hash, t.sample, t.suggestions)
        .where(
            t.tenant_id == tenant_id,
            t.kind == "word",
            t.term_hash.in_(list(details)),
            t.day >= first.isoformat(),
            t.day <= last.isoformat(),
        )
        .order_by(t.day.desc())
    )
    for term_hash, sample, suggestions in rows:
        samples, latest = details[term_hash]
        if sample and sample not in samples and len(samples) < SAMPLES:
            samples.append(sample)
        if latest is None and suggestions:
            details[term_hash] = (samples, suggestions)
    return [
        {
            "word": term,
            "count": count,
            "sample_questions": details[h][0],
            "suggestions": details[h][1] or {"metrics": [], "dimensions": []},
        }
        for term, count, _, h in top
    ]
