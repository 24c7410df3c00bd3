"""Loading generated rows into an evaluation dataset's DuckDB file: one helper for every
generator under eval/*/datasets (a temporary CSV read by DuckDB, much faster than INSERTs)."""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from typing import Any

import duckdb


def _cell(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple[Any, ...]]) -> None:
    """Append `rows` to `table`, typed by the table's own column types."""
    cols = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()
    spec = ", ".join(f"'{c}': '{t}'" for c, t in cols)
    with tempfile.TemporaryDirectory() as tmp:
        name = os.path.join(tmp, "rows.csv")
        with open(name, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows([_cell(v) for v in row] for row in rows)
        con.execute(
            f"INSERT INTO {table} SELECT * FROM read_csv('{name}', header = false,"
            f" auto_detect = false, nullstr = '\\N', columns = {{{spec}}})"
        )
