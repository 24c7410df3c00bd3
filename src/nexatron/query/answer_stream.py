"""A question answered stage by stage, for the stream route (`api/sse.py` only frames the stages).

`answer_stream` runs the stages in order: prepare (refusals and clarifications are recorded
there), the LLM's stages when it planned, the plan, the SQL, the rows in batches (`RowStream`),
the answer (recorded, written behind it), and ends with exactly one `Done` or `Failed`. It owns
the outcome:
- a failure after the question was understood (the database fails while rows are sent, or
  anything else) is recorded in the history as `errored`, like the ask route's failures; the
  tenant's slots or token quota refusing it is not an outcome;
- the question's quota unit (`ticket`) is given back unless the answer was recorded, before the
  `Failed` stage is yielded (so it reports what remains), and when the consumer leaves (a client
  that disconnects is not an outcome either: nothing is recorded).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool

from nexatron.errors import NexatronError, RateLimited
from nexatron.identity.roles import Principal
from nexatron.query.types import Answer, Prepared
from nexatron.usage.quota import QuotaExceeded, Ticket
from nexatron.warehouse.stream import JsonRows

if TYPE_CHECKING:
    from nexatron.query.service import QueryService

log = logging.getLogger("nexatron.stream")


class StreamFailed(NexatronError):
    """What the history keeps for a stream that failed on an unexpected error."""

    status_code = 500

    @classmethod
    def default_detail(cls) -> str:
        return "Internal server error."


@dataclass(frozen=True)
class LlmPlanned:
    """The LLM planned the question (`prepared.llm_stages`, its usage)."""

    prepared: Prepared


@dataclass(frozen=True)
class Planned:
    prepared: Prepared


@dataclass(frozen=True)
class SqlReady:
    """The statement is running."""

    prepared: Prepared


@dataclass(frozen=True)
class RowsBatch:
    offset: int
    batch: JsonRows


@dataclass(frozen=True)
class Answered:
    """The answer (summary, chart, warnings), recorded."""

    answer: Answer


@dataclass(frozen=True)
class Done:
    prepared: Prepared
    answer: Answer
    row_count: int


@dataclass(frozen=True)
class Failed:
    """The question was not answered: `error`'s status and detail (the unit given back)."""

    error: NexatronError


Stage = LlmPlanned | Planned | SqlReady | RowsBatch | Answered | Done | Failed


async def answer_stream(
    service: QueryService,
    principal: Principal,
    question: str,
    connection_id: str | None,
    conversation_id: str | None,
    ticket: Ticket | None,
) -> AsyncGenerator[Stage, None]:
    answered = False

    def give_back() -> None:
        if ticket is not None and not answered:
            ticket.refund()  # once only

    try:
        stages = _stages(service, principal, question, connection_id, conversation_id, ticket)
        async with contextlib.aclosing(stages):  # a consumer that leaves closes the stages now
            async for stage in stages:
                if isinstance(stage, Answered):
                    answered = True  # recorded as answered: the unit is spent
                yield stage
    except NexatronError as exc:
        give_back()
        yield Failed(exc)
    except Exception:
        log.exception("stream failed")
        give_back()
        yield Failed(StreamFailed())
    finally:
        give_back()  # a consumer that left: not answered either


async def _stages(
    service: QueryService,
    principal: Principal,
    question: str,
    connection_id: str | None,
    conversation_id: str | None,
    ticket: Ticket | None,
) -> AsyncGenerator[Stage, None]:
    prepared: Prepared = await run_in_threadpool(
        service.prepare, principal, question, connection_id, conversation_id
    )  # refusals and clarifications are recorded by prepare
    prepared.quota = ticket
    recorded = False
    try:
        async for stage in _answer(service, prepared):
            if isinstance(stage, Answered):
                recorded = True
            yield stage
    except (RateLimited, QuotaExceeded):
        raise  # the tenant's slots or token quota: not an outcome (as on the ask route)
    except NexatronError as error:
        if not recorded:
            _record_failure(service, prepared, error)
        raise
    except Exception:
        if not recorded:
            _record_failure(service, prepared, StreamFailed())
        raise


def _record_failure(service: QueryService, prepared: Prepared, error: NexatronError) -> None:
    service.record_failure(
        prepared.principal, prepared.context.connection, prepared.conversation_id,
        prepared.question, prepared.planner, error, prepared.started, prepared.id, prepared,
    )  # fmt: skip


async def _answer(service: QueryService, prepared: Prepared) -> AsyncIterator[Stage]:
    if prepared.llm_stages:
        yield LlmPlanned(prepared)
    yield Planned(prepared)
    rows = service.stream(prepared)
    await rows.open()
    yield SqlReady(prepared)
    async with contextlib.aclosing(rows.batches()) as batches:  # closed even if we fail
        async for offset, batch in batches:
            yield RowsBatch(offset, batch)
    count = rows.row_count
    answer = service.answer(prepared, rows.result, cached=rows.cached)
    answer.row_count = count
    service.record(prepared, answer)  # queued: written behind the answer
    yield Answered(answer)
    yield Done(prepared, answer, count)
