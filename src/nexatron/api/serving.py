"""How `nexatron serve` runs uvicorn: header caps while reading, and whose forwarded headers count.

Header caps: httptools (uvicorn's default parser) buffers a request's head without any limit (a
50 MB header was read whole, in 5 s, then answered). `HeaderCappedHttpTools` counts the head's
bytes as they arrive and its headers as they are parsed, and answers 431 and closes the
connection past NEXATRON_MAX_HEADER_BYTES / NEXATRON_MAX_HEADER_COUNT, before the application sees
anything. (h11, when chosen, gets the byte cap through `h11_max_incomplete_event_size`, which
answers 400.) The gateway checks the same caps again, so they also hold under any other server.

Forwarded headers: uvicorn believes X-Forwarded-For from 127.0.0.1 by default, which let any local
client (or a local proxy that passes the header through) pick its own address for per-address
limits. Here they are believed only from NEXATRON_TRUSTED_PROXIES (none by default); the
application reads the client address from the ASGI scope uvicorn sets (`gateway.client_address`).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httptools
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from nexatron.settings import Settings


def _caps(config: Config) -> tuple[int, int]:
    """The caps of the app being served (its Settings), found through any wrapping middleware."""
    app: Any = config.loaded_app
    for _ in range(8):
        services = getattr(app, "services", None)
        if services is not None:
            settings: Settings = services.settings
            return settings.max_header_bytes, settings.max_header_count
        app = getattr(app, "app", None)
        if app is None:
            break
    defaults = Settings.model_fields
    return (
        config.h11_max_incomplete_event_size or int(defaults["max_header_bytes"].default),
        int(defaults["max_header_count"].default),
    )


class HeadersTooLarge(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class HeaderCappedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol with a cap on a request head's bytes and header count."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.max_header_bytes, self.max_header_count = _caps(config)
        self._in_head = True  # between a message's end (or the connection's start) and its head's
        self._head_bytes = 0  # bytes received while in the head
        self._head_size = 0  # parsed size of the head: url and headers
        self._header_count = 0
        self._refusal: str | None = None

    # parser callbacks
    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True
        self._head_size = 0
        self._header_count = 0

    def on_url(self, url: bytes) -> None:
        self._head_size += len(url)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        self._head_size += len(name) + len(value) + 4
        if self._header_count > self.max_header_count:
            raise HeadersTooLarge(f"Too many request headers (at most {self.max_header_count}).")
        if self._head_size > self.max_header_bytes:
            raise HeadersTooLarge(self._too_large())
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True
        self._head_bytes = 0

    # transport
    def data_received(self, data: bytes) -> None:
        self._unset_keepalive_if_required()
        if self._in_head:
            self._head_bytes += len(data)
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
            return
        except httptools.HttpParserError as exc:
            refusal = exc.__context__ if isinstance(exc.__context__, HeadersTooLarge) else None
            if refusal is not None:
                self.send_431_response(refusal.detail)
            else:
                self.logger.warning("Invalid HTTP request received.")
                self.send_400_response("Invalid HTTP request received.")
            return
        # A head still incomplete after this many bytes will not fit: refuse without waiting.
        if self._in_head and self._head_bytes > self.max_header_bytes:
            self.send_431_response(self._too_large())

    def _too_large(self) -> str:
        return f"Request headers too large (at most {self.max_header_bytes} bytes)."

    def send_431_response(self, detail: str) -> None:
        if self.transport.is_closing():
            return
        body = json.dumps({"detail": detail}).encode()
        content = [STATUS_LINE[431]]
        for name, value in self.server_state.default_headers:
            content.extend([name, b": ", value, b"\r\n"])
        content.extend(
            [
                b"content-type: application/json\r\n",
                b"content-length: " + str(len(body)).encode("ascii") + b"\r\n",
                b"connection: close\r\n",
                b"\r\n",
                body,
            ]
        )
        self.transport.write(b"".join(content))
        self.transport.close()


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """What `nexatron serve` passes to `uvicorn.run` besides host, port and workers."""
    trusted = list(settings.trusted_proxies)
    return {
        "http": HeaderCappedHttpTools,
        "h11_max_incomplete_event_size": settings.max_header_bytes,
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted or [],
        "log_level": settings.log_level,
    }
