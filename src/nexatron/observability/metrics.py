"""Prometheus series, with labels from small fixed sets only (never a tenant, user or question).

Counters and histograms are plain `prometheus_client` objects, updated inline (a dictionary
lookup and a lock: microseconds). Under `nexatron serve --workers N` the CLI points
PROMETHEUS_MULTIPROC_DIR at a fresh directory before the workers start, so every worker writes
its values to memory-mapped files there and whichever worker answers /metrics sums them all
(`MultiProcessCollector`); a worker that exits cleanly is marked dead (its live gauges drop out).

Gauges (history queue, pool sizes) are sampled every few seconds by `sample` from a background
task, not per request.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

if TYPE_CHECKING:
    from nexatron.services import Services

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUESTS = Histogram(
    "nexatron_http_request_duration_seconds",
    "HTTP requests by route template, method and status (count and duration).",
    ["route", "method", "status"],
    buckets=_BUCKETS,
)
ANSWERS = Counter(
    "nexatron_answers",
    "Questions by planner (deterministic, llm) and outcome (answered, cached, refused, ...).",
    ["planner", "outcome"],
)
STATEMENTS = Histogram(
    "nexatron_statement_duration_seconds",
    "Time of statements run on tenants' databases, by engine.",
    ["engine"],
    buckets=_BUCKETS,
)
RESULT_CACHE = Counter(
    "nexatron_result_cache_lookups", "Result-cache lookups by result (hit, miss).", ["result"]
)
SLOT_WAITS = Counter(
    "nexatron_slot_waits", "Questions that waited for one of their tenant's query slots."
)
SLOT_REJECTIONS = Counter(
    "nexatron_slot_rejections", "Questions refused (429) for want of a query slot."
)
RATE_LIMITED = Counter(
    "nexatron_rate_limit_rejections",
    "Requests refused by a rate limit, by budget (user, tenant, anonymous, operator) and "
    "reason (limit, unavailable: the shared store is down and the limiter fails closed).",
    ["budget", "reason"],
)
HISTORY_QUEUE = Gauge(
    "nexatron_history_queue_depth",
    "History rows queued, not yet written (summed over live workers).",
    multiprocess_mode="livesum",
)
HISTORY_LAG = Gauge(
    "nexatron_history_lag_seconds",
    "Age of the oldest queued history row (the worst live worker).",
    multiprocess_mode="livemax",
)
POOL = Gauge(
    "nexatron_store_pool_connections",
    "Metadata-store pool connections by state (checked_out, idle), summed over live workers.",
    ["state"],
    multiprocess_mode="livesum",
)


def observe_request(route: str, method: str, status: int, duration_s: float) -> None:
    REQUESTS.labels(route, method, str(status)).observe(duration_s)


def sample(services: Services) -> None:
    """Update the sampled gauges from this process's recorder and store pool."""
    recorder = getattr(services.query_service, "recorder", None)
    if recorder is not None and hasattr(recorder, "backlog"):
        depth, lag = recorder.backlog()
        HISTORY_QUEUE.set(depth)
        HISTORY_LAG.set(lag)
    pool: Any = getattr(services.db, "pool", None)
    checked_out = getattr(pool, "checkedout", None)
    checked_in = getattr(pool, "checkedin", None)
    if callable(checked_out) and callable(checked_in):
        POOL.labels("checked_out").set(checked_out())
        POOL.labels("idle").set(checked_in())


def exposition() -> tuple[bytes, str]:
    """The text format of every series: all workers' under multiprocess mode."""
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def mark_dead() -> None:
    """At a worker's clean exit: its live gauges stop counting."""
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


def fresh_multiproc_dir(data_dir: os.PathLike[str] | str) -> str:
    """An empty directory for this run's metric files (stale ones from a previous run removed)."""
    import shutil
    from pathlib import Path

    path = Path(data_dir) / "metrics"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True, exist_ok=True)
    return str(path)
