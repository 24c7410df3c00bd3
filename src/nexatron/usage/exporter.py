"""Delivers the outbox (usage_outbox) to the billing systems: at least once, in the background.

Each pass claims due rows (a lease: `next_attempt_at` moved ahead by a conditional update, so two
processes do not send the same row at once), sends each, and marks it delivered or schedules a
retry with exponential backoff and jitter. Rows live in the metadata store, so a restart picks up
where it stopped; a process that dies between sending and marking leaves the row to be sent again
when its lease ends: the receivers dedupe on the event id (CloudEvents `id` + `source`, Stripe's
`identifier` and the Idempotency-Key). Nothing here runs on an answer's path.

A row the receiver refuses for good (a 4xx other than 408, 409 and 429) becomes a dead letter
after that one try, and so does a row whose last allowed attempt
(NEXATRON_USAGE_EXPORT_MAX_ATTEMPTS) failed: `dead_at` is set and it is not sent again until the
operator re-drives it (`nexatron usage-outbox list | redrive`, `redrive` below).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import Connection, Engine, func, select, update

from nexatron.settings import Settings
from nexatron.store.tables import tenants, usage_outbox
from nexatron.usage import formats

log = logging.getLogger("nexatron.usage.exporter")
LEASE_S = 60.0  # a claimed row is not claimed again for this long (unless marked)
BACKOFF_BASE_S = 1.0
BACKOFF_MAX_S = 3600.0
BATCH = 200
# 4xx answers that may succeed later: timeout, conflict (already delivered), rate limited.
RETRYABLE_4XX = frozenset({408, 409, 429})


def backoff_s(attempts: int) -> float:
    """Seconds before attempt `attempts + 1`: doubling from 1 s up to an hour, +-20% jitter."""
    delay = min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** max(0, attempts - 1))
    return float(delay * random.uniform(0.8, 1.2))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class PassResult:
    delivered: int = 0
    failed: int = 0  # to be retried
    dead: int = 0  # dead letters made by this pass


@dataclass(frozen=True)
class Failure:
    error: str
    permanent: bool = False  # the receiver refused the event itself: retrying will not help


class Exporter:
    def __init__(
        self, db: Engine, settings: Settings, *, client: httpx.Client | None = None
    ) -> None:
        self._db = db
        self._settings = settings
        self._client = client or httpx.Client(timeout=settings.usage_export_timeout_s)
        self._customers: dict[str, str] = {}
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def enabled(self) -> bool:
        return bool(formats.sinks_of(self._settings))

    def start(self) -> None:
        if self._thread is None and self.enabled:
            self._thread = threading.Thread(
                target=self._loop, name="nexatron-usage-export", daemon=True
            )
            self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(self._settings.usage_export_timeout_s + 5)
        self._client.close()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:
                log.exception("usage export pass failed")
            self._wake.wait(self._settings.usage_export_interval_s)
            self._wake.clear()

    def run_once(self) -> PassResult:
        """One pass over what is due; returns what it delivered and what failed."""
        result = PassResult()
        for row in self._claim():
            if self._stop.is_set():
                break
            failure = self._send(row)
            dead = self._settle(row, failure)
            if failure is None:
                result.delivered += 1
            elif dead:
                result.dead += 1
            else:
                result.failed += 1
        return result

    def _claim(self) -> list[Any]:
        now = _now()
        with self._db.begin() as conn:
            due = list(
                conn.execute(
                    select(usage_outbox)
                    .where(usage_outbox.c.delivered_at.is_(None))
                    .where(usage_outbox.c.dead_at.is_(None))
                    .where(usage_outbox.c.next_attempt_at <= now)
                    .order_by(usage_outbox.c.next_attempt_at, usage_outbox.c.id)
                    .limit(BATCH)
                )
            )
            claimed = []
            lease = now + dt.timedelta(seconds=LEASE_S)
            for row in due:
                taken = conn.execute(
                    update(usage_outbox)
                    .where(usage_outbox.c.id == row.id)
                    .where(usage_outbox.c.next_attempt_at == row.next_attempt_at)
                    .where(usage_outbox.c.delivered_at.is_(None))
                    .values(next_attempt_at=lease, attempts=row.attempts + 1)
                ).rowcount
                if taken:
                    claimed.append(row)
        return claimed

    def _customer(self, tenant_id: str) -> str:
        """The tenant's Stripe customer (tenant settings `stripe_customer_id`), else its id."""
        found = self._customers.get(tenant_id)
        if found is None:
            with self._db.connect() as conn:
                stored = conn.execute(
                    select(tenants.c.settings).where(tenants.c.id == tenant_id)
                ).scalar()
            value = (stored or {}).get("stripe_customer_id") if isinstance(stored, dict) else None
            found = self._customers[tenant_id] = str(value or tenant_id)
        return found

    def _send(self, row: Any) -> Failure | None:
        """None when delivered, else why not."""
        body = row.payload
        customer = self._customer(body["tenant_id"]) if row.sink == formats.STRIPE else None
        request = formats.request_for(row.sink, body, self._settings, customer)
        try:
            response = self._client.post(
                request.url, headers=request.headers, content=request.content
            )
        except httpx.HTTPError as exc:
            return Failure(f"{type(exc).__name__}: {exc}"[:500])
        status = response.status_code
        if response.is_success or status == 409:  # 409: already have it
            return None
        permanent = 400 <= status < 500 and status not in RETRYABLE_4XX
        return Failure(f"HTTP {status}: {response.text[:200]}", permanent)

    def _settle(self, row: Any, failure: Failure | None) -> bool:
        """Mark the row delivered, retried later or dead; True when it became a dead letter."""
        now = _now()
        values: dict[str, Any]
        attempts = row.attempts + 1  # counted by the claim
        dead = False
        if failure is None:
            values = {"delivered_at": now, "last_error": None}
        elif failure.permanent or attempts >= self._settings.usage_export_max_attempts:
            dead = True
            values = {"dead_at": now, "last_error": failure.error}
            log.error(
                "usage event %s to %s is a dead letter after %d attempt(s): %s "
                "(re-drive with `nexatron usage-outbox redrive`)",
                row.event_id, row.sink, attempts, failure.error,
            )  # fmt: skip
        else:
            retry = now + dt.timedelta(seconds=backoff_s(attempts))
            values = {"next_attempt_at": retry, "last_error": failure.error}
            log.warning(
                "usage event %s to %s not delivered: %s", row.event_id, row.sink, failure.error
            )
        with self._db.begin() as conn:
            conn.execute(update(usage_outbox).where(usage_outbox.c.id == row.id).values(**values))
        return dead


def outbox_counts(conn: Connection) -> dict[str, int]:
    """How many outbox rows are pending, delivered and dead."""
    c = usage_outbox.c
    state = conn.execute(
        select(
            func.count().filter(c.delivered_at.is_not(None)),
            func.count().filter(c.dead_at.is_not(None)),
            func.count(),
        )
    ).one()
    delivered, dead, total = (int(v) for v in state)
    return {"pending": total - delivered - dead, "delivered": delivered, "dead": dead}


def dead_letters(
    conn: Connection, *, sink: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """The dead letters, oldest first: what was refused, how often tried, the last error."""
    c = usage_outbox.c
    query = select(usage_outbox).where(c.dead_at.is_not(None))
    if sink:
        query = query.where(c.sink == sink)
    keep = ("id", "event_id", "sink", "attempts", "last_error", "dead_at", "created_at")
    out = []
    for row in conn.execute(query.order_by(c.dead_at, c.id).limit(limit)).mappings():
        body = row["payload"] or {}
        tenant = body.get("tenant_id") or body.get("subject")  # Stripe's or CloudEvents' form
        out.append({k: row[k] for k in keep} | {"tenant_id": tenant})
    return out


def redrive(conn: Connection, *, ids: list[int] | None = None, sink: str | None = None) -> int:
    """Dead letters (all, or those ids, or that sink's) due again now with a fresh attempt
    budget; how many."""
    c = usage_outbox.c
    statement = update(usage_outbox).where(c.dead_at.is_not(None), c.delivered_at.is_(None))
    if ids:
        statement = statement.where(c.id.in_(ids))
    if sink:
        statement = statement.where(c.sink == sink)
    values = {"dead_at": None, "attempts": 0, "next_attempt_at": _now()}
    return int(conn.execute(statement.values(**values)).rowcount or 0)
