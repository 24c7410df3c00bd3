"""The MCP tools agents see: ask, query_metrics, list_connections, list_metrics, list_dimensions,
describe. Each calls the REST API through a Backend; a refusal is a tool error (isError) whose text
names the unmatched words and the suggestions, so the agent can rephrase or pick a name."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from nexatron import __version__
from nexatron.mcp_server.backend import Backend, BackendError
from nexatron.query.structured import FilterIn, OrderIn, TimeIn

MAX_ROWS = 100  # rows an agent gets back per answer; row_count says how many there were
OpenBackend = Callable[[Context], AbstractAsyncContextManager[Backend]]

INSTRUCTIONS = (
    "Nexatron answers analytics questions over the tenant's databases. Call list_connections "
    "first when there are several; use `ask` for an English question, or list_metrics / "
    "list_dimensions and then query_metrics when you know exactly which metric and grouping you "
    "want. Answers carry the rows (first 100), a one-sentence summary and the SQL that ran."
)

ConnectionArg = Annotated[
    str | None,
    Field(description="Connection id (from list_connections); omit to use the default one."),
]


def refusal_text(error: BackendError) -> str:
    """A refusal as words an agent can act on: the message, unmatched words, suggestions."""
    detail = error.detail
    lines = [f"Nexatron refused ({error.status})."]
    if isinstance(detail, dict):
        lines.append(str(detail.get("message") or detail.get("msg") or ""))
        if detail.get("unmatched"):
            lines.append("Unmatched words: " + ", ".join(map(str, detail["unmatched"])) + ".")
        suggestions = detail.get("suggestions") or {}
        if isinstance(suggestions, dict):
            for kind, names in suggestions.items():
                if names:
                    lines.append(f"Suggested {kind}: " + ", ".join(map(str, names)) + ".")
        elif suggestions:
            lines.append("Suggestions: " + json.dumps(suggestions, default=str))
        if detail.get("candidates"):
            lines.append("Candidates: " + json.dumps(detail["candidates"], default=str))
    elif isinstance(detail, list):
        for entry in detail:
            loc = ".".join(str(p) for p in entry.get("loc", [])[1:]) or "body"
            lines.append(f"{loc}: {entry.get('msg')}")
    else:
        lines.append(str(detail))
    return "\n".join(line for line in lines if line)


def answer_view(answer: dict[str, Any]) -> dict[str, Any]:
    """What a tool returns of an answer: capped rows, summary, SQL, columns, ids, and whether
    an admin-verified answer's plan was reused (`verified`)."""
    rows = answer.get("data") or []
    return {
        "query_id": answer.get("id"),
        "conversation_id": answer.get("conversation_id"),
        "connection_id": answer.get("connection_id"),
        "summary": answer.get("summary"),
        "sql": answer.get("sql"),
        "columns": answer.get("columns") or [],
        "rows": rows[:MAX_ROWS],
        "row_count": answer.get("row_count", len(rows)),
        "rows_capped": len(rows) > MAX_ROWS,
        "truncated": bool(answer.get("truncated")),
        "warnings": answer.get("warnings") or [],
        "verified": bool(answer.get("verified")),
    }


def _layer_view(item: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {k: item[k] for k in fields if item.get(k) not in (None, [], "")}


METRIC_FIELDS = (
    "name",
    "label",
    "description",
    "synonyms",
    "type",
    "time_dimension",
    "connection_id",
)
DIMENSION_FIELDS = ("name", "label", "description", "synonyms", "type", "grains", "connection_id")


def build_server(open_backend: OpenBackend) -> MCPServer:
    """The MCP server; `open_backend(ctx)` gives the Backend of the calling principal."""
    server: MCPServer = MCPServer(name="nexatron", version=__version__, instructions=INSTRUCTIONS)

    async def call(ctx: Context, work: Callable[[Backend], Any]) -> Any:
        async with open_backend(ctx) as backend:
            try:
                return await work(backend)
            except BackendError as error:
                raise ToolError(refusal_text(error)) from None

    @server.tool(
        description="Answer an analytics question in English (e.g. 'total sales by region last "
        "quarter'). Returns the rows (first 100), a one-sentence summary, the SQL that ran and a "
        "conversation_id: pass it back to ask a follow-up ('and by month?'). If the question "
        "cannot be mapped, the error names the unmatched words and suggests metrics and "
        "dimensions to use instead."
    )
    async def ask(
        question: Annotated[str, Field(min_length=1, max_length=2000, description="The question.")],
        ctx: Context,
        connection_id: ConnectionArg = None,
        conversation_id: Annotated[
            str | None, Field(description="Continue this conversation (follow-ups).")
        ] = None,
    ) -> dict[str, Any]:
        return answer_view(
            await call(ctx, lambda b: b.ask(question, connection_id, conversation_id))
        )

    @server.tool(
        description="Run a structured query when you know the exact names: metrics (from "
        "list_metrics), dimensions to group by (from list_dimensions), filters "
        "[{field, op, values}], time {dimension, grain: day|week|month|quarter|year, range: "
        "{start, end} ISO dates (end exclusive) or a phrase like 'last quarter'}, order "
        "[{field, desc}] and limit. Returns rows (first 100), summary and SQL; an unknown name "
        "is an error naming the field and the closest known names."
    )
    async def query_metrics(
        ctx: Context,
        metrics: Annotated[list[str], Field(description="Metric names.")] = [],  # noqa: B006
        dimensions: Annotated[list[str], Field(description="Dimension names.")] = [],  # noqa: B006
        filters: list[FilterIn] = [],  # noqa: B006
        time: TimeIn | None = None,
        order: list[OrderIn] = [],  # noqa: B006
        limit: Annotated[int | None, Field(ge=1, le=100_000)] = None,
        connection_id: ConnectionArg = None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "metrics": metrics,
            "dimensions": dimensions,
            "filters": [f.model_dump(mode="json") for f in filters],
            "order": [o.model_dump(mode="json") for o in order],
        }
        if time is not None:
            body["time"] = time.model_dump(mode="json", exclude_none=True)
        if limit is not None:
            body["limit"] = limit
        if connection_id:
            body["connection_id"] = connection_id
        return answer_view(await call(ctx, lambda b: b.query(body)))

    @server.tool(
        description="The databases this key can query: id, name, kind and whether it is the "
        "default. Pass an id as connection_id to the other tools."
    )
    async def list_connections(ctx: Context) -> dict[str, Any]:
        rows = await call(ctx, lambda b: b.connections())
        keep = ("id", "name", "type", "kind", "is_default", "description")
        return {"connections": [{k: r[k] for k in keep if k in r} for r in rows]}

    @server.tool(
        description="The metrics (measures) that can be asked for: name, label, description, "
        "synonyms and default time dimension. Use the names in query_metrics."
    )
    async def list_metrics(ctx: Context, connection_id: ConnectionArg = None) -> dict[str, Any]:
        rows = await call(ctx, lambda b: b.objects("metrics", connection_id))
        return {"metrics": [_layer_view(r, METRIC_FIELDS) for r in rows]}

    @server.tool(
        description="The dimensions results can be grouped or filtered by: name, label, type "
        "(time dimensions list their grains). Use the names in query_metrics."
    )
    async def list_dimensions(ctx: Context, connection_id: ConnectionArg = None) -> dict[str, Any]:
        rows = await call(ctx, lambda b: b.objects("dimensions", connection_id))
        return {"dimensions": [_layer_view(r, DIMENSION_FIELDS) for r in rows]}

    @server.tool(
        description="Describe a connection's semantic layer in one call: its metrics, its "
        "dimensions and the relationships (joins) between its tables."
    )
    async def describe(ctx: Context, connection_id: ConnectionArg = None) -> dict[str, Any]:
        async def work(b: Backend) -> dict[str, Any]:
            return {
                "metrics": [
                    _layer_view(r, METRIC_FIELDS) for r in await b.objects("metrics", connection_id)
                ],
                "dimensions": [
                    _layer_view(r, DIMENSION_FIELDS)
                    for r in await b.objects("dimensions", connection_id)
                ],
                "relationships": [
                    _layer_view(r, ("name", "from_table", "from_columns", "to_table", "to_columns"))
                    for r in await b.objects("relationships", connection_id)
                ],
            }

        return dict(await call(ctx, work))

    return server


def shared(backend: Backend) -> OpenBackend:
    """One Backend for every call (stdio: one key, one server)."""
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def open_backend(_ctx: Context) -> AsyncIterator[Backend]:
        yield backend

    return open_backend
