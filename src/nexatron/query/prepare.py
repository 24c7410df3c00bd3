"""Stage 1 of a question: its connection and context, the plan (a verified answer's,
deterministic, or the LLM's), the compiled SQL and the guard; a refusal is recorded before it is
raised."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from nexatron.errors import NexatronError, RateLimited, Unprocessable
from nexatron.guard import check_expression, check_sql
from nexatron.identity.roles import Principal
from nexatron.ids import new_id
from nexatron.nlq import DateContext, Plan, WriteRefused, understand
from nexatron.nlq.llm import LLMUsage
from nexatron.observability.tracing import traced
from nexatron.query import llm_path, verified
from nexatron.query.context import NotCached, QueryContext, resolve_connection
from nexatron.query.record import Recording
from nexatron.query.types import Prepared
from nexatron.semantic.compiler import compile_query
from nexatron.semantic.model import CompiledQuery, SemanticQuery
from nexatron.usage.quota import QuotaExceeded


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


class Preparing(Recording):
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


def _tables_of(context: QueryContext) -> frozenset[str]:
    layer = context.layer
    tables = {m.table for m in layer.metrics if m.table}
    tables |= {d.table for d in layer.dimensions}
    tables |= {r.from_table for r in layer.relationships} | {
        r.to_table for r in layer.relationships
    }
    return frozenset(tables)
