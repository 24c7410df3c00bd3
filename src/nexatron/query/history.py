"""Query history and conversations (tenant-scoped; users see their own, admins the tenant's)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Row, and_, bindparam, or_, select, update

from nexatron import audit
from nexatron.cursors import INVALID, aware_datetime, decode_cursor, encode_cursor
from nexatron.errors import BadRequest, NotFound
from nexatron.identity.roles import Principal
from nexatron.store.tables import conversations, queries


def _visible(principal: Principal) -> Any:
    clause = queries.c.tenant_id == principal.tenant_id
    if not principal.can("query:read_all"):
        clause = clause & (queries.c.user_id == principal.user_id)
    return clause


def get_conversation(conn: Connection, principal: Principal, conversation_id: str) -> Any:
    row = conn.execute(
        select(conversations).where(
            conversations.c.tenant_id == principal.tenant_id,
            conversations.c.id == conversation_id,
            conversations.c.user_id == principal.user_id,
        )
    ).first()
    if row is None:
        raise NotFound("Conversation not found.")
    return row


_INSERT_CONVERSATION = conversations.insert()
_INSERT_QUERY = queries.insert()
_FOLLOW_UP = (
    update(conversations)
    .where(conversations.c.tenant_id == bindparam("t"), conversations.c.id == bindparam("c"))
    .values(
        last_plan=bindparam("plan", type_=conversations.c.last_plan.type),
        updated_at=bindparam("stamp", type_=conversations.c.updated_at.type),
    )
)


@dataclass(frozen=True, slots=True)
class HistoryRows:
    """One question's history, written with its batch's (`save_rows`): its query row, and a new
    conversation's row or a follow-up's plan for its conversation. A question not answered
    (refused, clarified, errored) has its row only; its conversation keeps its last plan."""

    query: dict[str, Any]
    conversation: dict[str, Any] | None = None  # a new conversation
    follow_up: dict[str, Any] | None = None  # an existing conversation's last plan


def answer_rows(
    principal: Principal,
    *,
    connection_id: str,
    conversation_id: str,
    new_conversation: bool,
    plan: dict[str, Any] | None,
    values: dict[str, Any],
) -> HistoryRows:
    """The query row and the conversation's last plan of an answer.

    `plan` None keeps the conversation's previous plan (LLM-written SQL has none to follow).
    """
    stamp = values["created_at"]
    if new_conversation:
        conversation = {
            "id": conversation_id, "tenant_id": principal.tenant_id,
            "user_id": principal.user_id, "connection_id": connection_id, "last_plan": plan,
            "created_at": stamp, "updated_at": stamp,
        }  # fmt: skip
        return HistoryRows(values, conversation=conversation)
    if plan is not None:
        follow_up = {"t": principal.tenant_id, "c": conversation_id, "plan": plan, "stamp": stamp}
        return HistoryRows(values, follow_up=follow_up)
    return HistoryRows(values)


def save_rows(conn: Connection, batch: list[HistoryRows]) -> None:
    """A batch's history in the caller's transaction, in order: new conversations and query rows
    are inserted together, one executemany per set of columns (an answer's row and a refusal's
    have different ones), saving ~40 us of SQLAlchemy per statement per question (issue 18); a
    follow-up's plan is written after everything before it."""
    new_conversations: list[dict[str, Any]] = []
    rows: dict[tuple[str, ...], list[dict[str, Any]]] = {}

    def insert_pending() -> None:
        if new_conversations:
            conn.execute(_INSERT_CONVERSATION, new_conversations)
            new_conversations.clear()
        for same_columns in rows.values():
            conn.execute(_INSERT_QUERY, same_columns)
        rows.clear()

    for item in batch:
        if item.follow_up is not None:
            insert_pending()  # its conversation may be one inserted earlier in the batch
            conn.execute(_FOLLOW_UP, item.follow_up)
        if item.conversation is not None:
            new_conversations.append(item.conversation)
        rows.setdefault(tuple(item.query), []).append(item.query)
    insert_pending()


# Another worker process may answer a question and the client ask this one for it before that
# process's history writer has committed it (a few milliseconds): a miss is retried this long.
LOOKUP_WAIT_S = 0.1
# A follow-up sent the moment its first turn is answered, to another node: that node's writer
# may still hold the conversation (seen in tests/platform/test_platform_multinode.py).
CONVERSATION_WAIT_S = 0.5


def find_query(db: Engine, principal: Principal, query_id: str) -> Any:
    """The stored query, waiting up to LOOKUP_WAIT_S for one written behind by another process."""
    deadline = time.monotonic() + LOOKUP_WAIT_S
    while True:
        try:
            with db.connect() as conn:
                return get_query(conn, principal, query_id)
        except NotFound:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def get_query(conn: Connection, principal: Principal, query_id: str) -> Any:
    row = conn.execute(select(queries).where(_visible(principal), queries.c.id == query_id)).first()
    if row is None:
        raise NotFound("Query not found.")
    return row


def delete_query(conn: Connection, principal: Principal, query_id: str) -> None:
    get_query(conn, principal, query_id)
    conn.execute(
        queries.delete().where(queries.c.tenant_id == principal.tenant_id, queries.c.id == query_id)
    )
    audit.record(
        conn,
        tenant_id=principal.tenant_id,
        action="query.delete",
        target=audit.Target("query", query_id),
    )


HISTORY_CURSOR = "query_history"


def _encode_cursor(secret: str, row: Row[Any]) -> str:
    return encode_cursor(secret, HISTORY_CURSOR, [row.created_at.isoformat(), row.id])


def _decode_cursor(secret: str, cursor: str) -> tuple[dt.datetime, str]:
    payload = decode_cursor(secret, HISTORY_CURSOR, cursor)
    if len(payload) != 2 or not isinstance(payload[1], str):
        raise BadRequest(INVALID)
    return aware_datetime(payload[0]), payload[1]


def list_history(
    conn: Connection,
    principal: Principal,
    *,
    secret: str,
    limit: int,
    cursor: str | None,
    connection_id: str | None,
    conversation_id: str | None,
    status: str = "answered",
) -> tuple[list[Any], str | None]:
    """Newest first; keyset pagination on (created_at, id). Answered questions only unless
    `status` names another outcome (refused, clarified, errored) or is `all`."""
    clause = _visible(principal)
    if status != "all":
        clause = clause & (queries.c.status == status)
    if connection_id:
        clause = clause & (queries.c.connection_id == connection_id)
    if conversation_id:
        clause = clause & (queries.c.conversation_id == conversation_id)
    if cursor:
        created, ident = _decode_cursor(secret, cursor)
        clause = clause & or_(
            queries.c.created_at < created,
            and_(queries.c.created_at == created, queries.c.id < ident),
        )
    rows = list(
        conn.execute(
            select(queries)
            .where(clause)
            .order_by(queries.c.created_at.desc(), queries.c.id.desc())
            .limit(limit + 1)
        )
    )
    next_cursor = _encode_cursor(secret, rows[limit - 1]) if len(rows) > limit else None
    return rows[:limit], next_cursor


class HistoryReads:
    """Every history read the API makes. Each first waits for this process's answers still
    queued for the history writer (`flush`), so a client reads its own writes and no caller can
    forget to."""

    def __init__(self, db: Engine, flush: Callable[[], None], secret: str) -> None:
        self._db = db
        self._flush = flush
        self._secret = secret  # signs page cursors

    def page(
        self,
        principal: Principal,
        *,
        limit: int,
        cursor: str | None,
        connection_id: str | None,
        conversation_id: str | None,
        status: str = "answered",
    ) -> tuple[list[Any], str | None]:
        self._flush()
        with self._db.connect() as conn:
            return list_history(
                conn,
                principal,
                secret=self._secret,
                limit=limit,
                cursor=cursor,
                connection_id=connection_id,
                conversation_id=conversation_id,
                status=status,
            )

    def query(self, principal: Principal, query_id: str) -> Any:
        self._flush()
        return find_query(self._db, principal, query_id)

    def delete(self, principal: Principal, query_id: str) -> None:
        self.query(principal, query_id)  # 404 unless visible (may wait briefly)
        with self._db.begin() as conn:
            delete_query(conn, principal, query_id)

    def conversation(self, principal: Principal, conversation_id: str) -> Any:
        """The conversation, waiting up to CONVERSATION_WAIT_S for one another process (another
        node behind a round-robin proxy, typically) is still writing behind its answer."""
        self._flush()  # its previous turn may still be on its way to the store
        deadline = time.monotonic() + CONVERSATION_WAIT_S
        while True:
            try:
                with self._db.connect() as conn:
                    return get_conversation(conn, principal, conversation_id)
            except NotFound:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.01)
