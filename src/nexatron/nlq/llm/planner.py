"""The LLM planner: context slice -> semantic query as JSON (one repair round) -> SQL when the
layer cannot express the question -> one SQL correction round after a database error.

It never executes anything: a semantic query goes to the compiler, SQL to the lead's guard.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, Field

from nexatron.errors import NexatronError
from nexatron.lru import LRU
from nexatron.nlq.llm import prompts
from nexatron.nlq.llm.config import LLMConfig
from nexatron.nlq.llm.output import Reply, clip, parse_reply
from nexatron.nlq.llm.providers import ChatClient, Completion, Message, make_client
from nexatron.nlq.llm.retrieval import ContextIndex, ContextSlice
from nexatron.nlq.llm.summary import checked_rephrasing
from nexatron.semantic.model import SemanticLayer, SemanticQuery
from nexatron.warehouse.types import SchemaSnapshot

StageHook = Callable[[str], None]
INDEX_CACHE_SIZE = 16


class LLMUsage(BaseModel):
    tokens_in: int = 0
    tokens_out: int = 0
    llm_ms: float = 0.0
    calls: int = 0


class LLMCall(BaseModel):
    """One provider call: which stage, the usage the API reported, latency."""

    stage: str
    tokens_in: int
    tokens_out: int
    ms: float
    truncated: bool = False


class LLMPlan(BaseModel):
    kind: Literal["semantic", "sql", "refusal"]
    query: SemanticQuery | None = None
    sql: str | None = None
    reason: str | None = None
    usage: LLMUsage = Field(default_factory=LLMUsage)
    stages: list[str] = Field(default_factory=list)
    calls: list[LLMCall] = Field(default_factory=list)
    context_tables: list[str] = Field(default_factory=list)
    context_tokens: int = 0


class _Run:
    """Usage and stages of one planning run."""

    def __init__(self, client: ChatClient, on_stage: StageHook | None) -> None:
        self.client, self.on_stage = client, on_stage
        self.stages: list[str] = []
        self.calls: list[LLMCall] = []

    def stage(self, name: str) -> None:
        self.stages.append(name)
        if self.on_stage is not None:
            self.on_stage(name)

    def ask(self, stage: str, system: str, messages: list[Message]) -> Completion:
        self.stage(stage)
        done = self.client.complete(system, messages)
        self.calls.append(
            LLMCall(stage=stage, tokens_in=done.tokens_in, tokens_out=done.tokens_out,
                    ms=round(done.ms, 3), truncated=done.truncated)
        )  # fmt: skip
        return done

    def usage(self) -> LLMUsage:
        return LLMUsage(
            tokens_in=sum(c.tokens_in for c in self.calls),
            tokens_out=sum(c.tokens_out for c in self.calls),
            llm_ms=round(sum(c.ms for c in self.calls), 3),
            calls=len(self.calls),
        )

    def result(self, reply: Reply, ctx: ContextSlice | None) -> LLMPlan:
        kind: Literal["semantic", "sql", "refusal"]
        kind = reply.kind if reply.kind in ("semantic", "sql") else "refusal"
        reason = reply.reason
        if reply.kind == "invalid":
            reason = "The model's reply could not be used: " + "; ".join(reply.errors)[:500]
        return LLMPlan(
            kind=kind, query=reply.query, sql=reply.sql, reason=reason, usage=self.usage(),
            stages=list(self.stages), calls=list(self.calls),
            context_tables=ctx.table_names if ctx else [],
            context_tokens=ctx.approx_tokens if ctx else 0,
        )  # fmt: skip


def _turn(role: Literal["user", "assistant"], content: str) -> Message:
    return {"role": role, "content": content or "(empty reply)"}


class LLMPlanner:
    """Plans questions with one configured provider. Thread-safe; build one per config."""

    def __init__(
        self, config: LLMConfig, *, client: ChatClient | None = None, row_limit: int = 1000
    ) -> None:
        self.config = config
        self.client = client if client is not None else make_client(config)
        self.row_limit = row_limit
        self._indexes: LRU[tuple[int, int], ContextIndex] = LRU(INDEX_CACHE_SIZE)

    def index_for(self, layer: SemanticLayer, schema: SchemaSnapshot) -> ContextIndex:
        """The context index of these exact objects, cached (a few entries) by identity."""
        key = (id(layer), id(schema))
        hit = self._indexes.get(key)
        if hit is not None and hit.layer is layer and hit.schema is schema:
            return hit
        index = ContextIndex(layer, schema)
        self._indexes.put(key, index)  # holds layer and schema, so their ids stay unique
        return index

    def _exchange(
        self,
        run: _Run,
        stage: str,
        system: str,
        first: str,
        parse: Callable[[Completion], Reply],
    ) -> Reply:
        """One call, plus one repair round carrying the validation errors of an invalid reply."""
        messages = [_turn("user", first)]
        done = run.ask(stage, system, messages)
        reply = parse(done)
        if reply.kind != "invalid":
            return reply
        messages += [
            _turn("assistant", done.text),
            _turn("user", prompts.repair_message(reply.errors)),
        ]
        return parse(run.ask(f"{stage}:repair", system, messages))

    def plan(
        self,
        question: str,
        *,
        layer: SemanticLayer,
        schema: SchemaSnapshot,
        dialect: str,
        value_hits: dict[str, list[str]] | None = None,
        examples: list[tuple[str, SemanticQuery]] | None = None,
        previous: SemanticQuery | None = None,
        date_context_text: str = "",
        index: ContextIndex | None = None,
        on_stage: StageHook | None = None,
    ) -> LLMPlan:
        """A semantic query, SQL (for questions outside the layer) or a refusal with a reason.
        Raises LLMUnavailable when the provider cannot be reached after bounded retries."""
        run = _Run(self.client, on_stage)
        run.stage("llm:context")
        ctx = (index or self.index_for(layer, schema)).select(
            question, budget_tokens=self.config.context_tokens, value_hits=value_hits,
            examples=examples, previous=previous,
        )  # fmt: skip
        allow_sql = self.config.allow_sql
        first = prompts.user_message(ctx.data(), question, date_context=date_context_text)
        reply = self._exchange(
            run, "llm:plan", prompts.PLAN_SYSTEM, first,
            lambda done: parse_reply(done, layer=layer, allow_sql=allow_sql),
        )  # fmt: skip
        if reply.kind != "cannot_express":
            return run.result(reply, ctx)
        if not allow_sql:
            why = reply.reason or "the question needs something the semantic layer lacks"
            return run.result(Reply("refusal", reason=f"Not expressible in the layer: {why}"), ctx)
        sql_first = prompts.user_message(
            ctx.data(), question, date_context=date_context_text,
            extra=f"The semantic layer cannot express this ({reply.reason or 'no reason'}).",
        )  # fmt: skip
        reply = self._exchange(
            run, "llm:sql", prompts.sql_system(dialect, self.row_limit), sql_first,
            lambda done: parse_reply(done, layer=None, allow_sql=True),
        )  # fmt: skip
        return run.result(reply, ctx)

    def correct_sql(
        self,
        question: str,
        sql: str,
        error: str,
        *,
        layer: SemanticLayer,
        schema: SchemaSnapshot,
        dialect: str,
        date_context_text: str = "",
        index: ContextIndex | None = None,
        on_stage: StageHook | None = None,
    ) -> LLMPlan:
        """One bounded correction round for SQL that failed on the database."""
        run = _Run(self.client, on_stage)
        run.stage("llm:context")
        ctx = (index or self.index_for(layer, schema)).select(
            f"{question} {sql}", budget_tokens=self.config.context_tokens
        )
        data: dict[str, Any] = {**ctx.data(), "failed_sql": sql, "database_error": error[:2000]}
        first = prompts.user_message(
            data, question, date_context=date_context_text, extra=prompts.CORRECTION_EXTRA
        )
        reply = self._exchange(
            run, "llm:correct", prompts.sql_system(dialect, self.row_limit), first,
            lambda done: parse_reply(done, layer=None, allow_sql=True),
        )  # fmt: skip
        return run.result(reply, ctx)

    def rephrase(self, facts: dict[str, Any], draft: str) -> tuple[str, LLMUsage]:
        """The model's wording of `draft` from `facts` only; the draft when it adds anything."""
        run = _Run(self.client, None)
        data = {"facts": facts, "draft": draft}
        message = prompts.user_message(data, "Rephrase the draft summary.").replace(
            "Reply with exactly one JSON object.", "Reply with the sentence only."
        )
        done = run.ask("llm:summary", prompts.SUMMARY_SYSTEM, [_turn("user", message)])
        text = clip(done.text.strip().strip('"'), 600)
        return checked_rephrasing(text, facts, draft, truncated=done.truncated), run.usage()

    def rephrase_summary(self, facts: dict[str, Any], draft: str) -> str:
        """Optional nicer wording; any failure (or an invented number) keeps the draft."""
        try:
            return self.rephrase(facts, draft)[0]
        except NexatronError:  # unavailable provider: the draft is always a correct answer
            return draft
