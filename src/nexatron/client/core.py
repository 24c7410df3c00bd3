"""What the sync and async clients share: requests, retry decisions, answers, SSE parsing."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from nexatron.client.exceptions import ApiError, RateLimitedError
from nexatron.client.models import Event

API = "/api/v1"
RETRY_STATUSES = frozenset({429, 503})


@dataclass(frozen=True)
class RetryPolicy:
    """Retry 429 and 503 up to `attempts` times, waiting what Retry-After says (or
    `backoff_s` doubling when it says nothing), never longer than `max_wait_s` at once."""

    attempts: int = 3
    backoff_s: float = 0.5
    max_wait_s: float = 30.0

    def wait(self, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before trying again, or None (give up / not retryable)."""
        if response.status_code not in RETRY_STATUSES or attempt >= self.attempts:
            return None
        header = response.headers.get("retry-after")
        if header is not None:
            try:
                seconds = float(header)
            except ValueError:
                return None  # an HTTP date: not worth guessing the clock skew
            return seconds if seconds <= self.max_wait_s else None
        return min(self.backoff_s * float(2**attempt), self.max_wait_s)


def error_of(response: httpx.Response) -> ApiError:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = response.text[:1000]
    cls = RateLimitedError if response.status_code in RETRY_STATUSES else ApiError
    return cls(response.status_code, detail, dict(response.headers))


def checked(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        raise error_of(response)
    if response.status_code == 204 or not response.content:
        return None
    return response.json()


def question_body(
    question: str, connection_id: str | None, conversation_id: str | None
) -> dict[str, Any]:
    body: dict[str, Any] = {"question": question}
    if connection_id:
        body["connection_id"] = connection_id
    if conversation_id:
        body["conversation_id"] = conversation_id
    return body


def structured_body(
    *,
    metrics: list[str] | None,
    dimensions: list[str] | None,
    filters: list[dict[str, Any]] | None,
    time: dict[str, Any] | None,
    order: list[dict[str, Any]] | None,
    limit: int | None,
    connection_id: str | None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "metrics": metrics or [],
        "dimensions": dimensions or [],
        "filters": filters or [],
        "order": order or [],
    }
    for name, value in (("time", time), ("limit", limit), ("connection_id", connection_id)):
        if value is not None:
            body[name] = value
    return body


class SseParser:
    """text/event-stream lines -> Events (the EventSource rules: blank line ends an event,
    ':' lines are comments, several data lines join with newlines)."""

    def __init__(self) -> None:
        self.name = "message"
        self.event_id: str | None = None
        self.data: list[str] = []

    def feed(self, line: str) -> Event | None:
        line = line.rstrip("\r")
        if line == "":
            if not self.data:
                self.name = "message"
                return None
            text = "\n".join(self.data)
            try:
                data: Any = json.loads(text)
            except ValueError:
                data = text
            event = Event(event=self.name, id=self.event_id, data=data)
            self.name, self.data = "message", []
            return event
        if line.startswith(":"):
            return None
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "event":
            self.name = value
        elif field == "data":
            self.data.append(value)
        elif field == "id":
            self.event_id = value
        return None

    def events(self, lines: Iterable[str]) -> Iterator[Event]:
        for line in lines:
            event = self.feed(line)
            if event is not None:
                yield event
