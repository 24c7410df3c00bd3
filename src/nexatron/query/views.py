"""JSON views of a prepared question and its answer, shared by /query, the stream and history."""

from __future__ import annotations

from typing import Any

from nexatron.query.types import Answer, Prepared


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
    return {
        "planner": prepared.planner,
        "llm_usage": usage_view(prepared) if prepared.llm_usage else None,
        "query": plan.query.model_dump(mode="json", exclude_none=True),
        "explanation": [
            e.model_dump(mode="json") if hasattr(e, "model_dump") else e for e in plan.explanation
        ],
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
