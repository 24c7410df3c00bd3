"""Local fake LLM servers speaking the real HTTP protocols, for the official SDKs to talk to.

`FakeLLMServer("openai")` serves POST /v1/chat/completions, `FakeLLMServer("anthropic")` serves
POST /v1/messages, both non-streaming JSON with usage (the planner does not stream).
Each test scripts the replies in order and reads back the requests the server received.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal


@dataclass
class Scripted:
    """One scripted reply: an assistant text with usage, or an HTTP error status."""

    text: str = ""
    status: int = 200
    delay_s: float = 0.0
    truncated: bool = False
    tokens_in: int = 100
    tokens_out: int = 20
    headers: dict[str, str] = field(default_factory=dict)
    refusal: str | None = None  # OpenAI's message.refusal field
    raw: dict[str, Any] | None = None  # a 200 body sent as is (a broken server)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    def prompt_text(self) -> str:
        """System prompt and every message, as the model would read them."""
        parts = [self.body.get("system") or ""]
        parts += [m["content"] for m in self.body.get("messages", [])]
        return "\n".join(p if isinstance(p, str) else json.dumps(p) for p in parts)

    def last_user(self) -> str:
        return str(self.body["messages"][-1]["content"])


def _openai_body(s: Scripted, model: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": s.text or None, "refusal": s.refusal},
                "finish_reason": "length" if s.truncated else "stop",
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": s.tokens_in,
            "completion_tokens": s.tokens_out,
            "total_tokens": s.tokens_in + s.tokens_out,
        },
    }


def _anthropic_body(s: Scripted, model: str) -> dict[str, Any]:
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": s.text}],
        "stop_reason": "max_tokens" if s.truncated else "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": s.tokens_in, "output_tokens": s.tokens_out},
    }


def _error_body(protocol: str, status: int) -> dict[str, Any]:
    kind = {429: "rate_limit_error", 401: "authentication_error"}.get(status, "api_error")
    if protocol == "anthropic":
        return {"type": "error", "error": {"type": kind, "message": f"fake error {status}"}}
    return {"error": {"message": f"fake error {status}", "type": kind, "code": None}}


class FakeLLMServer:
    """A real HTTP server on 127.0.0.1 (ephemeral port) in a background thread."""

    def __init__(self, protocol: Literal["openai", "anthropic"]) -> None:
        self.protocol = protocol
        self.replies: deque[Scripted] = deque()
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        suffix = "/v1" if self.protocol == "openai" else ""
        return f"http://127.0.0.1:{self.port}{suffix}"

    def start(self) -> FakeLLMServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def script(self, *replies: Scripted) -> None:
        with self._lock:
            self.replies.clear()
            self.replies.extend(replies)
            self.requests.clear()

    def _next(self, received: Received) -> Scripted:
        with self._lock:
            self.requests.append(received)
            if self.replies:
                return self.replies.popleft()
        return Scripted(status=418)  # unscripted call: fails loudly in the SDK

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self
        path = "/v1/chat/completions" if self.protocol == "openai" else "/v1/messages"

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                try:
                    self._serve()
                except (BrokenPipeError, ConnectionResetError, TimeoutError):
                    return  # the client gave up (timeout test)

            def _serve(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length", "0")))
                if self.path != path:
                    return self._send(404, {"error": {"message": "no route"}}, {})
                body = json.loads(raw)
                s = server._next(
                    Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                time.sleep(s.delay_s)
                if s.status != 200:
                    return self._send(s.status, _error_body(server.protocol, s.status), s.headers)
                maker = _openai_body if server.protocol == "openai" else _anthropic_body
                reply = s.raw if s.raw is not None else maker(s, str(body.get("model")))
                return self._send(200, reply, s.headers)

            def _send(self, status: int, obj: dict[str, Any], headers: dict[str, str]) -> None:
                data = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        return Handler
