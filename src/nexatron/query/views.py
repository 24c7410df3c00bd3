"""JSON views of a prepared question and its answer, shared by /query, the stream and history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nexatron.lru import LRU
from nexatron.nlq import Plan
from nexatron.query.types import Answer, Prepared


@dataclass(frozen=True)
class PlanJson:
    """A plan's JSON forms, made once per plan: a repeated question's plan is the same object
    (the plan cache's), and one answer used to dump it four times (response, history row,
    conversation, memo key). Shared: never mutate them."""

    query: dict[str, Any]  # the semantic query (the conversation's last plan)
    lean: dict[str, Any]  # the same without None fields (the plan view)
    text: str  # model_dump_json (a cache key)
    explanation: list[Any]


# By id, with the plan itself kept so that the id cannot be reused while its entry lives.
_PLAN_JSON: LRU[int, tuple[Plan, PlanJson]] = LRU(4096)


def plan_json(plan: Plan) -> PlanJson:
    hit = _PLAN_JSON.get(id(plan))
    if hit is not None and hit[0] is plan:
        return hit[1]
    dumps = PlanJson(
        query=plan.query.model_dump(mode="json"),
        lean=plan.query.model_dump(mode="json", exclude_none=True),
        text=plan.query.model_dump_json(),
        explanation=[
            e.model_dump(mode="json") if hasattr(e, "model_dump") else e for e in plan.explanation
        ],
    )
    _PLAN_JSON.put(id(plan), (plan, dumps))
    return dumps


def usage_view(prepared: Prepared) -> dict[str, Any]:
    usage = prepared.llm_usage
    if usage is None:
        return {"tokens_in": None, "tokens_out": None, "llm_ms": None}
    return {
        "tokens_in": usage.tokens_in,
        "tokens_out": usage.tokens_out,
        "llm_ms": round(usage.llm_ms, 1),
    }


def plan_view(prepared: Prepared) -> dict[str, Any]:
    plan = prepared.plan
    dumps = plan_json(plan)
    return {
        "planner": prepared.planner,
        "llm_usage": usage_view(prepared) if prepared.llm_usage else None,
        "query": dumps.lean,
        "explanation": dumps.explanation,
        "time_range": plan.time_range_text,
        "follow_up": plan.is_follow_up,
        "assumptions": list(plan.assumptions),
        "verified": prepared.verified,
    }


def columns_view(prepared: Prepared) -> list[dict[str, Any]]:
    return [
        {"name": c.name, "type": c.type, "role": c.role, "label": c.label}
        for c in prepared.compiled.columns
    ]


def response(prepared: Prepared, answer: Answer) -> dict[str, Any]:
    return {
        "id": prepared.id,
        "question": prepared.question,
        "data": answer.data,
        "summary": answer.summary,
        "conversation_id": prepared.conversation_id,
        "connection_id": prepared.context.connection.id,
        "execution_time_ms": answer.execution_time_ms,
        "created_at": prepared.created_at,
        "sql": prepared.sql,
        "plan": plan_view(prepared),
        "columns": columns_view(prepared),
        "row_count": answer.row_count,
        "truncated": answer.truncated,
        "chart": answer.chart,
        "warnings": answer.warnings,
        "cached": answer.cached,
        "verified": prepared.verified,
    }
