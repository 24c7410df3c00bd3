"""Monthly quotas of a tenant's plan: questions and LLM tokens.

A question takes one unit of its tenant's monthly question quota before it is answered and gives
it back unless it is answered (refusals, clarifications and errors are free). LLM tokens are
known only after the LLM answers: a question that would call the LLM is refused once the tokens
spent reach the quota, and the tokens are added after. So the token quota can be passed by the
tokens of the LLM turns already running when it is reached (the documented slack); the question
quota is never passed.

Counters are per tenant and calendar month (UTC). Without Redis they live in the process, seeded
from the ledger the first time a tenant is seen in a month: correct for one process. With Redis
(NEXATRON_REDIS_URL) every process shares one counter per tenant, month and meter, taken by one
Lua script (seed if missing, compare, add), so two processes never pass the limit together. When
Redis is unreachable the process falls back to its own counter (fail-open) or refuses (503).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, select

from nexatron.errors import NexatronError, ServiceUnavailable
from nexatron.identity.roles import Principal
from nexatron.settings import Settings
from nexatron.store.tables import usage_events
from nexatron.usage.plans import PlanSpec, plan_spec

log = logging.getLogger("nexatron.usage.quota")
QUESTIONS = "questions"
TOKENS = "llm_tokens"  # in + out
LEDGER_METERS = {QUESTIONS: ("questions",), TOKENS: ("llm_tokens_in", "llm_tokens_out")}


class QuotaExceeded(NexatronError):
    status_code = 429


@dataclass(frozen=True)
class Period:
    start: dt.datetime
    end: dt.datetime

    @property
    def key(self) -> str:
        return self.start.strftime("%Y-%m")

    @classmethod
    def containing(cls, moment: dt.datetime) -> Period:
        start = moment.astimezone(dt.UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        end = (start + dt.timedelta(days=32)).replace(day=1)
        return cls(start, end)


def current_period() -> Period:
    return Period.containing(dt.datetime.now(dt.UTC))


def used_in_ledger(db: Engine, tenant_id: str, meter: str, period: Period) -> int:
    with db.connect() as conn:
        total = conn.execute(
            select(func.coalesce(func.sum(usage_events.c.value), 0)).where(
                usage_events.c.tenant_id == tenant_id,
                usage_events.c.meter.in_(LEDGER_METERS[meter]),
                usage_events.c.occurred_at >= period.start,
                usage_events.c.occurred_at < period.end,
            )
        ).scalar_one()
    return int(total)


@dataclass
class Ticket:
    """A question's unit of its quota: `refund` gives it back (not answered)."""

    quotas: Quotas
    tenant_id: str
    period: Period
    limit: int
    used: int
    refunded: bool = False

    def refund(self) -> None:
        if not self.refunded:
            self.refunded = True
            self.used -= 1
            self.quotas.add(self.tenant_id, QUESTIONS, self.period, -1)

    def headers(self) -> dict[str, str]:
        return {
            "X-Quota-Limit": str(self.limit),
            "X-Quota-Remaining": str(max(0, self.limit - self.used)),
            "X-Quota-Reset": str(int(self.period.end.timestamp())),
            "X-Quota-Meter": QUESTIONS,
        }


# KEYS[1] counter; ARGV: seed (or '' when unknown), limit (-1: none), ttl seconds, amount.
# Returns {-1} when the counter is missing and no seed was given; {1, new} taken; {0, current}.
_TAKE = """
local v = redis.call('GET', KEYS[1])
if not v then
  if ARGV[1] == '' then return {-1, 0} end
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3], 'NX')
  v = redis.call('GET', KEYS[1])
end
local amount = tonumber(ARGV[4])
if tonumber(ARGV[2]) >= 0 and amount > 0 and tonumber(v) + amount > tonumber(ARGV[2]) then
  return {0, tonumber(v)}
end
return {1, redis.call('INCRBY', KEYS[1], amount)}
"""


class Quotas:
    def __init__(self, settings: Settings, db: Engine) -> None:
        self._settings = settings
        self._db = db
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str, str], int] = {}
        self._redis: Any = None
        self._script: Any = None
        if settings.redis_url:
            import redis

            self._redis = redis.Redis.from_url(settings.redis_url, socket_timeout=0.5)
            self._script = self._redis.register_script(_TAKE)

    def spec(self, principal: Principal) -> PlanSpec:
        return plan_spec(self._settings, principal.plan)

    # -- counters ------------------------------------------------------------------------------
    def _take(
        self, tenant_id: str, meter: str, period: Period, amount: int, limit: int | None
    ) -> tuple[bool, int]:
        """(taken, count after or current). Shared in Redis when configured."""
        if self._redis is not None:
            try:
                return self._take_redis(tenant_id, meter, period, amount, limit)
            except Exception as exc:  # redis.RedisError and socket errors
                if not self._settings.redis_fail_open:
                    raise ServiceUnavailable(
                        "The shared store for quotas (Redis) is unavailable; try again shortly."
                    ) from exc
                log.warning("Redis unavailable for quotas; counting in this process alone")
        return self._take_local(tenant_id, meter, period, amount, limit)

    def _take_local(
        self, tenant_id: str, meter: str, period: Period, amount: int, limit: int | None
    ) -> tuple[bool, int]:
        key = (tenant_id, meter, period.key)
        with self._lock:
            current = self._counts.get(key)
        if current is None:
            seed = used_in_ledger(self._db, tenant_id, meter, period)
            with self._lock:
                current = self._counts.setdefault(key, seed)
        with self._lock:
            current = self._counts[key]
            if limit is not None and amount > 0 and current + amount > limit:
                return False, current
            self._counts[key] = current + amount
            return True, current + amount

    def _take_redis(
        self, tenant_id: str, meter: str, period: Period, amount: int, limit: int | None
    ) -> tuple[bool, int]:
        key = f"nexatron:quota:{tenant_id}:{period.key}:{meter}"
        ttl = int((period.end - dt.datetime.now(dt.UTC)).total_seconds()) + 86400
        args = ["", -1 if limit is None else limit, ttl, amount]
        status, value = self._script(keys=[key], args=args)
        if int(status) == -1:
            args[0] = used_in_ledger(self._db, tenant_id, meter, period)
            status, value = self._script(keys=[key], args=args)
        return int(status) == 1, int(value)

    def add(self, tenant_id: str, meter: str, period: Period, amount: int) -> None:
        try:
            self._take(tenant_id, meter, period, amount, None)
        except NexatronError:
            log.warning("quota counter %s of %s not adjusted by %s", meter, tenant_id, amount)

    # -- what the query path calls ---------------------------------------------------------------
    def admit(self, principal: Principal) -> Ticket | None:
        """Take one question of the month, or 429; None when the plan has no question quota."""
        limit = self.spec(principal).questions_per_month
        if limit is None:
            return None
        period = current_period()
        taken, count = self._take(principal.tenant_id, QUESTIONS, period, 1, limit)
        if not taken:
            raise self.exceeded(principal, "questions", limit, count, period)
        return Ticket(self, principal.tenant_id, period, limit, count)

    def check_tokens(self, principal: Principal) -> None:
        """Before an LLM turn: 429 once the month's tokens reached the plan's token quota."""
        limit = self.spec(principal).llm_tokens_per_month
        if limit is None:
            return
        period = current_period()
        _, used = self._take(principal.tenant_id, TOKENS, period, 0, None)
        if used >= limit:
            raise self.exceeded(principal, "llm_tokens", limit, used, period)

    def spend_tokens(self, principal: Principal, tokens: int) -> None:
        if tokens > 0 and self.spec(principal).llm_tokens_per_month is not None:
            self.add(principal.tenant_id, TOKENS, current_period(), tokens)

    def exceeded(
        self, principal: Principal, meter: str, limit: int, used: int, period: Period
    ) -> QuotaExceeded:
        retry = max(1, int((period.end - dt.datetime.now(dt.UTC)).total_seconds()))
        return QuotaExceeded(
            {
                "code": "quota_exceeded",
                "meter": meter,
                "plan": principal.plan,
                "limit": limit,
                "used": used,
                "period_start": period.start.isoformat(),
                "period_end": period.end.isoformat(),
                "message": f"The tenant's monthly {meter.replace('_', ' ')} quota of the "
                f"{principal.plan!r} plan ({limit:,}) is used up until {period.end:%Y-%m-%d}. "
                "Ask the operator for a larger plan.",
            },
            headers={
                "Retry-After": str(retry),
                "X-Quota-Limit": str(limit),
                "X-Quota-Remaining": "0",
                "X-Quota-Reset": str(int(period.end.timestamp())),
                "X-Quota-Meter": meter,
            },
        )

    def close(self) -> None:
        if self._redis is not None:
            self._redis.close()


def quotas_for(services: Any) -> Quotas:
    existing: Quotas | None = services.quotas
    if existing is None:
        existing = services.quotas = Quotas(services.settings, services.db)
    return existing
