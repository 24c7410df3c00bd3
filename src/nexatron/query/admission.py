"""Which of a tenant's questions may take a query worker thread now.

The query workers are one pool for every tenant. A question waiting for its tenant's slot
(slots.py) used to wait inside a worker, so a tenant whose statements hang (a silent host, a
slow warehouse) could fill the pool with waiters and starve every other tenant. Admission makes
the wait happen on the event loop instead: at most `per_tenant` of one tenant's questions are
handed to the workers at once, the next ones wait here without a thread, and one that waits
longer than `wait_s` is refused with the slots' 429.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from nexatron.query.slots import WAIT_S, busy, waited


class Admission:
    def __init__(self, per_tenant: int, *, wait_s: float = WAIT_S) -> None:
        self._per_tenant = per_tenant
        self._wait_s = wait_s
        # asyncio primitives belong to one loop; a process normally runs one, tests run many.
        self._gates: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[str, asyncio.Semaphore]
        ] = weakref.WeakKeyDictionary()

    def _gate(self, tenant_id: str) -> asyncio.Semaphore:
        gates = self._gates.setdefault(asyncio.get_running_loop(), {})
        gate = gates.get(tenant_id)
        if gate is None:
            gate = gates[tenant_id] = asyncio.Semaphore(self._per_tenant)
        return gate

    @asynccontextmanager
    async def admit(self, tenant_id: str) -> AsyncIterator[None]:
        """The block runs once the tenant has fewer than `per_tenant` questions in the
        workers (waits up to `wait_s`, then 429)."""
        gate = self._gate(tenant_id)
        if gate.locked():
            waited()
            try:
                async with asyncio.timeout(self._wait_s):
                    await gate.acquire()
            except TimeoutError:
                raise busy() from None
        else:
            await gate.acquire()
        try:
            yield
        finally:
            gate.release()
