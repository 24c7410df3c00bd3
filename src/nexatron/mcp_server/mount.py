"""/mcp: the MCP server over streamable HTTP, inside the API's gateway.

The gateway has already authenticated the Bearer API key (or access token), charged the user's
and tenant's rate budgets and left the principal in the scope; `lazy.LazyMcp` refuses a request
without one (401, or the gateway's own refusal) and builds this on the first other request, which
it hands to the SDK's transport. Stateless and JSON responses: any worker process can answer any
request. The tools then call the app's own routes in process as that principal
(backend.in_process), so an MCP answer is the API's answer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from mcp.server.mcpserver import Context
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
from mcp.server.transport_security import TransportSecuritySettings
from starlette.types import ASGIApp

from nexatron.mcp_server.backend import Backend, in_process
from nexatron.mcp_server.lazy import PATH
from nexatron.mcp_server.tools import build_server

AUTH_STATE = ("principal", "operator", "auth_error", "rate_headers")


class McpEndpoint:
    """The SDK's server and transport for /mcp (`transport` is the ASGI app); `running()` runs
    the session manager."""

    def __init__(self, api: ASGIApp) -> None:
        self.api = api
        self.server = build_server(self._open)
        # No DNS-rebinding check: every request carries a Bearer credential (a browser tricked
        # into calling has none), and the server may sit behind any host name.
        self.server.streamable_http_app(
            streamable_http_path=PATH,
            stateless_http=True,
            json_response=True,
            transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        )
        self.transport = StreamableHTTPASGIApp(self.server.session_manager)

    def running(self) -> AbstractAsyncContextManager[None]:
        return self.server.session_manager.run()

    def _open(self, ctx: Context) -> AbstractAsyncContextManager[Backend]:
        request: Any = ctx.request_context.request
        state = request.scope.get("state", {}) if request is not None else {}

        @asynccontextmanager
        async def opened() -> AsyncIterator[Backend]:
            backend = in_process(self.api, {k: state.get(k) for k in AUTH_STATE})
            try:
                yield backend
            finally:
                await backend.aclose()

        return opened()
