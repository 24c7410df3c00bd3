"""QueryService: the pipeline of one question, as plain stages shared by /query and the stream.

prepare (context, understanding, compile, guard) -> execute (cached) -> answer -> record; each
stage is a module (core, record, prepare, execute, answering, structured_entry) and a class
that builds on the one before; this one asks (the quota ticket, the hop off the event loop).
"""

from __future__ import annotations

from sqlalchemy import select

from nexatron.identity.roles import Principal
from nexatron.query import outcomes
from nexatron.query.context import NotCached
from nexatron.query.core import give_back
from nexatron.query.journal import Record, replay
from nexatron.query.recorder import Recorder
from nexatron.query.streaming import RowStream
from nexatron.query.structured_entry import StructuredEntry
from nexatron.query.types import Answer, Prepared
from nexatron.services import Services
from nexatron.store.tables import queries
from nexatron.usage.quota import Ticket
from nexatron.usage.writer import UsageWriter


class QueryService(StructuredEntry):
    def stream(self, prepared: Prepared) -> RowStream:
        """The rows in batches as the database returns them (see query/streaming.py)."""
        return RowStream(self, prepared)

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
            give_back(ticket, exc)
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
                return await self._offload(principal.tenant_id, self.ask, *args)
            ticket = self.quotas.admit(principal)  # in this process: no I/O once seeded
            try:
                try:
                    prepared = self.prepare(*args, inline=True)
                except NotCached:
                    return await self._offload(principal.tenant_id, self._ask, *args, ticket)
                prepared.quota = ticket
                result = self.cached_result(prepared)
                if result is None:
                    return prepared, await self._offload(
                        principal.tenant_id, self.complete, prepared
                    )
                answer = self.answer(prepared, result, True)
                self.record(prepared, answer)
                return prepared, answer
            except BaseException as exc:
                give_back(ticket, exc)
                raise


def replay_journals(services: Services) -> int:
    """Write the history (and usage) of answers that processes killed under this data
    directory had not written yet (query/journal.py), skipping the jobs whose history row is
    already in the store (their process wrote them before it died). At startup."""
    db = services.db
    writer: list[Recorder] = []

    def write(records: list[Record]) -> None:
        if not writer:
            usage = UsageWriter(services.settings).write_many
            writer.append(Recorder(db, finish=outcomes.batch_writer(usage)))
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
