"""The structured-query entry (POST /semantic/query): a query checked against the layer field
by field, compiled, guarded, then executed, answered and recorded like a question."""

from __future__ import annotations

import time

from nexatron.errors import NexatronError, ValidationFailed
from nexatron.identity.roles import Principal
from nexatron.ids import new_id
from nexatron.query import structured
from nexatron.query.answering import Answering
from nexatron.query.context import resolve_connection
from nexatron.query.core import give_back
from nexatron.query.structured import StructuredQuery
from nexatron.query.types import Answer, Prepared
from nexatron.semantic.exprs import CompileError


class StructuredEntry(Answering):
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
            give_back(ticket, exc)
            raise

    async def ask_structured_async(
        self, principal: Principal, body: StructuredQuery
    ) -> tuple[Prepared, Answer]:
        with self.recorder.answering():
            return await self._offload(principal.tenant_id, self.ask_structured, principal, body)
