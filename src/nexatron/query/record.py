"""Stage 4 of a question: queue its history row and usage fact (written behind the answer by
the Recorder, query/recorder.py), answered or not."""

from __future__ import annotations

from functools import partial
from typing import Any

from nexatron.audit.request_context import current_request_id
from nexatron.errors import NexatronError
from nexatron.identity.roles import Principal
from nexatron.observability.metrics import ANSWERS
from nexatron.observability.tracing import traced
from nexatron.query import outcomes, views
from nexatron.query.core import ServiceCore
from nexatron.query.types import Answer, Prepared


class Recording(ServiceCore):
    @traced("record")
    def record(self, prepared: Prepared, answer: Answer) -> None:
        """Queue the history row (written behind the answer; see recorder.py)."""
        stored = self.services.settings.stored_rows
        plan = views.plan_json(prepared.plan).query
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
