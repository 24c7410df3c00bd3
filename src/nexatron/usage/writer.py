"""The usage half of a history row, written in the history writer's transaction: the analytics
rollups, and (metering on) the ledger's events with their outbox rows. Nothing here runs on the
request path; the request only builds a `UsageFact`."""

from __future__ import annotations

import bisect
import hashlib
import threading
from typing import Any

from sqlalchemy import Connection, func, select

from nexatron.settings import Settings
from nexatron.store.tables import (
    LATENCY_BUCKETS_MS,
    LATENCY_COLUMNS,
    ROLLUP_COUNTERS,
    connections,
    usage_actives,
    usage_events,
    usage_outbox,
    usage_rollups,
    usage_terms,
)
from nexatron.usage import formats
from nexatron.usage.facts import UsageFact
from nexatron.usage.upsert import add_counts, insert_new

ROLLUP_KEYS = ("tenant_id", "day", "dim", "value")
# Which dimensions a fact is counted under ('' is the tenant's whole day), and which keep who
# was active (the user and api_key reports count those from the '' rows).
ROLLUP_DIMS = ("", "user", "api_key", "connection", "planner")
ACTIVE_DIMS = ("", "connection", "planner")
TERM_KEYS = ("tenant_id", "kind", "day", "term_hash")
MAX_TERM = 500  # a question longer than this is kept by its first 500 characters
# Each term is also counted per month (`day` 'YYYY-MM'), so a window reads whole months as one
# row per term (minus the days it leaves out) instead of a row per term and day.
MONTH_KINDS = {"question": "q_month", "word": "w_month"}


def latency_column(latency_ms: float) -> str:
    return LATENCY_COLUMNS[bisect.bisect_left(LATENCY_BUCKETS_MS, latency_ms)]


def normalise(question: str) -> str:
    return " ".join(question.lower().split()).rstrip("?.! ")[:MAX_TERM]


def term_hash(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def dimension_value(fact: UsageFact, dim: str) -> str:
    if dim == "user":
        return fact.user_id
    if dim == "api_key":
        return fact.api_key_id or ""
    if dim == "connection":
        return fact.connection_id
    if dim == "planner":
        return fact.planner
    return ""


def _counts(fact: UsageFact) -> dict[str, Any]:
    """The rollup counters one fact adds: only those it moves (most of the ~25 stay 0)."""
    counts: dict[str, Any] = {
        fact.status: 1,
        latency_column(fact.latency_ms): 1,
        "latency_ms_sum": fact.latency_ms,
    }
    for name, value in (
        ("cache_hits", int(fact.cached)),
        ("rows_returned", fact.rows),
        ("tokens_in", fact.tokens_in),
        ("tokens_out", fact.tokens_out),
    ):
        if value:
            counts[name] = value
    return counts


def rollup_rows(fact: UsageFact) -> list[dict[str, Any]]:
    counts = {**dict.fromkeys(ROLLUP_COUNTERS, 0), **_counts(fact)}
    day = fact.day
    return [
        {
            "tenant_id": fact.tenant_id,
            "day": day,
            "dim": dim,
            "value": dimension_value(fact, dim),
            **counts,
        }
        for dim in ROLLUP_DIMS
    ]


def summed_rollups(facts: list[UsageFact]) -> list[dict[str, Any]]:
    """`rollup_rows` of every fact merged by key (as `merge_rows` would), adding only the
    counters each fact moves: a batch of a dozen answers made ~60 rows of ~30 fields to walk."""
    merged: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    zeros = dict.fromkeys(ROLLUP_COUNTERS, 0)
    for fact in facts:
        counts = _counts(fact)
        day = fact.day
        for dim in ROLLUP_DIMS:
            key = (fact.tenant_id, day, dim, dimension_value(fact, dim))
            row = merged.get(key)
            if row is None:
                merged[key] = {
                    "tenant_id": key[0], "day": day, "dim": dim, "value": key[3],
                    **zeros, **counts,
                }  # fmt: skip
                continue
            for name, value in counts.items():
                row[name] += value
    return list(merged.values())


def active_rows(fact: UsageFact) -> list[dict[str, Any]]:
    day = fact.day
    return [
        {
            "tenant_id": fact.tenant_id,
            "day": day,
            "dim": dim,
            "value": dimension_value(fact, dim),
            "user_id": fact.user_id,
            "api_key_id": fact.api_key_id or "",
        }
        for dim in ACTIVE_DIMS
    ]


def term_rows(fact: UsageFact) -> list[dict[str, Any]]:
    question = normalise(fact.question)
    day = fact.day
    rows: list[dict[str, Any]] = [
        {
            "tenant_id": fact.tenant_id, "day": day, "kind": "question",
            "term_hash": term_hash(question), "term": question, "count": 1,
            "sample": fact.question[:MAX_TERM], "suggestions": None,
        }
    ]  # fmt: skip
    for word in dict.fromkeys(fact.unmatched):
        rows.append(
            {
                "tenant_id": fact.tenant_id, "day": day, "kind": "word",
                "term_hash": term_hash(word[:MAX_TERM]), "term": word[:MAX_TERM], "count": 1,
                "sample": fact.question[:MAX_TERM], "suggestions": fact.suggestions,
            }
        )  # fmt: skip
    months = [
        {**row, "kind": MONTH_KINDS[row["kind"]], "day": day[:7], "suggestions": None}
        for row in rows
    ]
    return rows + months


def meter_events(fact: UsageFact) -> list[dict[str, Any]]:
    """The ledger rows of one question: ids are deterministic, so a second write is a no-op."""
    base = {
        "tenant_id": fact.tenant_id, "occurred_at": fact.occurred_at, "user_id": fact.user_id,
        "query_id": fact.query_id, "planner": fact.planner,
        "connection_type": fact.connection_type, "model": fact.model,
    }  # fmt: skip
    values = {
        "questions": 1 if fact.status == "answered" else 0,
        "rows_returned": fact.rows if fact.status == "answered" else 0,
        "llm_tokens_in": fact.tokens_in,
        "llm_tokens_out": fact.tokens_out,
    }
    return [
        {**base, "id": f"{fact.query_id}:{meter}", "meter": meter, "value": value}
        for meter, value in values.items()
        if value > 0
    ]


def seat_event(fact: UsageFact) -> dict[str, Any]:
    """A user's first question of the month makes them an active seat of that month."""
    month = fact.day[:7]
    return {
        "id": f"seat:{fact.tenant_id}:{month}:{fact.user_id}", "tenant_id": fact.tenant_id,
        "meter": "active_seats", "value": 1, "occurred_at": fact.occurred_at,
        "user_id": fact.user_id, "query_id": fact.query_id, "planner": None,
        "connection_type": None, "model": None,
    }  # fmt: skip


def vote_row(tenant_id: str, day: str, question: str, vote: str) -> dict[str, Any]:
    """The `usage_terms` row that counts one vote (up or down) on a question asked that day
    (`count` 0: a vote is not a question asked); written with the feedback."""
    term = normalise(question)
    return {
        "tenant_id": tenant_id, "day": day, "kind": "question", "term_hash": term_hash(term),
        "term": term, "count": 0, "sample": question[:MAX_TERM], "suggestions": None,
        "up": int(vote == "up"), "down": int(vote == "down"),
    }  # fmt: skip


def merge_rows(
    merged: dict[tuple[Any, ...], dict[str, Any]], rows: list[dict[str, Any]], keys: tuple[str, ...]
) -> None:
    """Rows added into `merged` by key: numbers added; text kept from the first, suggestions
    from the last."""
    for row in rows:
        key = tuple(row[k] for k in keys)
        have = merged.get(key)
        if have is None:
            merged[key] = row
            continue
        for name, value in row.items():
            if name == "suggestions":
                have[name] = value if value is not None else have[name]
            # Most of a rollup row's ~25 counters are 0: nothing to add.
            elif value and name not in keys and isinstance(value, (int, float)):
                have[name] = have.get(name, 0) + value


def _summed(facts: list[UsageFact], rows_of: Any, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """The facts' rows merged by key (`merge_rows`)."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for fact in facts:
        merge_rows(merged, rows_of(fact), keys)
    return list(merged.values())


class UsageWriter:
    """Writes facts; one per process (it remembers which tenants' daily connection gauge it
    has written today)."""

    def __init__(self, settings: Settings) -> None:
        self.metering = settings.metering
        self.sinks = formats.sinks_of(settings)
        self.source = settings.openmeter_source
        self._gauged: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def write(self, conn: Connection, fact: UsageFact) -> None:
        self.write_many(conn, [fact])

    def write_many(self, conn: Connection, facts: list[object]) -> None:
        """A batch's facts: rollups and terms summed per key first (one upsert each), then the
        ledger events and their outbox rows."""
        batch = [f for f in facts if isinstance(f, UsageFact)]
        if not batch:
            return
        add_counts(conn, usage_rollups, ROLLUP_KEYS, summed_rollups(batch))
        add_counts(conn, usage_terms, TERM_KEYS, _summed(batch, term_rows, TERM_KEYS))
        actives = {tuple(r.values()): r for fact in batch for r in active_rows(fact)}
        insert_new(conn, usage_actives, list(actives.values()))
        if not self.metering:
            return
        events = [event for fact in batch for event in meter_events(fact)]
        insert_new(conn, usage_events, events)
        seats: dict[str, dict[str, Any]] = {}
        for fact in batch:
            if fact.status == "answered":
                seat = seat_event(fact)
                seats.setdefault(seat["id"], seat)
        for seat in seats.values():  # few per batch: one per user not yet seen this month
            if insert_new(conn, usage_events, [seat]):
                events.append(seat)
        for fact in batch:
            if fact.status == "answered":
                events.extend(self._connections_gauge(conn, fact))
        self.enqueue(conn, events)

    def _connections_gauge(self, conn: Connection, fact: UsageFact) -> list[dict[str, Any]]:
        """Once a day per tenant: how many connections it has (a gauge event)."""
        key = (fact.tenant_id, fact.day)
        with self._lock:
            if key in self._gauged:
                return []
            self._gauged.add(key)
        count = conn.execute(
            select(func.count()).where(connections.c.tenant_id == fact.tenant_id)
        ).scalar_one()
        event = {
            "id": f"connections:{fact.tenant_id}:{fact.day}",
            "tenant_id": fact.tenant_id,
            "meter": "connections",
            "value": int(count),
            "occurred_at": fact.occurred_at,
            "user_id": None,
            "query_id": None,
            "planner": None,
            "connection_type": None,
            "model": None,
        }
        return [event] if insert_new(conn, usage_events, [event]) else []

    def enqueue(self, conn: Connection, events: list[dict[str, Any]]) -> None:
        """An outbox row per event and configured sink, in the same transaction."""
        if not self.sinks or not events:
            return
        rows = [
            {
                "event_id": event["id"],
                "sink": sink,
                "payload": formats.payload(sink, event, self.source),
                "attempts": 0,
                "next_attempt_at": event["occurred_at"],
                "created_at": event["occurred_at"],
            }
            for event in events
            for sink in self.sinks
        ]
        insert_new(conn, usage_outbox, rows)
