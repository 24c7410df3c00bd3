"""The analytics rollups rebuilt from the history itself: what the history writer would have
written for every history row, and the feedback counted on the questions.

Migration 0012 runs `rebuild` once, so histories recorded before the rollups existed (or before
a rollup column did) are reported too. For each tenant and UTC day the history holds, the
rollup, active and term rows of that day are replaced by the ones computed from its history
rows (`history_fact` is the `UsageFact` the writer got for the row); days without history rows
keep their rollups (history deleted by a user or a retention job stays counted). Rows are read
in chunks and summed per key as they come, so memory follows the number of keys (days x groups,
days x distinct questions), not of history rows. The per-month term rows of every month touched
are then summed again from that month's day rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Row, delete, select

from nexatron.store.tables import (
    queries,
    query_feedback,
    usage_actives,
    usage_rollups,
    usage_terms,
)
from nexatron.usage.facts import UsageFact
from nexatron.usage.upsert import add_counts
from nexatron.usage.writer import (
    MONTH_KINDS,
    ROLLUP_KEYS,
    TERM_KEYS,
    active_rows,
    merge_rows,
    rollup_rows,
    term_rows,
    vote_row,
)

CHUNK = 5_000
MONTHS = frozenset(MONTH_KINDS.values())
COLUMNS = (
    "id", "tenant_id", "user_id", "api_key_id", "connection_id", "planner", "status",
    "question", "created_at", "execution_time_ms", "row_count", "cached", "tokens_in",
    "tokens_out", "unmatched",
)  # fmt: skip


def history_fact(row: Row[Any]) -> UsageFact:
    """The usage fact the history writer was given with this history row."""
    unmatched = row.unmatched if isinstance(row.unmatched, dict) else {}
    words = tuple(w for w in unmatched.get("words") or () if isinstance(w, str))
    suggestions = unmatched.get("suggestions")
    answered = row.status == "answered"
    return UsageFact(
        query_id=row.id,
        tenant_id=row.tenant_id,
        user_id=row.user_id,
        api_key_id=row.api_key_id,
        connection_id=row.connection_id,
        connection_type="",
        planner=row.planner or "",
        status=row.status,
        question=row.question,
        occurred_at=row.created_at,
        latency_ms=float(row.execution_time_ms or 0.0),
        rows=int(row.row_count or 0) if answered else 0,
        cached=bool(row.cached),
        tokens_in=int(row.tokens_in or 0),
        tokens_out=int(row.tokens_out or 0),
        unmatched=words,
        suggestions=suggestions if isinstance(suggestions, dict) else None,
    )


def feedback_rows(
    conn: Connection, tenant_ids: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """The up and down votes per tenant, day (of the question) and normalised question, as
    `usage_terms` count rows (`count` 0: feedback is not a question asked)."""
    q = queries.c
    f = query_feedback.c
    statement = select(f.tenant_id, f.vote, q.question, q.created_at).join(
        queries, (q.id == f.query_id) & (q.tenant_id == f.tenant_id)
    )
    if tenant_ids is not None:
        statement = statement.where(f.tenant_id.in_(list(tenant_ids)))
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for tenant_id, vote, question, created_at in conn.execute(statement):
        day = created_at.astimezone(dt.UTC).date().isoformat()
        merge_rows(merged, [vote_row(tenant_id, day, question, vote)], TERM_KEYS)
    return list(merged.values())


def rebuild(conn: Connection, tenant_id: str | None = None) -> int:
    """Replace the rollups of every (tenant, day) the history holds by the ones computed from
    it (one tenant, or all); how many history rows were read."""
    rollups: dict[tuple[Any, ...], dict[str, Any]] = {}
    terms: dict[tuple[Any, ...], dict[str, Any]] = {}
    actives: dict[tuple[Any, ...], dict[str, Any]] = {}
    days: dict[str, set[str]] = {}
    read = 0
    statement = select(*(queries.c[name] for name in COLUMNS))
    if tenant_id is not None:
        statement = statement.where(queries.c.tenant_id == tenant_id)
    result = conn.execute(statement.execution_options(yield_per=CHUNK))
    for chunk in result.partitions():
        for row in chunk:
            fact = history_fact(row)
            read += 1
            days.setdefault(fact.tenant_id, set()).add(fact.day)
            merge_rows(rollups, rollup_rows(fact), ROLLUP_KEYS)
            day_terms = [r for r in term_rows(fact) if r["kind"] not in MONTHS]
            merge_rows(terms, day_terms, TERM_KEYS)
            for active in active_rows(fact):
                actives.setdefault(tuple(active.values()), active)
    for tenant, tenant_days in days.items():
        ordered = sorted(tenant_days)
        for start in range(0, len(ordered), 500):
            some = ordered[start : start + 500]
            for table in (usage_rollups, usage_actives, usage_terms):
                conn.execute(
                    delete(table).where(table.c.tenant_id == tenant, table.c.day.in_(some))
                )
    votes = [
        v
        for v in feedback_rows(conn, days)
        if v["day"] in days.get(v["tenant_id"], ())  # other days keep what they have
    ]
    merge_rows(terms, votes, TERM_KEYS)
    for rows, table, keys in (
        (list(rollups.values()), usage_rollups, ROLLUP_KEYS),
        (_with_votes(terms.values()), usage_terms, TERM_KEYS),
    ):
        for start in range(0, len(rows), CHUNK):
            add_counts(conn, table, keys, rows[start : start + CHUNK])
    active_list = list(actives.values())
    for start in range(0, len(active_list), CHUNK):
        conn.execute(usage_actives.insert(), active_list[start : start + CHUNK])
    for tenant, tenant_days in days.items():
        for month in sorted({day[:7] for day in tenant_days}):
            _month_terms(conn, tenant, month)
    return read


def _month_terms(conn: Connection, tenant_id: str, month: str) -> None:
    """A month's term rows (kind `MONTH_KINDS[...]`) summed again from its day rows."""
    t = usage_terms.c
    conn.execute(
        delete(usage_terms).where(
            t.tenant_id == tenant_id, t.kind.in_(list(MONTHS)), t.day == month
        )
    )
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    rows = conn.execute(
        select(t.kind, t.term_hash, t.term, t.count, t.sample)
        .where(
            t.tenant_id == tenant_id,
            t.kind.in_(list(MONTH_KINDS)),
            t.day >= month + "-01",
            t.day <= month + "-31",
        )
        .order_by(t.day)
    )
    for kind, hash_, term, count, sample in rows:
        row = {
            "tenant_id": tenant_id, "day": month, "kind": MONTH_KINDS[kind],
            "term_hash": hash_, "term": term, "count": int(count), "sample": sample,
            "suggestions": None, "up": 0, "down": 0,
        }  # fmt: skip
        merge_rows(merged, [row], TERM_KEYS)
    month_rows = list(merged.values())
    for start in range(0, len(month_rows), CHUNK):
        add_counts(conn, usage_terms, TERM_KEYS, month_rows[start : start + CHUNK])


def _with_votes(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every term row with `up` and `down` (an executemany needs the same keys in each)."""
    return [{"up": 0, "down": 0, **row} for row in rows]
