"""The real app in-process with the demo installed and a fake LLM provider, for the API tests.

The demo database is generated once per session and copied into each test's data directory,
where `install_demo` finds it and skips generation.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from nexatron.connections.service import engine_for, get_row
from nexatron.demo.install import install_demo
from nexatron.identity.roles import Principal
from nexatron.query.service import query_service
from nexatron.store.tables import queries
from nexatron.testing import Actor, Harness, make_app_client, tenant_files
from nexatron.warehouse.local import FileEngine

from .conftest import API_KEY
from .conftest import Harness as LLM
from .fakes import Scripted

REFUSED = "what is the favourite colour of our customers"
TABLES = ("channels", "customers", "products", "orders", "order_items")


@dataclass
class Lab:
    """The app, tenant A's demo connection and the DuckDB file behind it."""

    h: Harness
    connection_id: str
    db_path: Path
    executed: list[str] = field(default_factory=list)

    @property
    def admin(self) -> Actor:
        return self.h.tenant.admin

    async def ask(self, question: str, actor: Actor | None = None) -> httpx.Response:
        return await self.h.as_(
            actor or self.admin, "POST", "/api/v1/query", json={"question": question}
        )

    async def configure(self, llm: LLM, actor: Actor | None = None, **over: Any) -> httpx.Response:
        body: dict[str, Any] = {
            "provider": llm.provider,
            "base_url": llm.server.base_url,
            "model": f"{llm.provider}-test-model",
            "api_key": API_KEY,
            "timeout_s": 5.0,
            "max_retries": 0,
            **over,
        }
        return await self.h.as_(actor or self.admin, "PUT", "/api/v1/llm/settings", json=body)

    def run_sql(self, sql: str) -> list[list[Any]]:
        """Rows straight from the demo connection's engine (not through the query path)."""
        with self.h.services.db.connect() as conn:
            row = get_row(conn, self.h.tenant.id, self.connection_id)
        engine = engine_for(self.h.services, row)
        return engine.execute(sql, timeout_s=30, row_cap=100_000).rows

    def table_counts(self) -> dict[str, int]:
        names = [r[0] for r in self.run_sql("SELECT table_name FROM information_schema.tables")]
        return {t: int(self.run_sql(f"SELECT count(*) FROM {t}")[0][0]) for t in sorted(names)}

    def query_row(self, query_id: str) -> Any:
        query_service(self.h.services).recorder.flush()
        with self.h.services.db.connect() as conn:
            return conn.execute(select(queries).where(queries.c.id == query_id)).one()

    def history_count(self) -> int:
        """Answers in history (refusals, clarifications and errors are kept too, for usage
        analytics, but are not answers)."""
        query_service(self.h.services).recorder.flush()
        with self.h.services.db.connect() as conn:
            answered = select(queries.c.id).where(queries.c.status == "answered")
            return len(conn.execute(answered).fetchall())


@asynccontextmanager
async def open_lab(
    tmp_path: Path,
    template: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    mutate: Callable[[Path], None] | None = None,
    **overrides: Any,
) -> AsyncIterator[Lab]:
    """The app with the demo installed for tenant A; every later SQL its engine runs is logged."""
    async with make_app_client(tmp_path, **overrides) as h:
        a = h.tenant.admin
        target = tenant_files(h.services, a.tenant_id) / "demo.duckdb"
        shutil.copyfile(template, target)
        if mutate is not None:
            mutate(target)
        connection_id = install_demo(h.services, Principal(a.tenant_id, a.user_id, "admin"))
        lab = Lab(h, connection_id, target)
        with h.services.db.connect() as conn:  # build the value index before the spy starts
            query_service(h.services).contexts.load(get_row(conn, a.tenant_id, connection_id))
        spy(monkeypatch, lab.executed)
        yield lab


def spy(monkeypatch: pytest.MonkeyPatch, log: list[str]) -> None:
    """Record the SQL of every execute/stream on a local (DuckDB/SQLite) engine."""
    execute, stream = FileEngine.execute, FileEngine.stream

    def logged_execute(self: FileEngine, sql: str, **kw: Any) -> Any:
        log.append(sql)
        return execute(self, sql, **kw)

    def logged_stream(self: FileEngine, sql: str, **kw: Any) -> Any:
        log.append(sql)
        return stream(self, sql, **kw)

    monkeypatch.setattr(FileEngine, "execute", logged_execute)
    monkeypatch.setattr(FileEngine, "stream", logged_stream)


def semantic(**query: Any) -> Scripted:
    return Scripted(json.dumps({"kind": "semantic", "query": query}), tokens_in=321, tokens_out=45)


def cannot(reason: str = "the layer has no such measure") -> Scripted:
    return Scripted(json.dumps({"kind": "cannot_express", "reason": reason}))


def sql_reply(sql: str, tokens_in: int = 100) -> Scripted:
    return Scripted(json.dumps({"kind": "sql", "sql": sql}), tokens_in=tokens_in)


def data_section(prompt: str) -> dict[str, Any]:
    """The DATA JSON of a planner prompt."""
    start = prompt.index("<data>") + len("<data>")
    return dict(json.loads(prompt[start : prompt.index("</data>", start)]))


def sse_events(text: str) -> list[tuple[str, Any]]:
    """(event, data) pairs of a server-sent event stream body."""
    out = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        name, data = None, []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].lstrip())
        if name:
            out.append((name, json.loads("\n".join(data))))
    return out
