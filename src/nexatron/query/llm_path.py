"""The LLM planner's turn: when the deterministic parser refuses and an LLM is configured.

The LLM proposes a semantic query (compiled like any other) or, for questions outside the layer,
SQL. Its output is untrusted: names are validated by the planner, SQL goes through the same
guard with the connection's tables, and a database error gets one bounded correction round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from nexatron.connections.schema import get_schema
from nexatron.errors import NexatronError, Unprocessable
from nexatron.guard import check_sql, enforce_row_cap
from nexatron.identity.roles import Principal
from nexatron.lru import LRU
from nexatron.nlq import Explained, Plan
from nexatron.nlq.llm import ContextIndex, LLMPlan, LLMPlanner, LLMUsage
from nexatron.query.context import QueryContext
from nexatron.semantic.model import OutputColumn, SemanticQuery
from nexatron.services import Services
from nexatron.store.tables import queries, query_feedback, verified_answers
from nexatron.warehouse.types import ResultColumn, SchemaSnapshot

EXAMPLES = 20
INDEXES = 32
VALUES_PER_DIMENSION = 10
_NON_WORD = re.compile(r"[\W_]+")


@dataclass
class LLMOutcome:
    plan: Plan
    sql: str | None  # set when the LLM wrote SQL (already guarded and capped)
    usage: LLMUsage
    stages: list[str] = field(default_factory=list)


def _value_hits(context: QueryContext, question: str) -> dict[str, list[str]]:
    """Dimension values the question names as whole words, from the lexicon's value index."""
    text = f" {' '.join(_NON_WORD.sub(' ', question.lower()).split())} "
    hits: dict[str, list[str]] = {}
    for key, pairs in context.lexicon.values.items():
        if len(key) <= 2 or f" {key} " not in text:
            continue
        for dim, value in pairs:
            found = hits.setdefault(dim, [])
            if value not in found and len(found) < VALUES_PER_DIMENSION:
                found.append(value)
    return hits


def _examples(
    services: Services, principal: Principal, connection_id: str
) -> list[tuple[str, SemanticQuery]]:
    """Worked examples for the planner: the connection's verified answers first, then questions
    down-voted with a corrected plan (that plan), then recent deterministic answers that nobody
    down-voted."""
    tenant = principal.tenant_id
    downvoted = select(query_feedback.c.query_id).where(
        query_feedback.c.tenant_id == tenant, query_feedback.c.vote == "down"
    )
    with services.db.connect() as conn:
        verified = conn.execute(
            select(verified_answers.c.question, verified_answers.c.plan)
            .where(
                verified_answers.c.tenant_id == tenant,
                verified_answers.c.connection_id == connection_id,
            )
            .order_by(verified_answers.c.updated_at.desc())
            .limit(EXAMPLES)
        ).fetchall()
        corrected = conn.execute(
            select(queries.c.question, query_feedback.c.corrected_plan)
            .join(queries, queries.c.id == query_feedback.c.query_id)
            .where(
                query_feedback.c.tenant_id == tenant,
                queries.c.tenant_id == tenant,
                queries.c.connection_id == connection_id,
                query_feedback.c.corrected_plan.is_not(None),
            )
            .order_by(query_feedback.c.created_at.desc())
            .limit(EXAMPLES)
        ).fetchall()
        rows = conn.execute(
            select(queries.c.question, queries.c.plan)
            .where(
                queries.c.tenant_id == tenant,
                queries.c.connection_id == connection_id,
                queries.c.status == "answered",
                queries.c.planner == "deterministic",
                queries.c.id.not_in(downvoted),
            )
            .order_by(queries.c.created_at.desc())
            .limit(EXAMPLES)
        ).fetchall()
    candidates = [
        *((r.question, r.plan) for r in verified),
        *((r.question, r.corrected_plan) for r in corrected),
        *((r.question, (r.plan or {}).get("query")) for r in rows),
    ]
    out: list[tuple[str, SemanticQuery]] = []
    seen: set[str] = set()
    for question, plan in candidates:
        key = question.strip().lower()
        if key in seen or len(out) >= EXAMPLES:
            continue
        try:
            out.append((question, SemanticQuery.model_validate(plan)))
        except (TypeError, ValueError):
            continue
        seen.add(key)
    return out


def _context_index(
    services: Services, context: QueryContext, schema: SchemaSnapshot
) -> ContextIndex:
    """The ranking index of this layer version and schema snapshot, built once: the snapshot is
    parsed afresh on every request, so the planner's identity-keyed cache would always miss."""
    cache = services.llm_context_indexes
    if cache is None:
        cache = services.llm_context_indexes = LRU(INDEXES)
    stamp = schema.introspected_at.isoformat() if schema.introspected_at else None
    key = (context.connection.tenant_id, context.connection.id, context.layer.version, stamp)
    index: ContextIndex | None = cache.get(key) if stamp else None
    if index is None:
        index = ContextIndex(context.layer, schema)
        if stamp:
            cache.put(key, index)
    return index


def schema_tables(schema: SchemaSnapshot) -> set[str]:
    return {t.qualified_name for t in schema.tables} | {t.name for t in schema.tables}


def plan_with_llm(
    services: Services,
    llm: LLMPlanner,
    principal: Principal,
    context: QueryContext,
    question: str,
    previous: SemanticQuery | None,
    refusal: Unprocessable,
    date_text: str,
) -> LLMOutcome:
    schema = get_schema(services, principal.tenant_id, context.connection.id)
    result: LLMPlan = llm.plan(
        question,
        layer=context.layer,
        schema=schema,
        dialect=context.dialect,
        value_hits=_value_hits(context, question),
        examples=_examples(services, principal, context.connection.id),
        previous=previous,
        date_context_text=date_text,
        index=_context_index(services, context, schema),
    )
    if result.kind == "semantic" and result.query is not None:
        plan = Plan(
            query=result.query,
            explanation=[
                Explained(
                    text=question,
                    kind="metric",
                    target=",".join(result.query.metrics),
                    detail="planned by the LLM",
                )
            ],
            assumptions=[
                "The deterministic parser could not read this question; an LLM planned it."
            ],
        )
        return LLMOutcome(plan, None, result.usage, result.stages)
    if result.kind == "sql" and result.sql:
        sql = guarded_sql(result.sql, context.dialect, schema, services.settings.row_cap + 1)
        plan = Plan(
            query=SemanticQuery(),
            assumptions=[
                "This question is outside the semantic layer; an LLM wrote the SQL. Check it."
            ],
        )
        return LLMOutcome(plan, sql, result.usage, result.stages)
    detail = (
        dict(refusal.detail)
        if isinstance(refusal.detail, dict)
        else {"message": str(refusal.detail)}
    )
    detail["llm"] = result.reason or "The LLM could not answer this question either."
    raise Unprocessable(detail)


def guarded_sql(sql: str, dialect: str, schema: SchemaSnapshot, cap: int) -> str:
    tree = check_sql(sql, dialect, allowed_tables=schema_tables(schema))
    return enforce_row_cap(tree, dialect, cap)


def correct(
    services: Services,
    llm: LLMPlanner,
    principal: Principal,
    context: QueryContext,
    question: str,
    sql: str,
    error: NexatronError,
    date_text: str,
) -> LLMOutcome:
    schema = get_schema(services, principal.tenant_id, context.connection.id)
    message = error.detail if isinstance(error.detail, str) else str(error.detail)
    result = llm.correct_sql(
        question,
        sql,
        message,
        layer=context.layer,
        schema=schema,
        dialect=context.dialect,
        date_context_text=date_text,
        index=_context_index(services, context, schema),
    )
    if result.kind != "sql" or not result.sql:
        raise error
    fixed = guarded_sql(result.sql, context.dialect, schema, services.settings.row_cap + 1)
    return LLMOutcome(
        Plan(
            query=SemanticQuery(),
            assumptions=[
                "An LLM wrote and then corrected this SQL after a database error. Check it."
            ],
        ),
        fixed,
        result.usage,
        result.stages,
    )


def columns_from_result(columns: list[ResultColumn]) -> list[OutputColumn]:
    """Output columns for LLM SQL: numbers are measures, the rest dimensions."""
    out = []
    for col in columns:
        role: Any = (
            "metric"
            if col.type == "number"
            else ("time" if col.type in ("date", "timestamp") else "dimension")
        )
        out.append(
            OutputColumn(
                name=col.name,
                role=role,
                ref=col.name,
                label=col.name.replace("_", " ").capitalize(),
                type=col.type,
            )
        )
    return out
