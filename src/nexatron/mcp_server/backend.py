"""What the MCP tools call: the REST API, so every tool answer is exactly the API's (guard, slots,
cache, history, tenant scoping). Remote: over HTTP with an API key. In the server: the app's own
routes in process, as the principal the gateway authenticated on the /mcp request."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send

API = "/api/v1"


class BackendError(Exception):
    """A refusal or error of the API: its status and `detail`."""

    def __init__(self, status: int, detail: Any) -> None:
        self.status, self.detail = status, detail
        super().__init__(f"{status}: {detail}")


class Backend:
    """The REST calls the tools make, over one httpx client."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.client.request(method, API + path, **kwargs)
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail")
            except ValueError:
                detail = response.text[:500]
            raise BackendError(response.status_code, detail)
        return response.json()

    async def ask(
        self, question: str, connection_id: str | None, conversation_id: str | None
    ) -> dict[str, Any]:
        body = {"question": question}
        if connection_id:
            body["connection_id"] = connection_id
        if conversation_id:
            body["conversation_id"] = conversation_id
        result: dict[str, Any] = await self._call("POST", "/query", json=body)
        return result

    async def query(self, body: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = await self._call("POST", "/semantic/query", json=body)
        return result

    async def connections(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = (await self._call("GET", "/connections"))["data"]
        return result

    async def objects(self, plural: str, connection_id: str | None) -> list[dict[str, Any]]:
        params = {"connection_id": connection_id} if connection_id else {}
        result: list[dict[str, Any]] = (
            await self._call("GET", f"/semantic/{plural}", params=params)
        )["data"]
        return result

    async def aclose(self) -> None:
        await self.client.aclose()


def remote(url: str, key: str, *, timeout_s: float = 120.0) -> Backend:
    """The API of a Nexatron server at `url` (e.g. http://localhost:8000), as the key's owner."""
    client = httpx.AsyncClient(
        base_url=url.rstrip("/"),
        headers={"Authorization": f"Bearer {key}"},
        timeout=timeout_s,
    )
    return Backend(client)


class _AsAuthenticated:
    """The app's routes with the gateway's verdict on the /mcp request (already authenticated and
    rate-limited there) in the scope, as the gateway leaves it."""

    def __init__(self, app: ASGIApp, state: dict[str, Any]) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope = {**scope, "state": dict(self.state)}
        await self.app(scope, receive, send)


def in_process(app: ASGIApp, state: dict[str, Any]) -> Backend:
    """The routes of `app` (the FastAPI app, inside the gateway) as the request's principal."""
    transport = httpx.ASGITransport(app=_AsAuthenticated(app, state), client=("127.0.0.1", 0))
    return Backend(httpx.AsyncClient(transport=transport, base_url="http://nexatron.internal"))
