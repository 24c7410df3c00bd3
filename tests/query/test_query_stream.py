"""POST /query/stream read as an EventSource client: stages in order, one terminal event."""

from __future__ import annotations

from typing import Any

import pytest
from sse_starlette import ServerSentEvent

from nexatron.api.encoding import dump_json
from nexatron.api.sse import _RowsEvent
from nexatron.testing import Harness
from nexatron.warehouse.stream import JsonRows

from .query_support import (
    SALES_SQL,
    TOTAL_LAST_QUARTER,
    Event,
    parse_sse,
    previous_quarter,
    stream,
    today_in,
)

pytestmark = pytest.mark.anyio
TERMINAL = {"done", "error"}


def _terminal(events: list[Event]) -> Event:
    ends = [e for e in events if e.event in TERMINAL]
    assert len(ends) == 1, [e.event for e in events]
    assert events[-1] is ends[0]
    return ends[0]


def test_parser_reads_the_event_source_framing() -> None:
    text = (
        ': ping\r\n\r\nevent: plan\r\nid: 1\r\ndata: {"a":\r\ndata: 1}\r\n\r\n'
        "id: 2\ndata: [1]\n\n: keep-alive\n\nevent: done\ndata: {}\n\n"
    )
    events = parse_sse(text)
    assert [(e.event, e.id, e.data) for e in events] == [
        ("plan", "1", {"a": 1}), ("message", "2", [1]), ("done", "2", {})
    ]  # fmt: skip


async def test_stream_stages_and_rows(harness: Harness, demo: str, warehouse: Any) -> None:
    start, end = previous_quarter(today_in(harness))
    [(total,)] = warehouse(SALES_SQL, start, end)
    events = await stream(harness, harness.tenant.analyst, TOTAL_LAST_QUARTER, connection_id=demo)
    names = [e.event for e in events]
    assert names[:2] == ["plan", "sql"]
    rows = [e for e in events if e.event == "rows"]
    assert rows and names[2 : 2 + len(rows)] == ["rows"] * len(rows)
    assert names[2 + len(rows) :] == ["summary", "done"]
    ids = [int(e.id or 0) for e in events]
    assert ids == sorted(set(ids)) and ids[0] >= 1
    plan = events[0].data
    assert plan["id"].startswith("qry_") and plan["conversation_id"].startswith("conv_")
    assert plan["plan"]["query"]["time"]["range"]["start"] == start.isoformat()
    assert "SELECT" in events[1].data["sql"].upper()
    streamed = [row for e in rows for row in e.data["rows"]]
    assert len(streamed) == 1 and float(streamed[0][0]) == pytest.approx(float(total), abs=0.005)
    assert events[-2].data["summary"] == f"Total sales last quarter were ${float(total):,.2f}."
    done = _terminal(events)
    assert done.data["id"] == plan["id"] and done.data["row_count"] == 1
    stored = await harness.as_(harness.tenant.analyst, "GET", f"/api/v1/query/{plan['id']}")
    assert stored.status_code == 200 and stored.json()["summary"] == events[-2].data["summary"]


async def test_stream_of_many_rows_is_batched_in_order(harness: Harness, demo: str) -> None:
    events = await stream(harness, harness.tenant.analyst, "total sales by customer")
    _terminal(events)
    assert events[-1].event == "done", events[-1].data
    batches = [e.data for e in events if e.event == "rows"]
    offsets = [b["offset"] for b in batches]
    sizes = [len(b["rows"]) for b in batches]
    assert offsets == [sum(sizes[:i]) for i in range(len(sizes))]
    assert events[-1].data["row_count"] == sum(sizes) > 1


async def test_refusal_ends_with_one_error_event(harness: Harness, demo: str) -> None:
    events = await stream(
        harness, harness.tenant.analyst, "what is the favourite colour of customers"
    )
    error = _terminal(events)
    assert error.event == "error"
    assert error.data["status"] == 422
    assert "favourite" in error.data["detail"]["unmatched"]
    assert not [e for e in events if e.event in {"rows", "summary"}]


async def test_write_request_in_stream_is_refused(harness: Harness, demo: str) -> None:
    events = await stream(harness, harness.tenant.analyst, "delete all orders")
    error = _terminal(events)
    assert error.event == "error" and error.data["status"] in (400, 422)


def test_rows_events_are_encoded_as_the_generic_event() -> None:
    """A rows event's bytes are what sse-starlette writes for the same payload."""
    batch = JsonRows.of([["a\u2028\r\n", 1.5, None], ["é", 10**20, True]])
    event = _RowsEvent(2000, batch, "7")
    payload = {"offset": 2000, "rows": batch.rows()}
    generic = ServerSentEvent(data=dump_json(payload), event="rows", id="7")
    assert event.encode() == generic.encode()
