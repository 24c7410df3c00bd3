"""Helpers for the query API tests: asking, reading server-sent events as a browser does, and
serving the app on a real uvicorn server."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import uvicorn

from nexatron.testing import Actor, Harness

from ..throwaway import free_port

TOTAL_LAST_QUARTER = "What were total sales last quarter?"
SALES_SQL = (
    "SELECT SUM(i.amount) FROM order_items i JOIN orders o ON i.order_id = o.id "
    "WHERE o.order_date >= ? AND o.order_date < ?"
)


async def ask(harness: Harness, actor: Actor, question: str, **body: Any) -> httpx.Response:
    return await harness.as_(actor, "POST", "/api/v1/query", json={"question": question, **body})


@dataclass
class Event:
    event: str
    id: str | None
    data: Any


def parse_sse(text: str) -> list[Event]:
    """Events as an EventSource client reads them: `field: value` lines, blank-line separated,
    comment lines (starting with ':') ignored, several data lines joined by newlines."""
    events: list[Event] = []
    name, event_id, data = "message", None, list[str]()
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if raw == "":
            if data:
                events.append(Event(name, event_id, json.loads("\n".join(data))))
            name, data = "message", []
            continue
        if raw.startswith(":"):
            continue
        field, _, value = raw.partition(":")
        value = value.removeprefix(" ")
        if field == "event":
            name = value
        elif field == "data":
            data.append(value)
        elif field == "id":
            event_id = value
    return events


async def stream(harness: Harness, actor: Actor, question: str, **body: Any) -> list[Event]:
    headers = {**actor.headers, "Accept": "text/event-stream"}
    async with harness.client.stream(
        "POST", "/api/v1/query/stream", json={"question": question, **body}, headers=headers
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        text = "".join([chunk async for chunk in response.aiter_text()])
    return parse_sse(text)


def today_in(harness: Harness) -> dt.date:
    """Today in the server's time zone (the demo's dates end on the day it is generated)."""
    return dt.datetime.now(ZoneInfo(harness.services.settings.timezone)).date()


def previous_quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    """[start, end) of the calendar quarter before the one holding `today`."""
    start_month = 3 * ((today.month - 1) // 3) + 1
    end = dt.date(today.year, start_month, 1)
    first = dt.date(end.year - 1, 10, 1) if end.month == 1 else dt.date(end.year, end.month - 3, 1)
    return first, end


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """`app` on a real uvicorn server (lifespan on); yields its URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    try:
        yield url
    finally:
        running.should_exit = True
        thread.join(timeout=10)
