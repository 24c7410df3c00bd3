"""Connection tests run in a small bounded pool of their own, at most a few per tenant at once.

A test may wait on a silent host for the whole connect timeout. Run in the request thread pool,
60 of them from one tenant held every worker thread and starved other tenants' requests; here a
tenant's extra tests are refused (429) instead of queued, and the request itself waits on the
event loop without holding a thread.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from nexatron.errors import RateLimited

T = TypeVar("T")


class ConnectionTester:
    def __init__(self, *, workers: int, per_tenant: int) -> None:
        self._executor = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="nexatron-conntest"
        )
        self._per_tenant = per_tenant
        self._running: dict[str, int] = {}
        self._lock = threading.Lock()

    def submit(self, tenant_id: str, job: Callable[[], T]) -> Future[T]:
        """Queue `job` for the tenant, or 429 when the tenant already has its share running."""
        with self._lock:
            running = self._running.get(tenant_id, 0)
            if running >= self._per_tenant:
                raise RateLimited(
                    f"{running} connection tests of this tenant are already running; "
                    "retry when they finish.",
                    headers={"Retry-After": "5"},
                )
            self._running[tenant_id] = running + 1
        try:
            # The request's context (audit actor and request id) goes along to the worker.
            future = self._executor.submit(contextvars.copy_context().run, job)
        except BaseException:
            self._release(tenant_id)
            raise
        # Released when the job ends, not when the caller stops waiting: a tenant cannot
        # pile up stuck workers by disconnecting.
        future.add_done_callback(lambda _f: self._release(tenant_id))
        return future

    def running(self, tenant_id: str) -> int:
        with self._lock:
            return self._running.get(tenant_id, 0)

    def _release(self, tenant_id: str) -> None:
        with self._lock:
            left = self._running.get(tenant_id, 0) - 1
            if left > 0:
                self._running[tenant_id] = left
            else:
                self._running.pop(tenant_id, None)

    def close(self) -> None:
        """Drop queued tests and wait for the running ones (each ends within its connect
        timeout): no worker thread outlives the services that made it."""
        self._executor.shutdown(wait=True, cancel_futures=True)
