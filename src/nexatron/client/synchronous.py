"""The synchronous client."""

from __future__ import annotations

import time
from collections.abc import Iterator
from types import TracebackType
from typing import Any

import httpx

from nexatron.client import core
from nexatron.client.exceptions import ApiError
from nexatron.client.models import Answer, Connection, Event, LayerObject


class Client:
    """`Client(url, key=...)`: every call raises ApiError (status, detail) on a 4xx/5xx, after
    retrying 429/503 as `retry` allows (honouring Retry-After)."""

    def __init__(
        self,
        url: str,
        *,
        key: str,
        timeout_s: float = 120.0,
        retry: core.RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.retry = retry or core.RetryPolicy()
        self.http = httpx.Client(
            base_url=url.rstrip("/") + core.API,
            headers={"Authorization": f"Bearer {key}"},
            timeout=timeout_s,
            transport=transport,
        )

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        attempt = 0
        while True:
            response = self.http.request(method, path, **kwargs)
            wait = self.retry.wait(response, attempt)
            if wait is None:
                return response
            attempt += 1
            time.sleep(wait)

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Any API route (path under /api/v1): the decoded JSON."""
        return core.checked(self._send(method, path, **kwargs))

    # -- answers ----------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        *,
        connection_id: str | None = None,
        conversation_id: str | None = None,
    ) -> Answer:
        body = core.question_body(question, connection_id, conversation_id)
        return Answer.model_validate(self.request("POST", "/query", json=body))

    def query(
        self,
        *,
        metrics: list[str] | None = None,
        dimensions: list[str] | None = None,
        filters: list[dict[str, Any]] | None = None,
        time: dict[str, Any] | None = None,
        order: list[dict[str, Any]] | None = None,
        limit: int | None = None,
        connection_id: str | None = None,
    ) -> Answer:
        """The structured query (POST /semantic/query)."""
        body = core.structured_body(
            metrics=metrics,
            dimensions=dimensions,
            filters=filters,
            time=time,
            order=order,
            limit=limit,
            connection_id=connection_id,
        )
        return Answer.model_validate(self.request("POST", "/semantic/query", json=body))

    def stream(
        self,
        question: str,
        *,
        connection_id: str | None = None,
        conversation_id: str | None = None,
    ) -> Iterator[Event]:
        """POST /query/stream's events as they arrive; an `error` event raises ApiError."""
        body = core.question_body(question, connection_id, conversation_id)
        attempt = 0
        while True:
            headers = {"Accept": "text/event-stream"}
            with self.http.stream("POST", "/query/stream", json=body, headers=headers) as response:
                if response.status_code >= 400:
                    response.read()
                    wait = self.retry.wait(response, attempt)
                    if wait is None:
                        raise core.error_of(response)
                else:
                    for event in core.SseParser().events(response.iter_lines()):
                        if event.event == "error":
                            data = event.data if isinstance(event.data, dict) else {}
                            raise ApiError(int(data.get("status", 500)), data.get("detail"))
                        yield event
                    return
            attempt += 1
            time.sleep(wait)

    # -- lists ------------------------------------------------------------------------------
    def history(self, *, page_size: int = 50, **filters: Any) -> Iterator[Answer]:
        """Every history entry, newest first, fetched page by page (`next_cursor`)."""
        params: dict[str, Any] = {"limit": page_size, **filters}
        while True:
            page = self.request("GET", "/query/history", params=params)
            for item in page["data"]:
                yield Answer.model_validate(item)
            if not page.get("next_cursor"):
                return
            params["cursor"] = page["next_cursor"]

    def get_query(self, query_id: str) -> Answer:
        return Answer.model_validate(self.request("GET", f"/query/{query_id}"))

    def connections(self) -> list[Connection]:
        return [Connection.model_validate(c) for c in self.request("GET", "/connections")["data"]]

    def metrics(self, connection_id: str | None = None) -> list[LayerObject]:
        return self._layer("metrics", connection_id)

    def dimensions(self, connection_id: str | None = None) -> list[LayerObject]:
        return self._layer("dimensions", connection_id)

    def _layer(self, plural: str, connection_id: str | None) -> list[LayerObject]:
        params = {"connection_id": connection_id} if connection_id else {}
        page = self.request("GET", f"/semantic/{plural}", params=params)
        return [LayerObject.model_validate(o) for o in page["data"]]
