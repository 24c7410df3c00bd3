"""Concurrent queries per tenant, capped in this process."""

from __future__ import annotations

import threading
from collections import defaultdict

from nexatron.errors import RateLimited


class TenantSlots:
    """Caps concurrent queries per tenant in this process (an expensive query counts more than a
    request)."""

    def __init__(self, per_tenant: int) -> None:
        self._per_tenant = per_tenant
        self._sems: dict[str, threading.BoundedSemaphore] = defaultdict(
            lambda: threading.BoundedSemaphore(self._per_tenant)
        )
        self._lock = threading.Lock()

    def acquire(self, tenant_id: str) -> threading.BoundedSemaphore:
        with self._lock:
            sem = self._sems[tenant_id]
        if not sem.acquire(timeout=5):
            raise RateLimited(
                "Too many queries running for this tenant; retry shortly.",
                headers={"Retry-After": "1"},
            )
        return sem
