"""Request budgets with the `limits` library: in-process by default, shared through Redis."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from functools import lru_cache

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

log = logging.getLogger("nexatron.ratelimit")


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset: int  # epoch seconds
    window_s: int = 3600
    unavailable: bool = False  # refused because the shared store is down (fail closed): a 503
    budget: str = ""  # which budget decided, when the gateway has several (user, tenant)

    @property
    def retry_after(self) -> int:
        return max(1, min(self.window_s, math.ceil(self.reset - time.time())))

    def headers(self) -> dict[str, str]:
        out = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
        }
        if self.unavailable:
            out["Retry-After"] = "5"
        elif not self.allowed:
            out["Retry-After"] = str(self.retry_after)
        return out


@lru_cache(maxsize=256)
def _item(spec: str) -> RateLimitItem:
    return parse(spec)


class _SweptMemoryStorage(MemoryStorage):
    """`limits`' in-process storage without its expiry thread churn.

    Upstream starts a new 10 ms timer thread from every hit that finds the last one finished,
    which at hundreds of requests a second is a thread start (and a GIL hand-off) per request or
    so. Reads already ignore expired counters; this only frees their memory, swept inline at
    most once a second.
    """

    SWEEP_S = 1.0

    def __init__(self) -> None:
        super().__init__()
        # Upstream's constructor starts one 10 ms timer too; nothing is stored yet to expire.
        self.timer.cancel()
        self.timer.join()
        self._last_sweep = time.monotonic()

    def _MemoryStorage__schedule_expiry(self) -> None:  # the (name-mangled) hook upstream calls
        now = time.monotonic()
        if now - self._last_sweep >= self.SWEEP_S:
            self._last_sweep = now
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]


class RateLimiter:
    """Fixed-window counters. When Redis fails, either fail open (logged) or closed: a refusal
    marked `unavailable`, which the gateway answers 503 (service unavailable), not 429."""

    def __init__(self, redis_url: str | None, *, fail_open: bool = True) -> None:
        self.storage: Storage = (
            storage_from_string(redis_url)  # type: ignore[assignment]
            if redis_url
            else _SweptMemoryStorage()
        )
        self.shared = redis_url is not None
        self._limiter = FixedWindowRateLimiter(self.storage)
        self._fail_open = fail_open

    def hit(self, spec: str, *identifiers: str, counts: bool = True) -> Decision:
        """Spend one from the budget. With `counts=False` an allowed hit skips reading the
        window (one storage round trip less) and its Decision's remaining/reset are unknown
        (reported as the full limit and 0): for a budget whose headers are shown only when it
        refuses."""
        item = _item(spec)
        try:
            allowed = self._limiter.hit(item, *identifiers)
            if allowed and not counts:
                return Decision(True, item.amount, item.amount, 0, item.get_expiry())
            stats = self._limiter.get_window_stats(item, *identifiers)
        except Exception:
            log.warning(
                "rate-limit storage unavailable; failing %s",
                "open" if self._fail_open else "closed",
            )
            reset = int(time.time()) + item.get_expiry()
            return Decision(
                self._fail_open,
                item.amount,
                0,
                reset,
                item.get_expiry(),
                unavailable=not self._fail_open,
            )
        return Decision(
            allowed,
            item.amount,
            max(0, stats.remaining),
            math.ceil(stats.reset_time),
            item.get_expiry(),
        )

    @staticmethod
    def unmetered(spec: str) -> Decision:
        """An allowed request that spends nothing of the `spec` budget (its headers show it
        whole)."""
        item = _item(spec)
        return Decision(True, item.amount, item.amount, 0, item.get_expiry())

    def ping(self) -> bool:
        try:
            return bool(self.storage.check())
        except Exception:
            return False
