"""Stage 2 of a question: its rows, from the result cache or the warehouse (under the tenant's
slot, with the statement timeout and row cap); LLM-written SQL that fails gets one correction."""

from __future__ import annotations

import hashlib
import time

from nexatron.errors import NexatronError, RateLimited
from nexatron.nlq.llm import LLMUsage
from nexatron.observability.metrics import RESULT_CACHE, STATEMENTS
from nexatron.observability.tracing import traced
from nexatron.query import llm_path
from nexatron.query.prepare import Preparing
from nexatron.query.types import Prepared
from nexatron.semantic.model import CompiledQuery
from nexatron.warehouse.types import ResultSet


class Executing(Preparing):
    def result_key(self, prepared: Prepared) -> str:
        row = prepared.context.connection
        digest = hashlib.sha256(prepared.sql.encode()).hexdigest()[:32]
        return f"result:{row.tenant_id}:{row.id}:{row.layer_version}:{digest}"

    def cached_result(self, prepared: Prepared) -> ResultSet | None:
        hit = self.services.cache.get(self.result_key(prepared))
        RESULT_CACHE.labels("miss" if hit is None else "hit").inc()
        if hit is None:
            return None
        result = hit if isinstance(hit, ResultSet) else ResultSet.model_validate(hit)
        self._describe_llm_columns(prepared, result)
        return result

    @traced("execute")
    def execute(self, prepared: Prepared) -> tuple[ResultSet, bool]:
        result = self.cached_result(prepared)
        if result is not None:
            return result, True
        key = self.result_key(prepared)
        try:
            result = self._run(prepared)
        except NexatronError as error:
            llm = self.llm_for(prepared.principal)
            if not prepared.llm_sql or llm is None or isinstance(error, RateLimited):
                raise
            outcome = llm_path.correct(
                self.services,
                llm,
                prepared.principal,
                prepared.context,
                prepared.question,
                prepared.sql,
                error,
                self.date_text(),
            )
            prepared.compiled = CompiledQuery(
                sql=outcome.sql or "", dialect=prepared.context.dialect, columns=[]
            )
            prepared.plan = outcome.plan
            prepared.llm_usage = _add_usage(prepared.llm_usage, outcome.usage)
            prepared.llm_stages += outcome.stages
            result = self._run(prepared)
            key = self.result_key(prepared)
        self._describe_llm_columns(prepared, result)
        ttl = self.services.settings.result_cache_ttl_s
        if ttl > 0:  # with no result cache, no dump of the rows for it
            self.services.cache.set(key, result.model_dump(), ttl)
        return result, False

    def _run(self, prepared: Prepared) -> ResultSet:
        from nexatron.connections.service import engine_for

        settings = self.services.settings
        with self.slots.hold(prepared.principal.tenant_id):
            engine = engine_for(self.services, prepared.context.connection)
            started = time.perf_counter()
            try:
                with self.recorder.waiting_on_database():
                    return engine.execute(
                        prepared.sql,
                        timeout_s=settings.statement_timeout_s,
                        row_cap=settings.row_cap,
                    )
            finally:
                STATEMENTS.labels(prepared.context.dialect).observe(time.perf_counter() - started)

    @staticmethod
    def _describe_llm_columns(prepared: Prepared, result: ResultSet) -> None:
        if not prepared.compiled.columns and result.columns:
            prepared.compiled = prepared.compiled.model_copy(
                update={"columns": llm_path.columns_from_result(result.columns)}
            )


def _add_usage(a: LLMUsage | None, b: LLMUsage) -> LLMUsage:
    if a is None:
        return b
    return LLMUsage(
        tokens_in=a.tokens_in + b.tokens_in,
        tokens_out=a.tokens_out + b.tokens_out,
        llm_ms=a.llm_ms + b.llm_ms,
        calls=a.calls + b.calls,
    )
