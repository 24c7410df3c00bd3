"""Fake billing endpoints: real HTTP servers on 127.0.0.1 that fail, time out and duplicate.

Each records every request it *processed* (an event it stored), so a test can count deliveries
per event id. Modes are switched while the server runs.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


@dataclass
class Behaviour:
    down: bool = False  # every request: 503, nothing stored
    fail_first: int = 0  # the first N requests: 500, nothing stored
    slow_first: int = 0  # the first N requests: answered after `slow_s` (client times out)
    slow_s: float = 1.0
    # The request storing one of the first N events: stored, then 500 (so the client sends
    # again; a batch is sent again whole).
    duplicate_first: int = 0
    refuse: int | None = None  # every request: this status (e.g. 400, 429), nothing stored


@dataclass
class FakeEndpoint:
    url: str
    behaviour: Behaviour
    stored: Counter[str] = field(default_factory=Counter)  # event id -> times stored
    bodies: list[Any] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    requests: int = 0
    batches: int = 0  # CloudEvents batch requests among them
    stored_then_failed: int = 0  # events stored by a request answered 500 (so sent again)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _events(content_type: str, raw: bytes) -> list[tuple[str, Any]]:
    """(id, body) of each event: a CloudEvents batch (a JSON array), one CloudEvent, or one
    Stripe form."""
    if content_type.startswith("application/cloudevents-batch+json"):
        return [(str(body["id"]), body) for body in json.loads(raw)]
    if content_type.startswith("application/cloudevents"):
        body = json.loads(raw)
        return [(str(body["id"]), body)]
    form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
    return [(form["identifier"], form)]


@contextmanager
def fake_endpoint(path: str) -> Iterator[FakeEndpoint]:
    state: dict[str, FakeEndpoint] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            endpoint = state["endpoint"]
            raw = self.rfile.read(int(self.headers.get("content-length", 0)))
            b = endpoint.behaviour
            with endpoint.lock:
                endpoint.requests += 1
                number = endpoint.requests
            if self.path != path:
                return self._reply(404)
            if b.down:
                return self._reply(503)
            if b.refuse is not None:
                return self._reply(b.refuse)
            if number <= b.fail_first:
                return self._reply(500)
            if number <= b.fail_first + b.slow_first:
                time.sleep(b.slow_s)
                return self._reply(200)  # too late: the client gave up
            events = _events(self.headers.get("content-type", ""), raw)
            with endpoint.lock:
                duplicate = False
                for ident, body in events:
                    endpoint.stored[ident] += 1
                    endpoint.bodies.append(body)
                    endpoint.headers.append(dict(self.headers))
                    first = endpoint.stored[ident] == 1
                    duplicate |= first and len(endpoint.stored) <= b.duplicate_first
                endpoint.batches += self.headers.get("content-type", "").startswith(
                    "application/cloudevents-batch"
                )
                if duplicate:
                    endpoint.stored_then_failed += len(events)
            self._reply(500 if duplicate else 200)

        def _reply(self, status: int) -> None:
            payload = b"{}"
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    class Server(ThreadingHTTPServer):
        # socketserver's default listen backlog is 5: the exporter's concurrent sends to two
        # sinks overflow it, a dropped SYN is retried after 1 s, past the tests' 0.3 s timeout.
        request_queue_size = 128

        def handle_error(self, request: Any, client_address: Any) -> None:
            return  # a client that gave up on a slow reply breaks the pipe: expected here

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    endpoint = FakeEndpoint(f"http://127.0.0.1:{server.server_address[1]}{path}", Behaviour())
    state["endpoint"] = endpoint
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield endpoint
    finally:
        server.shutdown()
        server.server_close()
