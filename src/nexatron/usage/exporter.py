"""Delivers the outbox (usage_outbox) to the billing systems: at least once, in the background.

Each pass claims up to BATCH due rows (a lease: `next_attempt_at` moved ahead by one conditional
update, so two processes do not send the same row at once), sends them (OpenMeter: CloudEvents
batches; Stripe: one event a request, several requests at once) and marks them delivered or
schedules a retry with exponential backoff and jitter. A pass that claimed a full batch is
followed by the next at once, so a backlog drains at the receivers' pace rather than one batch
per interval. A pass stops sending when its lease could end during a request and releases what
is left; a failure is recorded only while the lease is still this pass's. Rows live in the
metadata store, so a restart picks up where it stopped; a process that dies between sending and
marking leaves the row to be sent again when its lease ends: the receivers dedupe on the event
id (CloudEvents `id` + `source`, Stripe's `identifier` and the Idempotency-Key). Nothing here
runs on an answer's path. Delivered rows are deleted after NEXATRON_USAGE_OUTBOX_RETENTION_DAYS
(the ledger, usage_events, keeps every event).

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
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import Connection, Engine, Row, delete, func, select, update

from nexatron.clock import now as _now
from nexatron.settings import Settings
from nexatron.store.tables import tenants, usage_outbox
from nexatron.usage import formats

log = logging.getLogger("nexatron.usage.exporter")
LEASE_S = 60.0  # a claimed row is not claimed again for this long (at least 4 timeouts)
BACKOFF_BASE_S = 1.0
BACKOFF_MAX_S = 3600.0
BATCH = 1000  # rows claimed per pass; a full pass is followed by the next at once
OPENMETER_BATCH = 100  # CloudEvents per POST (application/cloudevents-batch+json)
PRUNE_EVERY_S = 3600.0
# 4xx answers that may succeed later: timeout, conflict (already delivered), rate limited.
RETRYABLE_4XX = frozenset({408, 409, 429})


def backoff_s(attempts: int) -> float:
    """Seconds before attempt `attempts + 1`: doubling from 1 s up to an hour, +-20% jitter."""
    delay = min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** max(0, attempts - 1))
    return float(delay * random.uniform(0.8, 1.2))


@dataclass
class PassResult:
    claimed: int = 0
    delivered: int = 0
    unsent: int = 0  # released: the lease ran short before their turn
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
        self._pool = ThreadPoolExecutor(
            settings.usage_export_concurrency, thread_name_prefix="nexatron-usage-send"
        )
        self._customers: dict[str, str] = {}
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pruned_at = -PRUNE_EVERY_S

    @property
    def enabled(self) -> bool:
        return bool(formats.sinks_of(self._settings))

    @property
    def lease_s(self) -> float:
        """How long a claim holds its rows: several request timeouts, at least LEASE_S."""
        return max(LEASE_S, 4 * self._settings.usage_export_timeout_s)

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
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._client.close()

    def _loop(self) -> None:
        while not self._stop.is_set():
            full = False
            try:
                full = self.run_once().claimed >= BATCH
                if time.monotonic() - self._pruned_at >= PRUNE_EVERY_S:
                    self._pruned_at = time.monotonic()
                    self.prune()
            except Exception:
                log.exception("usage export pass failed")
            if full:  # a backlog: the next pass at once, not after the interval
                continue
            self._wake.wait(self._settings.usage_export_interval_s)
            self._wake.clear()

    def prune(self) -> int:
        """Delete rows delivered more than NEXATRON_USAGE_OUTBOX_RETENTION_DAYS ago (the ledger
        keeps the events; the outbox only tracks delivery); how many."""
        days = self._settings.usage_outbox_retention_days
        if days is None:
            return 0
        cutoff = _now() - dt.timedelta(days=days)
        with self._db.begin() as conn:
            done = conn.execute(delete(usage_outbox).where(usage_outbox.c.delivered_at < cutoff))
        return int(done.rowcount or 0)

    def run_once(self) -> PassResult:
        """One pass over what is due; returns what it delivered and what failed.

        OpenMeter rows go as CloudEvents batches, Stripe rows one per request (its API takes one
        event), up to NEXATRON_USAGE_EXPORT_CONCURRENCY requests at once. Nothing is sent once
        the claim's lease is too close to its end to finish a request: those rows are released
        for the next pass, so no other process sends a row this one still holds."""
        claimed = self._claim()
        result = PassResult(claimed=len(claimed))
        if not claimed:
            return result
        send_until = time.monotonic() + self.lease_s - 2 * self._settings.usage_export_timeout_s
        jobs = [self._pool.submit(self._send_job, rows, send_until) for rows in _jobs_of(claimed)]
        delivered: list[Any] = []
        unsent: list[Any] = []
        failed: list[tuple[Any, Failure]] = []
        for job in jobs:
            for row, outcome in job.result():
                if outcome is None:
                    delivered.append(row)
                elif isinstance(outcome, _Unsent):
                    unsent.append(row)
                else:
                    failed.append((row, outcome))
        self._settle_delivered(delivered)
        self._release(unsent)
        for row, failure in failed:
            if self._settle_failed(row, failure):
                result.dead += 1
            else:
                result.failed += 1
        result.delivered, result.unsent = len(delivered), len(unsent)
        return result

    def _claim(self) -> list[Any]:
        """Lease up to BATCH due rows (returned as they are after the claim: attempts counted,
        `next_attempt_at` = the lease's end). A row another process claimed first is skipped."""
        now = _now()
        c = usage_outbox.c
        due = (c.delivered_at.is_(None), c.dead_at.is_(None), c.next_attempt_at <= now)
        with self._db.begin() as conn:
            ids = list(
                conn.execute(
                    select(c.id).where(*due).order_by(c.next_attempt_at, c.id).limit(BATCH)
                ).scalars()
            )
            if not ids:
                return []
            lease = now + dt.timedelta(seconds=self.lease_s)
            claimed = conn.execute(
                update(usage_outbox)
                .where(c.id.in_(ids), *due)
                .values(next_attempt_at=lease, attempts=c.attempts + 1)
                .returning(*usage_outbox.c)
            ).all()
        return sorted(claimed, key=lambda row: int(row.id))

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

    def _send_job(self, rows: list[Any], send_until: float) -> list[tuple[Any, Outcome]]:
        """Send one request's rows (a CloudEvents batch, or one row); a batch refused for good
        is sent again row by row, so one bad event does not make its neighbours dead letters."""
        if self._stop.is_set() or time.monotonic() >= send_until:
            return [(row, UNSENT) for row in rows]
        failure = self._send(rows)
        if failure is not None and failure.permanent and len(rows) > 1:
            return [out for row in rows for out in self._send_job([row], send_until)]
        return [(row, failure) for row in rows]

    def _send(self, rows: list[Any]) -> Failure | None:
        """None when delivered, else why not."""
        first = rows[0]
        if first.sink == formats.OPENMETER:
            request = formats.openmeter_request([row.payload for row in rows], self._settings)
        else:
            customer = self._customer(first.payload["tenant_id"])
            request = formats.request_for(first.sink, first.payload, self._settings, customer)
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

    def _settle_delivered(self, rows: list[Any]) -> None:
        """Delivered is a fact whoever held the lease: set it (and clear a dead letter another
        process may have made of the same row meanwhile)."""
        c = usage_outbox.c
        now = _now()
        with self._db.begin() as conn:
            for chunk in _chunks([int(row.id) for row in rows], 500):
                conn.execute(
                    update(usage_outbox)
                    .where(c.id.in_(chunk), c.delivered_at.is_(None))
                    .values(delivered_at=now, dead_at=None, last_error=None)
                )

    def _release(self, rows: list[Any]) -> None:
        """Rows not sent before the lease ran short: due again now, the attempt not counted."""
        c = usage_outbox.c
        with self._db.begin() as conn:
            for row in rows:
                conn.execute(
                    update(usage_outbox)
                    .where(c.id == row.id, c.next_attempt_at == row.next_attempt_at)
                    .where(c.delivered_at.is_(None))
                    .values(next_attempt_at=_now(), attempts=c.attempts - 1)
                )

    def _settle_failed(self, row: Row[Any], failure: Failure) -> bool:
        """Retry later or make a dead letter, only while this claim's lease is the row's (else
        another process has it now); True when it became a dead letter."""
        now = _now()
        values: dict[str, Any]
        attempts = int(row.attempts)  # counted by the claim
        dead = failure.permanent or attempts >= self._settings.usage_export_max_attempts
        if dead:
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
        c = usage_outbox.c
        with self._db.begin() as conn:
            conn.execute(
                update(usage_outbox)
                .where(c.id == row.id, c.next_attempt_at == row.next_attempt_at)
                .where(c.delivered_at.is_(None))
                .values(**values)
            )
        return dead


class _Unsent:
    """Not sent: the lease ran short before its turn."""


UNSENT = _Unsent()
Outcome = Failure | _Unsent | None


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _jobs_of(rows: list[Any]) -> list[list[Any]]:
    """One request each: OpenMeter rows in batches of OPENMETER_BATCH, Stripe rows alone."""
    openmeter = [row for row in rows if row.sink == formats.OPENMETER]
    others = [[row] for row in rows if row.sink != formats.OPENMETER]
    batches = [
        openmeter[i : i + OPENMETER_BATCH] for i in range(0, len(openmeter), OPENMETER_BATCH)
    ]
    return batches + others


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
