"""The state a QueryService holds and what every stage shares: caches, the slot and quota
keepers, the history recorder, worker threads, the date context, the tenant's LLM planner.

The stages build on it in order (each module one class): record.py (history rows),
prepare.py (understand, compile, guard), execute.py (run or take cached rows), answering.py
(summary, chart, warnings), structured_entry.py (structured queries) and service.py (asking).
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from nexatron.errors import NexatronError
from nexatron.identity.roles import Principal
from nexatron.lru import LRU
from nexatron.nlq import DateContext, Plan
from nexatron.query import history, outcomes, planners
from nexatron.query.admission import Admission
from nexatron.query.context import ContextLoader
from nexatron.query.journal import Journal
from nexatron.query.recorder import Recorder
from nexatron.query.slots import slots_for
from nexatron.query.templates import SqlTemplates
from nexatron.query.verified import VerifiedAnswers
from nexatron.semantic.model import CompiledQuery
from nexatron.services import Services
from nexatron.usage.plans import has_feature
from nexatron.usage.quota import Ticket, quotas_for
from nexatron.usage.reads import UsageReads
from nexatron.usage.writer import UsageWriter

T = TypeVar("T")
log = logging.getLogger("nexatron.query")


class ServiceCore:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.contexts = ContextLoader(services)
        self._plans: LRU[tuple[Any, ...], Plan] = LRU(4096)
        self._compiled: LRU[tuple[str, str, str], CompiledQuery] = LRU(4096)
        self._answers: LRU[tuple[str, str], tuple[str, Any]] = LRU(1024)
        self._summaries: LRU[tuple[Any, ...], tuple[str, Any]] = LRU(1024)
        self._templates = SqlTemplates()
        self.slots = slots_for(services.settings)
        # Rollups and ledger: written with each batch of history rows, in the writer thread.
        self.usage = UsageWriter(services.settings)
        journal = None
        if services.settings.history_journal:
            try:
                journal = Journal(services.settings.data_dir / "journal")
            except OSError:  # a read-only data dir, say: answers are still written behind
                log.exception("no history journal: a process killed outright loses its last rows")
        self.recorder = Recorder(
            services.db, finish=outcomes.batch_writer(self.usage.write_many), journal=journal
        )
        self.quotas = quotas_for(services)
        self.verified = VerifiedAnswers(services.db)
        self.history = history.HistoryReads(
            services.db, self.recorder.flush, services.settings.secret_key
        )
        self.usage_reads = UsageReads(services.db, self.recorder.flush, services.settings)
        # ask_async's own worker threads: a concurrent.futures hand-off costs about 40 us less
        # than anyio's, and a new question makes one.
        self._workers = ThreadPoolExecutor(max_workers=32, thread_name_prefix="nexatron-query")
        # At most a tenant's slot count of its questions in those threads at once (admission.py).
        self._admission = Admission(services.settings.max_concurrent_queries_per_tenant)

    def close(self) -> None:
        self.recorder.close()
        self._workers.shutdown(wait=False)

    async def _offload(self, tenant_id: str, func: Callable[..., T], *args: Any) -> T:
        """`func(*args)` in a worker thread, with this context (cancel scope, answering mark),
        once the tenant is admitted (a tenant's waiters wait on the loop, not in the pool)."""
        async with self._admission.admit(tenant_id):
            call = partial(contextvars.copy_context().run, func, *args)
            return await asyncio.get_running_loop().run_in_executor(self._workers, call)

    def date_context(self) -> DateContext:
        settings = self.services.settings
        zone = ZoneInfo(settings.timezone)
        return DateContext(
            now=dt.datetime.now(zone),
            timezone=settings.timezone,
            week_start=0 if settings.week_start == "monday" else 6,
            fiscal_year_start_month=settings.fiscal_year_start_month,
        )

    def llm_for(self, principal: Principal) -> Any:
        """The tenant's LLM planner, or None (none configured, or `llm` is outside its plan)."""
        if not has_feature(self.services.settings, principal.plan, "llm"):
            return None
        return planners.planner_for(self.services, principal.tenant_id)

    def date_text(self) -> str:
        ctx = self.date_context()
        return (
            f"Today is {ctx.today.isoformat()} ({ctx.timezone}); weeks start on "
            f"{self.services.settings.week_start}; the fiscal year starts in month "
            f"{ctx.fiscal_year_start_month}. Ranges are half-open [start, end)."
        )


def give_back(ticket: Ticket | None, exc: BaseException) -> None:
    """Not answered: the question's quota unit is returned, and an error says what remains."""
    if ticket is None:
        return
    ticket.refund()
    if isinstance(exc, NexatronError):
        exc.headers = {**ticket.headers(), **exc.headers}
