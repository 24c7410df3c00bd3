"""The floors for bench_http.py and bench_stream.py.

`create_floor`: a plain FastAPI app that answers POST /api/v1/query by running the same SQL
Nexatron compiled for the question on the same demo DuckDB file (read-only, one thread, one
connection per worker opened once), its response JSON serialised with the stdlib.

`uvicorn --factory floor_app:create_floor --workers 2` with FLOOR_DB (the DuckDB file) and
FLOOR_SQL (a JSON file mapping each question to its SQL)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
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


def create_stream_floor() -> FastAPI:
    """The stream floor for bench_stream.py: POST /api/v1/query/stream runs FLOOR_STREAM_SQL on
    FLOOR_DB (read-only, DuckDB's default threads) and sends every 1,000 rows as one SSE `rows`
    event in Nexatron's format (orjson per batch); no authentication, planning or history."""
    import orjson
    from starlette.concurrency import iterate_in_threadpool
    from starlette.responses import StreamingResponse

    app = FastAPI()
    con = duckdb.connect(os.environ["FLOOR_DB"], read_only=True)
    sql = os.environ["FLOOR_STREAM_SQL"]

    def events() -> Iterator[bytes]:
        cursor = con.cursor()
        try:
            cursor.execute(sql)
            offset = 0
            while rows := cursor.fetchmany(1000):
                data = orjson.dumps({"offset": offset, "rows": rows})
                yield b"event: rows\r\ndata: " + data + b"\r\n\r\n"
                offset += len(rows)
            yield b'event: done\r\ndata: {"row_count":%d}\r\n\r\n' % offset
        finally:
            cursor.close()

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/api/v1/query/stream")
    async def stream() -> StreamingResponse:
        return StreamingResponse(iterate_in_threadpool(events()), media_type="text/event-stream")

    return app
