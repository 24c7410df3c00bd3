"""What the history writer stores for each question's outcome: the history row and its usage
fact (answered, refused, clarified or errored). Built on the request path from what is already in
hand (no I/O); written behind the answer by the Recorder in one transaction, so the ledger and the
rollups always agree with the history. A job (journaled as it is) only returns its rows; the
batch's `finish` (`batch_writer`) inserts them all at once."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from nexatron.audit.request_context import current_request_id
from nexatron.errors import NexatronError
from nexatron.identity.roles import Principal
from nexatron.nlq.errors import Clarification
from nexatron.query import history
from nexatron.query.recorder import Finish
from nexatron.query.types import Answer, Prepared
from nexatron.usage.facts import Status, UsageFact, unmatched_of


def answered_fact(prepared: Prepared, answer: Answer) -> UsageFact:
    usage = prepared.llm_usage
    connection = prepared.context.connection
    return UsageFact(
        query_id=prepared.id,
        tenant_id=prepared.principal.tenant_id,
        user_id=prepared.principal.user_id,
        api_key_id=prepared.principal.api_key_id,
        connection_id=connection.id,
        connection_type=connection.type,
        planner=prepared.planner,
        status="answered",
        question=prepared.question,
        occurred_at=prepared.created_at,
        latency_ms=answer.execution_time_ms,
        rows=answer.row_count,
        cached=answer.cached,
        tokens_in=usage.tokens_in if usage else 0,
        tokens_out=usage.tokens_out if usage else 0,
        model=prepared.llm_model,
    )


def status_of(error: NexatronError) -> Status:
    if isinstance(error, Clarification):
        return "clarified"
    return "refused" if error.status_code == 422 else "errored"


def failed_values(
    *,
    query_id: str,
    principal: Principal,
    connection: Any,
    conversation_id: str,
    question: str,
    planner: str,
    error: NexatronError,
    started: float,
    prepared: Prepared | None = None,
) -> tuple[dict[str, Any], UsageFact]:
    """The history row and usage fact of a question that was not answered."""
    status = status_of(error)
    words, suggestions = unmatched_of(error.detail)
    latency = round((time.perf_counter() - started) * 1000, 2)
    stamp = prepared.created_at if prepared else dt.datetime.now(dt.UTC)
    usage = prepared.llm_usage if prepared else None
    detail = error.detail if isinstance(error.detail, (dict, list, str)) else str(error.detail)
    values: dict[str, Any] = {
        "id": query_id,
        "tenant_id": principal.tenant_id,
        "user_id": principal.user_id,
        "connection_id": connection.id,
        "conversation_id": conversation_id,
        "question": question,
        "status": status,
        "planner": planner,
        "sql": prepared.sql if prepared else None,
        "error": {"status": error.status_code, "detail": detail},
        "execution_time_ms": latency,
        "created_at": stamp,
        "tokens_in": usage.tokens_in if usage else None,
        "tokens_out": usage.tokens_out if usage else None,
        "llm_ms": round(usage.llm_ms, 1) if usage else None,
        "api_key_id": principal.api_key_id,
        "request_id": current_request_id(),
        "unmatched": {"words": list(words), "suggestions": suggestions} if words else None,
        "truncated": False,
    }
    fact = UsageFact(
        query_id=query_id,
        tenant_id=principal.tenant_id,
        user_id=principal.user_id,
        api_key_id=principal.api_key_id,
        connection_id=connection.id,
        connection_type=connection.type,
        planner=planner,
        status=status,
        question=question,
        occurred_at=stamp,
        latency_ms=latency,
        tokens_in=usage.tokens_in if usage else 0,
        tokens_out=usage.tokens_out if usage else 0,
        model=prepared.llm_model if prepared else None,
        unmatched=words,
        suggestions=suggestions,
    )
    return values, fact


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a history job leaves for its batch: its rows and its usage fact (`batch_writer`)."""

    fact: UsageFact
    rows: history.HistoryRows


def write_answer(
    conn: Connection,
    *,
    fact: UsageFact,
    principal: Principal,
    connection_id: str,
    conversation_id: str,
    new_conversation: bool,
    plan: dict[str, Any] | None,
    values: dict[str, Any],
) -> Outcome:
    """The job of an answer (journaled as it is): its rows, written with the batch's."""
    rows = history.answer_rows(
        principal,
        connection_id=connection_id,
        conversation_id=conversation_id,
        new_conversation=new_conversation,
        plan=plan,
        values=values,
    )
    return Outcome(fact, rows)


def write_failure(conn: Connection, *, fact: UsageFact, values: dict[str, Any]) -> Outcome:
    """The job of a question not answered: its row, written with the batch's."""
    return Outcome(fact, history.HistoryRows(values))


def batch_writer(usage: Callable[[Connection, list[object]], None]) -> Finish:
    """The Recorder's `finish`: a batch's history rows (`history.save_rows`), then its usage
    facts (`usage`: UsageWriter.write_many), in the batch's transaction."""

    def finish(conn: Connection, results: list[object]) -> None:
        history.save_rows(conn, [r.rows for r in results if isinstance(r, Outcome)])
        usage(conn, [r.fact if isinstance(r, Outcome) else r for r in results])

    return finish
