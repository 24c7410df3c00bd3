"""Usage analytics of one tenant, read from the rollups the history writer keeps (never from the
history itself): a 30-day report reads a few thousand rows whatever the history holds."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Connection, func, select

from nexatron.store.tables import LATENCY_BUCKETS_MS, LATENCY_COLUMNS, usage_rollups, usage_terms

Granularity = Literal["day", "week", "month"]
GroupBy = Literal["user", "api_key", "connection", "planner"]
GROUP_COLUMNS = {
    "user": "user_id",
    "api_key": "api_key_id",
    "connection": "connection_id",
    "planner": "planner",
}
SUMMED = (
    "answered", "refused", "clarified", "errored", "cache_hits", "rows_returned", "tokens_in",
    "tokens_out", *LATENCY_COLUMNS,
)  # fmt: skip


def bucket_start(day: dt.date, granularity: Granularity) -> dt.date:
    if granularity == "week":
        return day - dt.timedelta(days=day.weekday())  # ISO weeks: Monday
    if granularity == "month":
        return day.replace(day=1)
    return day


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


@dataclass
class _Bucket:
    sums: dict[str, float] = field(default_factory=lambda: dict.fromkeys(SUMMED, 0))
    latency_sum: float = 0.0
    users: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)

    def view(self) -> dict[str, Any]:
        s = self.sums
        histogram = [int(s[c]) for c in LATENCY_COLUMNS]
        asked = int(s["answered"] + s["refused"] + s["clarified"] + s["errored"])
        return {
            "questions": asked,
            "answered": int(s["answered"]),
            "refused": int(s["refused"]),
            "clarified": int(s["clarified"]),
            "errored": int(s["errored"]),
            "cache_hits": int(s["cache_hits"]),
            "latency_ms": {
                "p50": percentile(histogram, 0.5),
                "p95": percentile(histogram, 0.95),
                "mean": round(self.latency_sum / asked, 2) if asked else None,
            },
            "rows_returned": int(s["rows_returned"]),
            "llm_tokens_in": int(s["tokens_in"]),
            "llm_tokens_out": int(s["tokens_out"]),
            "active_users": len(self.users),
            "active_keys": len(self.keys),
        }


def usage(
    conn: Connection,
    tenant_id: str,
    first: dt.date,
    last: dt.date,
    granularity: Granularity,
    group_by: GroupBy | None,
) -> list[dict[str, Any]]:
    """One entry per bucket (and group), oldest first; days are UTC and both ends included."""
    t = usage_rollups.c
    group_col = t[GROUP_COLUMNS[group_by]] if group_by else None
    keys = [t.day, t.user_id, t.api_key_id] + ([group_col] if group_col is not None else [])
    keys = list(dict.fromkeys(keys))  # group_by user/api_key is already a key
    statement = (
        select(*keys, *(func.sum(t[c]).label(c) for c in SUMMED), func.sum(t.latency_ms_sum))
        .where(t.tenant_id == tenant_id, t.day >= first.isoformat(), t.day <= last.isoformat())
        .group_by(*keys)
    )
    buckets: dict[tuple[str, str | None], _Bucket] = defaultdict(_Bucket)
    width = len(keys)
    for row in conn.execute(statement):
        start = bucket_start(dt.date.fromisoformat(row[0]), granularity).isoformat()
        group = row[keys.index(group_col)] if group_col is not None else None
        bucket = buckets[(start, group)]
        for offset, name in enumerate(SUMMED):
            bucket.sums[name] += row[width + offset] or 0
        bucket.latency_sum += row[width + len(SUMMED)] or 0.0
        bucket.users.add(row[1])
        if row[2]:
            bucket.keys.add(row[2])
    out = []
    ordered = sorted(buckets.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
    for (start, group), bucket in ordered:
        entry: dict[str, Any] = {"period_start": start}
        if group_by:
            entry["group"] = {"by": group_by, "value": group or None}
        entry.update(bucket.view())
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
    t = usage_terms.c
    total = func.sum(t.count).label("n")
    rows = conn.execute(
        select(func.min(t.term), total, func.max(t.sample), t.term_hash)
        .where(
            t.tenant_id == tenant_id,
            t.kind == kind,
            t.day >= first.isoformat(),
            t.day <= last.isoformat(),
        )
        .group_by(t.term_hash)
        .order_by(total.desc(), func.min(t.term))
        .limit(limit)
    )
    return [(r[0], int(r[1]), r[2], r[3]) for r in rows]


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
