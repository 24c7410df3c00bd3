"""The shop fixture in an in-process ClickHouse (chdb), to execute the ClickHouse dialect's SQL."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from chdb import session

from .shop import TABLES, rows

_TYPES = {
    "INTEGER": "Int32",
    "VARCHAR": "String",
    "DATE": "Date",
    "BOOLEAN": "Bool",
    "TIMESTAMP": "DateTime",
    "DECIMAL": "Decimal(12, 2)",
}
_SETTINGS = (
    " SETTINGS output_format_json_quote_64bit_integers = 0, output_format_json_quote_decimals = 0"
)


def _lit(v: Any) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | Decimal):
        return str(v)
    if isinstance(v, dt.datetime):
        return f"'{v.isoformat(sep=' ')}'"
    if isinstance(v, dt.date):
        return f"'{v.isoformat()}'"
    return "'" + str(v).replace("\\", "\\\\").replace("'", "\\'") + "'"


class ClickHouse:
    name = "clickhouse"
    dialect = "clickhouse"

    def __init__(self, sess: Any, database: str) -> None:
        self.sess, self.database = sess, database

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        sql = sql.rstrip().rstrip(";")
        glue = "," if " SETTINGS " in sql else " SETTINGS"
        text = str(self.sess.query(sql + (_SETTINGS.replace(" SETTINGS", glue, 1)), "JSONCompact"))
        return [tuple(r) for r in json.loads(text)["data"]] if text.strip() else []


@contextmanager
def open_clickhouse() -> Iterator[ClickHouse]:
    path = tempfile.mkdtemp(prefix="sem_chdb_")
    sess = session.Session(path)
    try:
        sess.query("CREATE DATABASE IF NOT EXISTS shop")
        sess.query("USE shop")
        for table, cols in TABLES.items():
            defs = ", ".join(f"{c} Nullable({_TYPES[t.split('(')[0]]})" for c, t in cols)
            sess.query(f"CREATE TABLE shop.{table} ({defs}) ENGINE = Memory")
        for table, data in rows().items():
            values = ", ".join("(" + ", ".join(_lit(v) for v in r) + ")" for r in data)
            sess.query(f"INSERT INTO shop.{table} VALUES {values}")
        yield ClickHouse(sess, "shop")
    finally:
        sess.cleanup()
        shutil.rmtree(path, ignore_errors=True)
