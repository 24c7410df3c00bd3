"""The floor for bench_http.py: a plain FastAPI app that answers POST /api/v1/query by running
the same SQL Nexatron compiled for the question on the same demo DuckDB file (read-only, one
thread, one connection per worker opened once), its response JSON serialised with the stdlib.

`uvicorn --factory floor_app:create_floor --workers 2` with FLOOR_DB (the DuckDB file) and
FLOOR_SQL (a JSON file mapping each question to its SQL)."""

from __future__ import annotations

import json
import os
from typing import Any

import duckdb
from fastapi import FastAPI, Request, Response


def create_floor() -> FastAPI:
    app = FastAPI()
    con = duckdb.connect(os.environ["FLOOR_DB"], read_only=True, config={"threads": 1})
    with open(os.environ["FLOOR_SQL"]) as handle:
        sql_of: dict[str, str] = json.load(handle)
    for sql in set(sql_of.values()):  # warm, as the server's pages are
        con.execute(sql).fetchall()

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/api/v1/query")
    async def query(request: Request) -> Response:
        question = json.loads(await request.body())["question"]
        result = con.execute(sql_of[question])
        columns = [d[0] for d in result.description or []]
        body: dict[str, Any] = {"columns": columns, "rows": result.fetchall()}
        return Response(json.dumps(body, default=str), media_type="application/json")

    return app
