"""The in-memory limiter storage overrides a private hook of `limits` 5.x (the pin in
pyproject.toml): these fail if an upgrade renames it, instead of threads quietly coming back."""

from __future__ import annotations

import threading
import time

from limits.storage import MemoryStorage

from nexatron.ratelimit import RateLimiter, _SweptMemoryStorage


def test_the_overridden_hooks_still_exist_upstream() -> None:
    assert callable(getattr(MemoryStorage, "_MemoryStorage__schedule_expiry", None))
    assert callable(getattr(MemoryStorage, "_MemoryStorage__expire_events", None))


def test_hits_start_no_timer_threads() -> None:
    limiter = RateLimiter(None, fail_open=True)
    assert isinstance(limiter.storage, _SweptMemoryStorage)
    before = threading.active_count()
    for i in range(500):
        assert limiter.hit("1000/minute", "tenant", str(i % 7)).allowed
    assert threading.active_count() == before


def test_expired_counters_are_swept_inline() -> None:
    storage = _SweptMemoryStorage()
    storage.incr("a-key", expiry=1)
    assert storage.get("a-key") == 1
    time.sleep(1.1)
    storage._last_sweep -= storage.SWEEP_S  # the next hook call sweeps
    storage.incr("other-key", expiry=60)
    assert "a-key" not in storage.storage
