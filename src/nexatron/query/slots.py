"""Concurrent queries per tenant: capped in this process, or across every process on one Redis.

A slot is held while a statement runs (and while the LLM planner is called). With Redis each
tenant has a sorted set of leases scored by their expiry: taking a slot drops the expired leases
and adds one if fewer than the cap remain, in one script, so two processes cannot both take the
last slot. A lease is short (LEASE_S) and renewed by a thread of the process holding it every
third of that, so the slots of a process that died holding them (kill -9, the OOM killer) come
back within LEASE_S, while a statement running for minutes keeps its slot.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Protocol

from starlette.concurrency import run_in_threadpool

from nexatron.errors import RateLimited, ServiceUnavailable
from nexatron.observability.metrics import SLOT_REJECTIONS, SLOT_WAITS

if TYPE_CHECKING:
    from nexatron.settings import Settings

log = logging.getLogger("nexatron.slots")

#: How long a question waits for a slot before its 429.
WAIT_S = 5.0
#: How long a lease lasts unless its process renews it (every LEASE_S / 3 while held).
LEASE_S = 15.0


class Slot(Protocol):
    def release(self) -> None: ...


def waited() -> None:
    """Count a question that could not start at once (admission.py waits too)."""
    SLOT_WAITS.inc()


def busy() -> RateLimited:
    """The 429 of a question that waited WAIT_S for its tenant's slot."""
    SLOT_REJECTIONS.inc()
    return RateLimited(
        "Too many queries running for this tenant; retry shortly.",
        headers={"Retry-After": "1"},
    )


class _Holding:
    """`hold` and `hold_async`: the one way callers take a slot and give it back."""

    def acquire(self, tenant_id: str) -> Slot:
        raise NotImplementedError

    @contextmanager
    def hold(self, tenant_id: str) -> Iterator[None]:
        """A slot for the block (waits up to WAIT_S, then 429)."""
        slot = self.acquire(tenant_id)
        try:
            yield
        finally:
            slot.release()

    @asynccontextmanager
    async def hold_async(self, tenant_id: str) -> AsyncIterator[None]:
        """`hold` for the event loop: the wait for a slot happens in a worker thread."""
        slot = await run_in_threadpool(self.acquire, tenant_id)
        try:
            yield
        finally:
            slot.release()


class TenantSlots(_Holding):
    """Caps concurrent queries per tenant in this process (an expensive query counts more than a
    request)."""

    def __init__(self, per_tenant: int, *, wait_s: float = WAIT_S) -> None:
        self._per_tenant = per_tenant
        self._wait_s = wait_s
        self._sems: dict[str, threading.BoundedSemaphore] = defaultdict(
            lambda: threading.BoundedSemaphore(self._per_tenant)
        )
        self._lock = threading.Lock()

    def acquire(self, tenant_id: str) -> Slot:
        with self._lock:
            sem = self._sems[tenant_id]
        if sem.acquire(blocking=False):
            return sem
        waited()
        if not sem.acquire(timeout=self._wait_s):
            raise busy()
        return sem


# KEYS[1] the tenant's leases; ARGV: cap, lease seconds, token. Redis' clock, not the callers'.
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2]) * 1000))
return 1
"""


# KEYS: leases' sets; ARGV[1] lease seconds, then one token per key. Extends the leases still
# there (XX: one already expired and dropped is not brought back).
_RENEW = """
local t = redis.call('TIME')
local until_ = tonumber(t[1]) + tonumber(t[2]) / 1000000 + tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, 'XX', until_, ARGV[i + 1])
  redis.call('PEXPIRE', key, math.ceil(tonumber(ARGV[1]) * 1000))
end
return #KEYS
"""


class _Lease:
    __slots__ = ("_key", "_owner", "_token")

    def __init__(self, owner: SharedTenantSlots, key: str, token: str) -> None:
        self._owner, self._key, self._token = owner, key, token

    def release(self) -> None:
        self._owner._held.pop(self._token, None)
        try:
            self._owner._client.zrem(self._key, self._token)
        except Exception:  # it expires on its own
            log.warning("could not return a query slot to Redis; its lease will expire")


class SharedTenantSlots(_Holding):
    """The tenant's cap across every process on one Redis. If Redis cannot be reached, each
    process falls back to its own cap (`fail_open`) or answers 503."""

    def __init__(
        self,
        url: str,
        per_tenant: int,
        *,
        lease_s: float,
        fail_open: bool = True,
        wait_s: float = WAIT_S,
        namespace: str = "nexatron:slots:",
    ) -> None:
        import redis

        self._client = redis.Redis.from_url(url, socket_timeout=0.5)
        self._take = self._client.register_script(_TAKE)
        self._per_tenant = per_tenant
        self._lease_s = lease_s
        self._fail_open = fail_open
        self._wait_s = wait_s
        self._ns = namespace
        self._local = TenantSlots(per_tenant, wait_s=wait_s)
        self._renew = self._client.register_script(_RENEW)
        self._held: dict[str, str] = {}  # token -> key of the leases this process holds
        self._renewer: threading.Thread | None = None
        self._renewer_lock = threading.Lock()

    def _start_renewing(self) -> None:
        with self._renewer_lock:
            if self._renewer is None:
                self._renewer = threading.Thread(
                    target=self._renew_forever, name="nexatron-slot-leases", daemon=True
                )
                self._renewer.start()

    def _renew_forever(self) -> None:
        while True:
            time.sleep(self._lease_s / 3)
            self.renew()

    def renew(self) -> None:
        """Extend the leases this process holds (its renewer thread calls this)."""
        held = dict(self._held)
        if not held:
            return
        try:
            self._renew(keys=list(held.values()), args=[self._lease_s, *held])
        except Exception:
            log.warning("could not renew query-slot leases in Redis; they may expire early")

    def acquire(self, tenant_id: str) -> Slot:
        key, token = self._ns + tenant_id, secrets.token_hex(8)
        deadline = time.monotonic() + self._wait_s
        pause = 0.005
        while True:
            try:
                taken = self._take(keys=[key], args=[self._per_tenant, self._lease_s, token])
            except Exception as exc:
                if not self._fail_open:
                    raise ServiceUnavailable(
                        "The shared store for query slots (Redis) is unavailable; try again "
                        "shortly."
                    ) from exc
                log.warning("Redis unavailable for query slots; capping this process alone")
                return self._local.acquire(tenant_id)
            if taken:
                self._held[token] = key
                self._start_renewing()
                return _Lease(self, key, token)
            if pause == 0.005:
                SLOT_WAITS.inc()  # the first miss: this question waits
            if time.monotonic() >= deadline:
                raise busy()
            time.sleep(pause)
            pause = min(pause * 2, 0.05)


def slots_for(settings: Settings) -> TenantSlots | SharedTenantSlots:
    """Shared through Redis when it is configured; otherwise this process's own cap."""
    if not settings.redis_url:
        return TenantSlots(settings.max_concurrent_queries_per_tenant)
    return SharedTenantSlots(
        settings.redis_url,
        settings.max_concurrent_queries_per_tenant,
        lease_s=LEASE_S,
        fail_open=settings.redis_fail_open,
    )
