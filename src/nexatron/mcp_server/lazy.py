"""/mcp built on its first authenticated request: the `mcp` SDK costs a worker ~20 MB of RSS and
most installations never call it, so start-up only checks that the extra is installed."""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import anyio
import anyio.to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

from nexatron.api.gateway import send_json
from nexatron.errors import NexatronError

if TYPE_CHECKING:
    from nexatron.mcp_server.mount import McpEndpoint

PATH = "/mcp"


def installed() -> bool:
    """Is the `mcp` extra there (without importing it)?"""
    return importlib.util.find_spec("mcp") is not None


class LazyMcp:
    """The ASGI endpoint at /mcp. `running()` is entered by the app's lifespan: it holds a task
    that waits until a request needs the MCP server, then builds it and runs the SDK's session
    manager inside itself until shutdown (so the SDK's task group lives in that one task)."""

    def __init__(self, api: ASGIApp) -> None:
        self.api = api
        self._endpoint: McpEndpoint | None = None
        self._failed: BaseException | None = None
        self._needed: anyio.Event | None = None
        self._ready: anyio.Event | None = None

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        self._needed, self._ready = anyio.Event(), anyio.Event()
        async with anyio.create_task_group() as group:
            group.start_soon(self._serve, self._needed, self._ready)
            try:
                yield
            finally:
                group.cancel_scope.cancel()
        self._ready.set()  # a request still waiting gets the error below, not a hang

    async def _serve(self, needed: anyio.Event, ready: anyio.Event) -> None:
        await needed.wait()
        try:
            endpoint = await anyio.to_thread.run_sync(self._build)
        except Exception as exc:  # logged, and every /mcp request answers 500; the API stays up
            logging.getLogger("nexatron.mcp").exception("the MCP server could not be built")
            self._failed = exc
            ready.set()
            return
        async with endpoint.running():
            self._endpoint = endpoint
            ready.set()
            await anyio.sleep_forever()

    def _build(self) -> McpEndpoint:
        from nexatron.mcp_server.mount import McpEndpoint

        return McpEndpoint(self.api)

    async def _started(self) -> McpEndpoint:
        if self._needed is None or self._ready is None:
            raise RuntimeError("/mcp needs the app's lifespan (LazyMcp.running) to be entered.")
        self._needed.set()
        await self._ready.wait()
        if self._endpoint is None:
            raise RuntimeError("The MCP server could not start.") from self._failed
        return self._endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope.get("state") or {}
        if state.get("principal") is None:
            error = state.get("auth_error")
            status, detail = 401, "The MCP endpoint needs Authorization: Bearer <API key>."
            if isinstance(error, NexatronError):
                status, detail = error.status_code, error.detail
            await send_json(send, status, {"detail": detail}, state.get("rate_headers") or {})
            return
        endpoint = self._endpoint or await self._started()
        await endpoint.transport(scope, receive, send)
