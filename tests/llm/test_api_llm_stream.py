"""POST /query/stream on the LLM path: an `llm` event with its stages, then plan, sql, rows,
summary and done; failures are exactly one `error` event with a 4xx/503 status."""

from __future__ import annotations

from typing import Any

import pytest

from .app_support import (
    REFUSED,
    Lab,
    cannot,
    semantic,
    sql_reply,
    sse_events,
)
from .conftest import Harness as LLM
from .fakes import Scripted

pytestmark = pytest.mark.anyio
SIGNUPS = (
    "SELECT CAST(EXTRACT(year FROM signup_date) AS INTEGER) AS signup_year, "
    "COUNT(*) AS customers FROM customers GROUP BY 1 ORDER BY 1"
)
BROKEN = "SELECT signup_year FROM customers"


@pytest.fixture
async def lab(lab: Lab, llm: LLM) -> Lab:
    """The conftest's lab with the fake LLM configured."""
    assert (await lab.configure(llm)).status_code == 200
    return lab


async def _stream(lab: Lab, question: str) -> list[tuple[str, Any]]:
    r = await lab.h.as_(lab.admin, "POST", "/api/v1/query/stream", json={"question": question})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    return sse_events(r.text)


def _names(events: list[tuple[str, Any]]) -> list[str]:
    names = [n for n, _ in events]
    return [n for i, n in enumerate(names) if n != "rows" or names[i - 1] != "rows"]


async def test_semantic_llm_plan_streams_llm_event_first(lab: Lab, llm: LLM) -> None:
    llm.script(semantic(metrics=["total_sales"], dimensions=["region"]))
    events = await _stream(lab, REFUSED)
    assert _names(events) == ["llm", "plan", "sql", "rows", "summary", "done"]
    data = dict(events)
    assert data["llm"]["stages"] == ["llm:context", "llm:plan"]
    assert data["llm"]["usage"]["tokens_in"] == 321 and data["llm"]["usage"]["tokens_out"] == 45
    assert data["plan"]["plan"]["planner"] == "llm"
    assert data["plan"]["plan"]["query"]["dimensions"] == ["region"]
    rows = [r for n, d in events if n == "rows" for r in d["rows"]]
    assert len(rows) == data["done"]["row_count"] > 1
    row = lab.query_row(data["done"]["id"])
    assert (row.planner, row.tokens_in, row.tokens_out) == ("llm", 321, 45)

    deterministic = await _stream(lab, "total sales by region")
    assert "llm" not in _names(deterministic)
    det_rows = [r for n, d in deterministic if n == "rows" for r in d["rows"]]
    assert sorted(det_rows, key=repr) == sorted(rows, key=repr)


async def test_llm_sql_streams_stages_guarded_sql_and_rows(lab: Lab, llm: LLM) -> None:
    llm.script(cannot(), sql_reply(SIGNUPS))
    events = await _stream(lab, "how many customers signed up each year")
    assert _names(events) == ["llm", "plan", "sql", "rows", "summary", "done"]
    data = dict(events)
    assert data["llm"]["stages"] == ["llm:context", "llm:plan", "llm:sql"]
    assert data["llm"]["usage"]["tokens_in"] == 200
    assert "LIMIT" in data["sql"]["sql"].upper() and lab.executed[-1] == data["sql"]["sql"]
    rows = [r for n, d in events if n == "rows" for r in d["rows"]]
    assert rows == lab.run_sql(SIGNUPS)


@pytest.mark.parametrize(
    ("replies", "status"),
    [
        ([Scripted(status=500)], 503),
        ([cannot(), sql_reply("SELECT 1; DROP TABLE orders")], 400),
        ([Scripted("No: nothing here records colours.")], 422),
    ],
    ids=["provider-down", "guard", "refusal"],
)
async def test_failures_are_one_error_event(
    lab: Lab, llm: LLM, replies: list[Scripted], status: int
) -> None:
    lab.executed.clear()
    llm.script(*replies)
    events = await _stream(lab, REFUSED)
    assert [n for n, _ in events] == ["error"]
    assert events[0][1]["status"] == status and events[0][1]["detail"]
    assert not any("DROP" in s for s in lab.executed)


async def test_llm_sql_failing_in_the_database_ends_in_a_clean_error(lab: Lab, llm: LLM) -> None:
    llm.script(cannot(), sql_reply(BROKEN), sql_reply("SELECT signup_month FROM customers"))
    try:
        events = await _stream(lab, "how many customers signed up each year")
    finally:
        llm.server.replies.clear()  # the stream may or may not ask for a correction
    names = [n for n, _ in events]
    assert names[-1] == "error" and names.count("error") == 1 and "done" not in names
    assert 400 <= events[-1][1]["status"] < 500


async def test_streamed_llm_sql_gets_the_correction_round(lab: Lab, llm: LLM) -> None:
    llm.script(cannot(), sql_reply(BROKEN), sql_reply(SIGNUPS))
    try:
        events = await _stream(lab, "how many customers signed up each year")
    finally:
        llm.server.replies.clear()
    assert [n for n, _ in events][-1] == "done"


async def test_streamed_llm_sql_keeps_its_columns_in_history(lab: Lab, llm: LLM) -> None:
    llm.script(cannot(), sql_reply(SIGNUPS))
    events = await _stream(lab, "how many customers signed up each year")
    data = dict(events)
    stored = await lab.h.as_(lab.admin, "GET", f"/api/v1/query/{data['done']['id']}")
    assert stored.status_code == 200
    assert [c["name"] for c in stored.json()["columns"]] == ["signup_year", "customers"]
    assert [list(d.values()) for d in stored.json()["data"]] == lab.run_sql(SIGNUPS)
