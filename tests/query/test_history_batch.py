"""A batch of history jobs is written together (one insert per set of columns): answers and
refusals in one batch, a follow-up's plan after its conversation's insert in the same batch, the
usage rollups counting each, and one bad row costing only itself."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

import pytest
from sqlalchemy import func, select

from nexatron.errors import ValidationFailed
from nexatron.identity.roles import Principal
from nexatron.query import outcomes
from nexatron.query.recorder import Job, Recorder
from nexatron.store.tables import conversations, queries, usage_rollups
from nexatron.testing import Harness
from nexatron.usage.facts import UsageFact
from nexatron.usage.writer import UsageWriter

pytestmark = pytest.mark.anyio
NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)


def _principal(harness: Harness) -> Principal:
    analyst = harness.tenant.analyst
    return Principal(tenant_id=analyst.tenant_id, user_id=analyst.user_id, role="analyst")


def _fact(principal: Principal, query_id: str, status: Any) -> UsageFact:
    return UsageFact(
        query_id, principal.tenant_id, principal.user_id, None, "conn_batch", "duckdb",
        "deterministic", status, "total sales", NOW,
    )  # fmt: skip


def answer(principal: Principal, query_id: str, *, new: bool, plan: dict[str, Any] | None) -> Job:
    values = {
        "id": query_id, "tenant_id": principal.tenant_id, "user_id": principal.user_id,
        "connection_id": "conn_batch", "conversation_id": "conv_batch", "question": "sales",
        "status": "answered", "planner": "deterministic", "plan": plan, "sql": "SELECT 1",
        "columns": [], "data": [[1]], "row_count": 1, "truncated": False, "summary": "1",
        "chart": None, "warnings": [], "execution_time_ms": 1.0, "created_at": NOW,
        "api_key_id": None, "request_id": None, "cached": False,
    }  # fmt: skip
    return partial(
        outcomes.write_answer, fact=_fact(principal, query_id, "answered"), principal=principal,
        connection_id="conn_batch", conversation_id="conv_batch", new_conversation=new,
        plan=plan, values=values,
    )  # fmt: skip


def refusal(principal: Principal, query_id: str) -> Job:
    connection = type("Connection", (), {"id": "conn_batch", "type": "duckdb"})()
    values, fact = outcomes.failed_values(
        query_id=query_id, principal=principal, connection=connection,
        conversation_id="conv_batch", question="sales of unicorns", planner="deterministic",
        error=ValidationFailed([]), started=0.0,
    )  # fmt: skip
    return partial(outcomes.write_failure, fact=fact, values=values)


def recorder(harness: Harness) -> Recorder:
    usage = UsageWriter(harness.services.settings).write_many
    return Recorder(harness.services.db, finish=outcomes.batch_writer(usage))


async def test_one_batch_writes_answers_refusals_and_the_follow_ups_plan(harness: Harness) -> None:
    principal = _principal(harness)
    first, follow_up = {"metrics": ["total_sales"]}, {"metrics": ["orders"]}
    recorder(harness).write_now(
        [
            answer(principal, "qry_batch1", new=True, plan=first),
            refusal(principal, "qry_batch2"),  # a row with other columns, between the two
            answer(principal, "qry_batch3", new=False, plan=follow_up),
        ]
    )
    with harness.services.db.connect() as conn:
        statuses = dict(conn.execute(select(queries.c.id, queries.c.status)).all())
        plan = conn.execute(
            select(conversations.c.last_plan).where(conversations.c.id == "conv_batch")
        ).scalar_one()
        counts = conn.execute(  # over the days: the answers' day is NOW, the refusal's today
            select(func.sum(usage_rollups.c.answered), func.sum(usage_rollups.c.refused)).where(
                usage_rollups.c.tenant_id == principal.tenant_id, usage_rollups.c.dim == ""
            )
        ).one()
    assert statuses == {"qry_batch1": "answered", "qry_batch2": "refused", "qry_batch3": "answered"}
    assert plan == follow_up  # the follow-up's update came after the conversation's insert
    assert tuple(counts) == (2, 1)


async def test_a_bad_row_costs_only_itself(harness: Harness) -> None:
    principal = _principal(harness)
    write = recorder(harness).write_now
    write([answer(principal, "qry_batch1", new=True, plan=None)])
    # The second job repeats a written id: its insert fails, and with it the batch's.
    write([answer(principal, f"qry_batch{i}", new=False, plan=None) for i in (0, 1, 2)])
    with harness.services.db.connect() as conn:
        ids = set(conn.execute(select(queries.c.id)).scalars())
    assert ids == {"qry_batch0", "qry_batch1", "qry_batch2"}
