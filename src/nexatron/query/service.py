"""QueryService: the pipeline of one question, as plain stages shared by /query and the stream.

prepare (context, understanding, compile, guard) -> execute (cached) -> answer -> record.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import hashlib
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select

from nexatron.answer import chart_spec, summarize
from nexatron.answer.warnings import tie_warning
from nexatron.audit.context import current_request_id
from nexatron.errors import NexatronError, RateLimited, Unprocessable, ValidationFailed
from nexatron.guard import check_expression, check_sql
from nexatron.identity.roles import Principal
from nexatron.ids import new_id
from nexatron.lru import LRU
from nexatron.nlq import DateContext, Plan, WriteRefused, understand
from nexatron.nlq.llm import LLMUsage
from nexatron.observability.metrics import ANSWERS, RESULT_CACHE, STATEMENTS
from nexatron.observability.tracing import traced
from nexatron.query import history, llm_path, outcomes, planners, structured, verified, views
from nexatron.query.context import (
    ContextLoader,
    NotCached,
    QueryContext,
    resolve_connection,
)
from nexatron.query.journal import Journal, Record, replay
from nexatron.query.recorder import Recorder
from nexatron.query.slots import slots_for
from nexatron.query.streaming import RowStream
from nexatron.query.structured import StructuredQuery
from nexatron.query.templates import SqlTemplates
from nexatron.query.types import Answer, Prepared
from nexatron.query.verified import VerifiedAnswers
from nexatron.semantic.compiler import compile_query
from nexatron.semantic.exprs import CompileError
from nexatron.semantic.model import CompiledQuery, SemanticQuery
from nexatron.services import Services
from nexatron.store.tables import queries
from nexatron.usage.plans import has_feature
from nexatron.usage.quota import QuotaExceeded, Ticket, quotas_for
from nexatron.usage.writer import UsageWriter
from nexatron.warehouse.types import ResultSet

T = TypeVar("T")


@dataclass
class _Planned:
    """What planning found so far (the planner is known even when it then fails)."""

    plan: Plan | None = None
    compiled: CompiledQuery | None = None
    planner: str = "deterministic"
    model: str | None = None
    usage: LLMUsage | None = None
    stages: list[str] = field(default_factory=list)
    llm_sql: bool = False
    verified: bool = False  # the plan of an admin-verified answer (query/verified.py)


class QueryService:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.contexts = ContextLoader(services)
        self._plans: LRU[tuple[Any, ...], Plan] = LRU(4096)
        self._compiled: LRU[tuple[str, str, str], CompiledQuery] = LRU(4096)
        self._answers: LRU[tuple[str, str], tuple[str, Any]] = LRU(1024)
        self._templates = SqlTemplates()
        self.slots = slots_for(services.settings)
        # Rollups and ledger: written with each batch of history rows, in the writer thread.
        self.usage = UsageWriter(services.settings)
        journal = None
        if services.settings.history_journal:
            journal = Journal(services.settings.data_dir / "journal")
        self.recorder = Recorder(services.db, finish=self.usage.write_many, journal=journal)
        self.quotas = quotas_for(services)
        self.verified = VerifiedAnswers(services.db)
        self.history = history.HistoryReads(
            services.db, self.recorder.flush, services.settings.secret_key
        )
        # ask_async's own worker threads: a concurrent.futures hand-off costs about 40 us less
        # than anyio's, and a new question makes one.
        self._workers = ThreadPoolExecutor(max_workers=32, thread_name_prefix="nexatron-query")

    def close(self) -> None:
        self.recorder.close()
        self._workers.shutdown(wait=False)

    async def _offload(self, func: Callable[..., T], *args: Any) -> T:
        """`func(*args)` in a worker thread, with this context (cancel scope, answering mark)."""
        call = partial(contextvars.copy_context().run, func, *args)
        return await asyncio.get_running_loop().run_in_executor(self._workers, call)

    # -- stage 1: understand, compile, guard -------------------------------------------------
    def date_context(self) -> DateContext:
        settings = self.services.settings
        zone = ZoneInfo(settings.timezone)
        return DateContext(
            now=dt.datetime.now(zone),
            timezone=settings.timezone,
            week_start=0 if settings.week_start == "monday" else 6,
            fiscal_year_start_month=settings.fiscal_year_start_month,
        )

    def prepare(
        self,
        principal: Principal,
        question: str,
        connection_id: str | None,
        conversation_id: str | None,
        *,
        inline: bool = False,
    ) -> Prepared:
        """Understand, compile and guard. `inline` (on the event loop): raise NotCached rather
        than do anything slow (load a layer, build a value index, call an LLM). A refusal or
        clarification (or the LLM failing) is recorded in the history before it is raised."""
        started = time.perf_counter()
        row = resolve_connection(self.services, principal, connection_id)
        previous: SemanticQuery | None = None
        if conversation_id:
            if inline and self.recorder.pending():
                raise NotCached("history")  # waiting for the writer is not for the event loop
            conv = self.history.conversation(principal, conversation_id)
            if conv.last_plan and conv.connection_id == row.id:
                previous = SemanticQuery.model_validate(conv.last_plan)
        context = self.contexts.load(row, cached_only=inline)
        query_id = new_id("query")
        planned = _Planned()
        try:
            self._plan(planned, principal, question, context, previous, inline=inline)
        except (RateLimited, QuotaExceeded):
            raise
        except NexatronError as error:
            self.record_failure(
                principal, row, conversation_id, question, planned.planner, error, started,
                query_id,
            )  # fmt: skip
            raise
        assert planned.plan is not None and planned.compiled is not None
        new_conversation = conversation_id is None
        if conversation_id is None:
            conversation_id = new_id("conversation")  # stored with the first answer
        return Prepared(
            query_id,
            principal,
            question,
            context,
            conversation_id,
            planned.plan,
            planned.compiled,
            planner=planned.planner,
            llm_usage=planned.usage,
            llm_stages=planned.stages,
            new_conversation=new_conversation,
            llm_sql=planned.llm_sql,
            llm_model=planned.model,
            started=started,
            verified=planned.verified,
        )

    def prepare_structured(self, principal: Principal, body: StructuredQuery) -> Prepared:
        """A structured query checked against the layer (422 per field), compiled and guarded
        like a parsed question. A refusal is recorded in the history before it is raised."""
        started = time.perf_counter()
        row = resolve_connection(self.services, principal, body.connection_id)
        context = self.contexts.load(row)
        query_id = new_id("query")
        question = "[structured query]"
        try:
            plan = structured.to_plan(body, context.layer, self.date_context())
            question = structured.describe(plan.query)
            compiled = self._compile(context, plan.query)
        except CompileError as error:
            failed = ValidationFailed([{"loc": ["body"], "msg": error.message, "type": "invalid"}])
            self.record_failure(
                principal, row, None, question, "structured", failed, started, query_id
            )  # fmt: skip
            raise failed from None
        except NexatronError as error:
            self.record_failure(
                principal, row, None, question, "structured", error, started, query_id
            )  # fmt: skip
            raise
        return Prepared(
            query_id,
            principal,
            question,
            context,
            new_id("conversation"),
            plan,
            compiled,
            planner="structured",
            new_conversation=True,
            started=started,
        )

    def ask_structured(
        self, principal: Principal, body: StructuredQuery
    ) -> tuple[Prepared, Answer]:
        """Prepare, execute (cached), answer and record a structured query, under the quota."""
        ticket = self.quotas.admit(principal)
        try:
            prepared = self.prepare_structured(principal, body)
            prepared.quota = ticket
            return prepared, self.complete(prepared)
        except BaseException as exc:
            _give_back(ticket, exc)
            raise

    async def ask_structured_async(
        self, principal: Principal, body: StructuredQuery
    ) -> tuple[Prepared, Answer]:
        with self.recorder.answering():
            return await self._offload(self.ask_structured, principal, body)

    def _plan(
        self,
        planned: _Planned,
        principal: Principal,
        question: str,
        context: QueryContext,
        previous: SemanticQuery | None,
        *,
        inline: bool,
    ) -> None:
        """The plan and its compiled SQL: a verified answer's, deterministic or (after a refusal)
        from the LLM."""
        try:
            parsed: Plan | None = self._understand(question, context, previous)
        except WriteRefused:
            raise
        except Unprocessable as exc:
            parsed, refusal = None, exc
        if previous is None:  # a follow-up's plan depends on its conversation: never verified
            found = verified.match(
                self.verified.for_connection(
                    principal.tenant_id, context.connection.id, inline=inline
                ),
                question,
                parsed,
            )
            if found is not None:
                planned.plan, planned.verified = found[1], True
                planned.planner = "deterministic" if parsed is not None else "verified"
                planned.compiled = self._compile(context, planned.plan.query)
                return
        try:
            if parsed is None:
                raise refusal
            planned.plan = parsed
            planned.compiled = self._compile(context, parsed.query)
            return
        except WriteRefused:
            raise
        except Unprocessable as exc:
            refusal = exc
            llm = self.llm_for(principal)
            if llm is None:
                raise
            if inline:
                raise NotCached("llm") from None
        self.quotas.check_tokens(principal)
        planned.planner, planned.model = "llm", llm.config.model
        with self.slots.hold(principal.tenant_id):  # LLM calls count as queries
            outcome = llm_path.plan_with_llm(
                self.services,
                llm,
                principal,
                context,
                question,
                previous,
                refusal,
                self.date_text(),
            )
        planned.plan, planned.usage = outcome.plan, outcome.usage
        planned.stages = outcome.stages
        planned.llm_sql = outcome.sql is not None
        planned.compiled = (
            CompiledQuery(sql=outcome.sql, dialect=context.dialect, columns=[])
            if outcome.sql
            else self._compile(context, outcome.plan.query)
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

    @traced("understand")
    def _understand(
        self, question: str, context: QueryContext, previous: SemanticQuery | None
    ) -> Plan:
        ctx = self.date_context()
        key = (
            context.layer.version,
            question.strip().lower(),
            previous.model_dump_json() if previous else None,
            ctx.now.date().isoformat(),
        )
        cached: Plan | None = self._plans.get(key)
        if cached is not None:
            return cached
        plan = understand(question, context.lexicon, ctx=ctx, previous=previous)
        self._plans.put(key, plan)
        return plan

    @traced("compile")
    def _compile(self, context: QueryContext, query: SemanticQuery) -> CompiledQuery:
        key = (context.layer.version, context.dialect, query.model_dump_json())
        compiled: CompiledQuery | None = self._compiled.get(key)
        if compiled is None:
            allowed = _tables_of(context)

            @traced("guard")
            def guard(tree: Any) -> None:
                check_expression(tree, context.dialect, allowed_tables=allowed)

            # A question like an earlier one but for its values or dates: that one's SQL.
            compiled = self._templates.compile(context.layer, query, context.dialect, guard)
            if compiled is None:
                # No LIMIT for the cap: the engine fetches cap+1 rows and reports truncation.
                compiled = compile_query(context.layer, query, context.dialect)
                if compiled.tree is not None:  # the tree it was rendered from: no second parse
                    guard(compiled.tree)
                else:
                    traced("guard")(check_sql)(
                        compiled.sql, context.dialect, allowed_tables=allowed
                    )
            self._compiled.put(key, compiled)
        return compiled

    # -- stage 2: execute ---------------------------------------------------------------------
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
        self.services.cache.set(key, result.model_dump(), self.services.settings.result_cache_ttl_s)
        return result, False

    def stream(self, prepared: Prepared) -> RowStream:
        """The rows in batches as the database returns them (see query/streaming.py)."""
        return RowStream(self, prepared)

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

    # -- stage 3: answer ----------------------------------------------------------------------
    @traced("answer")
    def answer(self, prepared: Prepared, result: ResultSet, cached: bool) -> Answer:
        names = [c.name for c in prepared.compiled.columns]
        rows = result.rows
        range_label = None
        if prepared.plan.query.time and prepared.plan.query.time.range:
            range_label = prepared.plan.query.time.range.label
        # Summary and chart depend only on the plan and the rows: reuse them with cached rows.
        memo_key = (self.result_key(prepared), prepared.plan.query.model_dump_json())
        memo = self._answers.get(memo_key) if cached else None
        if memo is None:
            summary = summarize(
                prepared.question,
                prepared.plan.query,
                prepared.compiled.columns,
                rows,
                range_label=range_label,
                locale=self.services.settings.locale,
                truncated=result.truncated,
                layer=prepared.context.layer,
            )
            memo = (summary, chart_spec(prepared.compiled.columns, rows, prepared.plan.query.keys))
            self._answers.put(memo_key, memo)
        summary, chart = memo
        warnings = list(prepared.plan.assumptions)
        tie = tie_warning(
            prepared.plan.query, prepared.compiled.columns, rows, self.services.settings.locale
        )
        if tie:
            warnings.append(tie)
        if result.truncated:
            warnings.append(
                f"Only the first {len(rows):,} rows are shown; the result was "
                "truncated. Narrow the question or add a limit."
            )
        return Answer(
            data=[dict(zip(names, r, strict=False)) for r in rows],
            rows=rows,
            summary=summary,
            chart=chart,
            warnings=warnings,
            row_count=len(rows),
            truncated=result.truncated,
            cached=cached,
            execution_time_ms=round((time.perf_counter() - prepared.started) * 1000, 2),
        )

    # -- stage 4: record ----------------------------------------------------------------------
    @traced("record")
    def record(self, prepared: Prepared, answer: Answer) -> None:
        """Queue the history row (written behind the answer; see recorder.py)."""
        stored = self.services.settings.stored_rows
        plan = prepared.plan.query.model_dump(mode="json")
        values = {
            "id": prepared.id,
            "tenant_id": prepared.principal.tenant_id,
            "user_id": prepared.principal.user_id,
            "connection_id": prepared.context.connection.id,
            "conversation_id": prepared.conversation_id,
            "question": prepared.question,
            "status": "answered",
            "planner": prepared.planner,
            "plan": views.plan_view(prepared),
            "sql": prepared.sql,
            "columns": views.columns_view(prepared),
            "data": answer.rows[:stored],
            "row_count": answer.row_count,
            "truncated": answer.truncated,
            "summary": answer.summary,
            "chart": answer.chart,
            "warnings": answer.warnings,
            "execution_time_ms": answer.execution_time_ms,
            "created_at": prepared.created_at,
            "api_key_id": prepared.principal.api_key_id,
            "request_id": current_request_id(),
            "cached": answer.cached,
            **views.usage_view(prepared),
        }
        fact = outcomes.answered_fact(prepared, answer)
        ANSWERS.labels(prepared.planner, "cached" if answer.cached else "answered").inc()
        if fact.tokens_in or fact.tokens_out:
            self.quotas.spend_tokens(prepared.principal, fact.tokens_in + fact.tokens_out)
        self.recorder.submit(
            partial(
                outcomes.write_answer,
                fact=fact,
                principal=prepared.principal,
                connection_id=prepared.context.connection.id,
                conversation_id=prepared.conversation_id,
                new_conversation=prepared.new_conversation,
                plan=plan if plan["metrics"] else None,
                values=values,
            ),
            key=prepared.id,
        )

    def record_failure(
        self,
        principal: Principal,
        connection: Any,
        conversation_id: str | None,
        question: str,
        planner: str,
        error: NexatronError,
        started: float,
        query_id: str,
        prepared: Prepared | None = None,
    ) -> None:
        """Queue the history row of a question refused, clarified or failed."""
        values, fact = outcomes.failed_values(
            query_id=query_id,
            principal=principal,
            connection=connection,
            conversation_id=conversation_id or "",
            question=question,
            planner=planner,
            error=error,
            started=started,
            prepared=prepared,
        )
        ANSWERS.labels(planner, str(values.get("status", "failed"))).inc()
        if fact.tokens_in or fact.tokens_out:
            self.quotas.spend_tokens(principal, fact.tokens_in + fact.tokens_out)
        self.recorder.submit(
            partial(outcomes.write_failure, fact=fact, values=values), key=query_id
        )

    def ask(
        self,
        principal: Principal,
        question: str,
        connection_id: str | None,
        conversation_id: str | None,
    ) -> tuple[Prepared, Answer]:
        ticket = self.quotas.admit(principal)
        try:
            return self._ask(principal, question, connection_id, conversation_id, ticket)
        except BaseException as exc:
            _give_back(ticket, exc)
            raise

    def _ask(
        self,
        principal: Principal,
        question: str,
        connection_id: str | None,
        conversation_id: str | None,
        ticket: Ticket | None,
    ) -> tuple[Prepared, Answer]:
        prepared = self.prepare(principal, question, connection_id, conversation_id)
        prepared.quota = ticket
        return prepared, self.complete(prepared)

    def complete(self, prepared: Prepared) -> Answer:
        """Execute (or take the cached rows), answer and record."""
        try:
            result, cached = self.execute(prepared)
        except (RateLimited, QuotaExceeded):
            raise
        except NexatronError as error:
            self.record_failure(
                prepared.principal,
                prepared.context.connection,
                prepared.conversation_id,
                prepared.question,
                prepared.planner,
                error,
                prepared.started,
                prepared.id,
                prepared,
            )
            raise
        answer = self.answer(prepared, result, cached)
        self.record(prepared, answer)
        return answer

    async def ask_async(
        self,
        principal: Principal,
        question: str,
        connection_id: str | None,
        conversation_id: str | None,
    ) -> tuple[Prepared, Answer]:
        """`ask` from the event loop, with at most one hop to a worker thread.

        With a local store (Services.local_io) understanding, compiling, the result cache and the
        history write run on the loop; only the warehouse query (and anything slow: loading a
        layer, an LLM call) goes to a worker thread. A hop costs more than most of these steps,
        so a repeated question is answered without any.
        """
        args = (principal, question, connection_id, conversation_id)
        with self.recorder.answering():
            if not self.services.local_io:
                return await self._offload(self.ask, *args)
            ticket = self.quotas.admit(principal)  # in this process: no I/O once seeded
            try:
                try:
                    prepared = self.prepare(*args, inline=True)
                except NotCached:
                    return await self._offload(self._ask, *args, ticket)
                prepared.quota = ticket
                result = self.cached_result(prepared)
                if result is None:
                    return prepared, await self._offload(self.complete, prepared)
                answer = self.answer(prepared, result, True)
                self.record(prepared, answer)
                return prepared, answer
            except BaseException as exc:
                _give_back(ticket, exc)
                raise


def _give_back(ticket: Ticket | None, exc: BaseException) -> None:
    """Not answered: the question's quota unit is returned, and an error says what remains."""
    if ticket is None:
        return
    ticket.refund()
    if isinstance(exc, NexatronError):
        exc.headers = {**ticket.headers(), **exc.headers}


def _add_usage(a: LLMUsage | None, b: LLMUsage) -> LLMUsage:
    if a is None:
        return b
    return LLMUsage(
        tokens_in=a.tokens_in + b.tokens_in,
        tokens_out=a.tokens_out + b.tokens_out,
        llm_ms=a.llm_ms + b.llm_ms,
        calls=a.calls + b.calls,
    )


def _tables_of(context: QueryContext) -> frozenset[str]:
    layer = context.layer
    tables = {m.table for m in layer.metrics if m.table}
    tables |= {d.table for d in layer.dimensions}
    tables |= {r.from_table for r in layer.relationships} | {
        r.to_table for r in layer.relationships
    }
    return frozenset(tables)


def replay_journals(services: Services) -> int:
    """Write the history (and usage) of answers that processes killed under this data
    directory had not written yet (query/journal.py), skipping the jobs whose history row is
    already in the store (their process wrote them before it died). At startup."""
    db = services.db
    writer: list[Recorder] = []

    def write(records: list[Record]) -> None:
        if not writer:
            writer.append(Recorder(db, finish=UsageWriter(services.settings).write_many))
        keys = [key for key, _ in records if key]
        with db.connect() as conn:
            done = set(conn.execute(select(queries.c.id).where(queries.c.id.in_(keys))).scalars())
        writer[0].write_now([job for key, job in records if key is None or key not in done])

    return replay(services.settings.data_dir / "journal", write)


def query_service(services: Services) -> QueryService:
    existing = services.query_service
    if existing is None:
        existing = services.query_service = QueryService(services)
    return existing
