"""Work that has to connect to a tenant's database runs in a small bounded pool of its own, at
most a few jobs per tenant at once: connection tests; schema introspection, bootstrap and the
value index of a question's layer.

Such a job may wait on a silent host for the whole connect timeout. Run in the request thread
pool, 60 of them from one tenant held every worker thread and starved other tenants' requests
(60 tests: 11.5 s; 60 schema refreshes: 30 s); here a tenant's extra jobs are refused (429)
instead of queued, and an async request waits on the event loop without holding a thread.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from nexatron.errors import RateLimited

T = TypeVar("T")

#: True on a pool worker: a job that reaches another bounded step runs it inline (a nested
#: submit could wait for a worker its own caller holds).
_INSIDE: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "nexatron_connect_pool", default=False
)


def _inside(job: Callable[[], T]) -> T:
    _INSIDE.set(True)  # in the job's own copied context
    return job()


class ConnectPool:
    """`submit` for the event loop (await the future), `run` for a caller on a thread."""

    def __init__(
        self, *, workers: int, per_tenant: int, what: str, name: str, waiters_per_key: int = 8
    ) -> None:
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._per_tenant = per_tenant
        self._waiters_per_key = waiters_per_key
        self._what = what
        self._running: dict[str, int] = {}
        self._flights: dict[str, Future[Any]] = {}
        self._waiting: dict[str, int] = {}
        self._lock = threading.Lock()

    def submit(self, tenant_id: str, job: Callable[[], T], *, key: str | None = None) -> Future[T]:
        """Queue `job` for the tenant, or 429 when the tenant already has its share running.
        With `key`, a caller arriving while a job of that key runs shares its future (one
        introspection for many concurrent refreshes of one connection)."""
        with self._lock:
            if key is not None and (shared := self._flights.get(key)) is not None:
                return shared
            running = self._running.get(tenant_id, 0)
            if running >= self._per_tenant:
                raise RateLimited(
                    f"{running} {self._what} of this tenant are already running; "
                    "retry when they finish.",
                    headers={"Retry-After": "5"},
                )
            # The request's context (audit actor and request id) goes along to the worker.
            future = self._executor.submit(contextvars.copy_context().run, _inside, job)
            self._running[tenant_id] = running + 1
            if key is not None:
                self._flights[key] = future
        # Released when the job ends, not when the caller stops waiting: a tenant cannot
        # pile up stuck workers by disconnecting.
        future.add_done_callback(lambda _f: self._release(tenant_id, key))
        return future

    def run(self, tenant_id: str, job: Callable[[], T], *, key: str | None = None) -> T:
        """`job` under the tenant's share, for a caller that must block: at most `per_tenant`
        such threads per tenant wait, the others get their 429 at once. A caller whose `key` is
        already running waits for that job's result, up to `waiters_per_key` callers a key (the
        first questions after a layer edit share one value-index build); beyond them, waiting
        would pile up held threads on one slow job, so they get a 429 at once. Inline on a
        worker."""
        if _INSIDE.get():
            return job()
        if key is None:
            return self.submit(tenant_id, job).result()
        with self._lock:
            shared = self._flights.get(key)
            if shared is not None:
                waiting = self._waiting.get(key, 0)
                if waiting >= self._waiters_per_key:
                    raise RateLimited(
                        "This is being prepared by another request; retry in a few seconds.",
                        headers={"Retry-After": "5"},
                    )
                self._waiting[key] = waiting + 1
        if shared is None:
            return self.submit(tenant_id, job, key=key).result()
        try:
            result: T = shared.result()
            return result
        finally:
            with self._lock:
                left = self._waiting.get(key, 1) - 1
                if left > 0:
                    self._waiting[key] = left
                else:
                    self._waiting.pop(key, None)

    def running(self, tenant_id: str) -> int:
        with self._lock:
            return self._running.get(tenant_id, 0)

    def _release(self, tenant_id: str, key: str | None) -> None:
        with self._lock:
            if key is not None:
                self._flights.pop(key, None)
            left = self._running.get(tenant_id, 0) - 1
            if left > 0:
                self._running[tenant_id] = left
            else:
                self._running.pop(tenant_id, None)

    def close(self) -> None:
        """Drop queued jobs and wait for the running ones (each connect ends within its
        timeout): no worker thread outlives the services that made it."""
        self._executor.shutdown(wait=True, cancel_futures=True)
