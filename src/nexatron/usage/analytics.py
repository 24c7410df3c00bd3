"""Usage analytics of one tenant, read from the rollups the history writer keeps (never from the
history itself): a 30-day report reads a few thousand rows whatever the history holds."""

from __future__ import annotations

import datetime as dt
import json
from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate
from typing import Any, Literal

from sqlalchemy import (
    BigInteger,
    Connection,
    Date,
    Text,
    and_,
    cast,
    distinct,
    func,
    literal,
    or_,
    select,
    union_all,
)

from nexatron.store.tables import (
    LATENCY_BUCKETS_MS,
    LATENCY_COLUMNS,
    usage_actives,
    usage_rollups,
    usage_terms,
    verified_answers,
)
from nexatron.usage.writer import MONTH_KINDS

Granularity = Literal["day", "week", "month"]
GroupBy = Literal["user", "api_key", "connection", "planner"]
SUMMED = (
    "answered", "refused", "clarified", "errored", "cache_hits", "rows_returned", "tokens_in",
    "tokens_out", *LATENCY_COLUMNS,
)  # fmt: skip


def percentile(histogram: list[int], q: float) -> float | None:
    """The q-quantile of a latency histogram, linear within its bucket (the open last bucket
    reports its lower bound)."""
    return percentiles(histogram, (q,))[0]


def percentiles(histogram: list[int], qs: tuple[float, ...]) -> list[float | None]:
    """Several quantiles of one histogram (one cumulative sum, a bisection each)."""
    cumulative = list(accumulate(histogram))
    total = cumulative[-1] if cumulative else 0
    if not total:
        return [None] * len(qs)
    out: list[float | None] = []
    for q in qs:
        wanted = q * total
        index = bisect_left(cumulative, wanted)  # the first bucket reaching it (never empty)
        seen = cumulative[index - 1] if index else 0
        low = LATENCY_BUCKETS_MS[index - 1] if index else 0.0
        if index >= len(LATENCY_BUCKETS_MS):
            out.append(float(low))
            continue
        count = cumulative[index] - seen
        high = LATENCY_BUCKETS_MS[index]
        out.append(round(low + (high - low) * (wanted - seen) / count, 2))
    return out


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


def _view(sums: Sequence[Any], latency_sum: float, users: int, keys: int) -> dict[str, Any]:
    """An entry from the summed counters (in SUMMED's order)."""
    answered, refused, clarified, errored, cache_hits, rows, tokens_in, tokens_out = map(
        int, sums[:_LATENCY_AT]
    )
    histogram = list(map(int, sums[_LATENCY_AT:]))
    asked = answered + refused + clarified + errored
    p50, p95 = percentiles(histogram, (0.5, 0.95))
    return {
        "questions": asked,
        "answered": answered,
        "refused": refused,
        "clarified": clarified,
        "errored": errored,
        "cache_hits": cache_hits,
        "latency_ms": {
            "p50": p50,
            "p95": p95,
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
    The counters of the group's rollup rows (by day: the rows themselves, in the key's order;
    by week or month: summed in the database), and the distinct active users and keys (a GROUP
    BY)."""
    window = (first.isoformat(), last.isoformat())
    t = usage_rollups.c
    where = (t.tenant_id == tenant_id, t.dim == (group_by or ""), t.day >= window[0])
    if granularity == "day":  # one rollup row per day and group: nothing to add up
        counters = (
            select(t.day, t.value, *(t[c] for c in SUMMED), t.latency_ms_sum)
            .where(*where, t.day <= window[1])
            .order_by(t.day, t.value)
        )
    else:
        bucket = _bucket_expr(conn, t.day, granularity).label("bucket")
        counters = (
            select(
                bucket,
                t.value,
                *(cast(func.sum(t[c]), BigInteger) for c in SUMMED),  # ints, not Decimals
                func.sum(t.latency_ms_sum),
            )
            .where(*where, t.day <= window[1])
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
    active = {(r[0], r[1]): (int(r[2]), int(r[3])) for r in conn.execute(actives).all()}
    out = []
    width = len(SUMMED)
    for row in conn.execute(counters).all():
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
    """The most asked questions (with the feedback on their answers: votes up and down, and
    whether an admin verified an answer to that question), and the words most often left
    unmatched (with sample questions and the metrics or dimensions suggested): what a layer
    author should teach next."""
    top = _top(conn, tenant_id, "question", first, last, limit)
    verified = _verified(conn, tenant_id, [term for term, *_ in top])
    return {
        "top_questions": [
            {
                "question": term,
                "count": count,
                "sample": sample,
                "feedback": {"up": up, "down": down},
                "verified": term in verified,
            }
            for term, count, sample, _, up, down in top
        ],
        "unmatched_words": _words(conn, tenant_id, first, last, limit),
    }


def _verified(conn: Connection, tenant_id: str, terms: list[str]) -> set[str]:
    """Which of these questions have an admin-verified answer (same normalised words)."""
    if not terms:
        return set()
    from nexatron.query.verified import normalize

    wanted = {normalize(term): term for term in terms}
    v = verified_answers.c
    found = conn.execute(
        select(v.normalized).where(v.tenant_id == tenant_id, v.normalized.in_(list(wanted)))
    ).scalars()
    return {wanted[n] for n in found}


def _top(
    conn: Connection, tenant_id: str, kind: str, first: dt.date, last: dt.date, limit: int
) -> list[tuple[str, int, str | None, str, int, int]]:
    """(term, count, a sample, hash, votes up, votes down) of the most frequent terms: counted
    on the covering index (tenant, kind, day, hash, count), then those few read."""
    t = usage_terms.c
    window = (
        t.tenant_id == tenant_id,
        t.kind == kind,
        t.day >= first.isoformat(),
        t.day <= last.isoformat(),
    )
    counted = conn.execute(_counting(tenant_id, kind, first, last, limit)).all()
    if not counted:
        return []
    hashes = [h for h, _ in counted]
    details = {
        h: (term, sample, int(up), int(down))
        for h, term, sample, up, down in conn.execute(
            select(
                t.term_hash,
                func.min(t.term),
                func.min(t.sample),
                cast(func.sum(t.up), BigInteger),
                cast(func.sum(t.down), BigInteger),
            )
            .where(*window, t.term_hash.in_(hashes))
            .group_by(t.term_hash)
        ).all()
    }
    return [(details[h][0], int(n), details[h][1], h, *details[h][2:]) for h, n in counted]


def month_plan(
    first: dt.date, last: dt.date, today: dt.date
) -> tuple[list[tuple[str, str]], list[str], list[tuple[str, str]]]:
    """How a window's counts are read: (day ranges added, months added whole, day ranges
    subtracted). A month the window covers in part is read as its month row minus the days left
    out when that reads fewer rows (days after `today` hold nothing yet, so cost nothing)."""
    added: list[tuple[str, str]] = []
    months: list[str] = []
    subtracted: list[tuple[str, str]] = []
    month = first.replace(day=1)
    while month <= last:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        month_last = following - dt.timedelta(days=1)
        low, high = max(first, month), min(last, month_last)
        covered = (high - low).days + 1
        outside = []
        if low > month:
            outside.append((month, low - dt.timedelta(days=1)))
        if high < month_last:
            outside.append((high + dt.timedelta(days=1), month_last))
        with_data = sum(max(0, (min(b, today) - a).days + 1) for a, b in outside)
        if 1 + with_data < covered:
            months.append(month.strftime("%Y-%m"))
            subtracted.extend((a.isoformat(), b.isoformat()) for a, b in outside)
        else:
            added.append((low.isoformat(), high.isoformat()))
        month = following
    return added, months, subtracted


def _counting(tenant_id: str, kind: str, first: dt.date, last: dt.date, limit: int) -> Any:
    """The top `limit` (hash, count) of a kind over the window, counted in the database from
    the day and month rows `month_plan` picks (on the covering index)."""
    t = usage_terms.c
    added, months, subtracted = month_plan(first, last, dt.datetime.now(dt.UTC).date())
    parts = []
    if added:
        parts.append(
            select(t.term_hash, t.count.label("n")).where(
                t.tenant_id == tenant_id,
                t.kind == kind,
                or_(*(and_(t.day >= a, t.day <= b) for a, b in added)),
            )
        )
    if months:
        parts.append(
            select(t.term_hash, t.count.label("n")).where(
                t.tenant_id == tenant_id, t.kind == MONTH_KINDS[kind], t.day.in_(months)
            )
        )
    if subtracted:
        parts.append(
            select(t.term_hash, (-t.count).label("n")).where(
                t.tenant_id == tenant_id,
                t.kind == kind,
                or_(*(and_(t.day >= a, t.day <= b) for a, b in subtracted)),
            )
        )
    rows = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    total = cast(func.sum(rows.c.n), BigInteger).label("total")
    return (
        select(rows.c.term_hash, total)
        .group_by(rows.c.term_hash)
        .having(func.sum(rows.c.n) > 0)  # rows holding only votes are not questions asked
        .order_by(total.desc(), rows.c.term_hash)
        .limit(limit)
    )


SAMPLES = 3


def _words(
    conn: Connection, tenant_id: str, first: dt.date, last: dt.date, limit: int
) -> list[dict[str, Any]]:
    top = _top(conn, tenant_id, "word", first, last, limit)
    if not top:
        return []
    t = usage_terms.c
    samples: dict[str, list[str]] = {h: [] for *_, h, _up, _down in top}
    latest: dict[str, str] = {}
    rows = conn.execute(
        select(t.term_hash, t.sample, cast(t.suggestions, Text))  # decoded only when chosen
        .where(
            t.tenant_id == tenant_id,
            t.kind == "word",
            t.term_hash.in_(list(samples)),
            t.day >= first.isoformat(),
            t.day <= last.isoformat(),
        )
        .order_by(t.day.desc())
    ).all()
    for term_hash, sample, suggestions in rows:
        kept = samples[term_hash]
        if sample and sample not in kept and len(kept) < SAMPLES:
            kept.append(sample)
        if term_hash not in latest and suggestions and suggestions != "null":
            latest[term_hash] = suggestions
    return [
        {
            "word": term,
            "count": count,
            "sample_questions": samples[h],
            "suggestions": json.loads(latest[h])
            if h in latest
            else {"metrics": [], "dimensions": []},
        }
        for term, count, _, h, _up, _down in top
    ]
