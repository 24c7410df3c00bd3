"""The fixture loaded into DuckDB, SQLite, PostgreSQL and MariaDB; rows normalized to compare."""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import duckdb
import psycopg
import pymysql

from .shop import TABLES, rows

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "test"}
MY = {"host": "127.0.0.1", "port": 3306, "user": "root", "password": ""}


class Db(Protocol):
    name: str
    dialect: str

    def query(self, sql: str) -> list[tuple[Any, ...]]: ...


def _ddl(dialect: str) -> list[str]:
    out = []
    for table, cols in TABLES.items():
        defs = []
        for c, t in cols:
            if dialect == "mysql" and t == "TIMESTAMP":
                t = "DATETIME"
            defs.append(f"{c} {t}" + (" PRIMARY KEY" if c == "id" else ""))
        out.append(f"CREATE TABLE {table} ({', '.join(defs)})")
    return out


def _sqlite_value(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, bool):
        return int(v)
    return v


class _Dbapi:
    def __init__(self, name: str, dialect: str, conn: Any) -> None:
        self.name, self.dialect, self.conn = name, dialect, conn

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        cur = self.conn.cursor()
        try:
            cur.execute(sql)
            return [tuple(r) for r in cur.fetchall()]
        finally:
            cur.close()


def _load(db: _Dbapi, placeholder: str, convert: Any = None) -> None:
    cur = db.conn.cursor()
    for stmt in _ddl(db.dialect):
        cur.execute(stmt)
    for table, data in rows().items():
        marks = ", ".join([placeholder] * len(TABLES[table]))
        values = [tuple(convert(v) for v in r) for r in data] if convert else data
        cur.executemany(f"INSERT INTO {table} VALUES ({marks})", values)
    cur.close()
    db.conn.commit()


@contextmanager
def open_all(tmp: Path) -> Iterator[dict[str, Db]]:
    """The four engines with the fixture; unique schema/database names, dropped afterwards."""
    suffix = uuid.uuid4().hex[:10]
    duck = _Dbapi("duckdb", "duckdb", duckdb.connect(str(tmp / "shop.duckdb")))
    _load(duck, "?")
    lite = _Dbapi("sqlite", "sqlite", sqlite3.connect(str(tmp / "shop.sqlite")))
    _load(lite, "?", _sqlite_value)
    pg_schema = f"sem_{suffix}"
    admin = psycopg.connect(**PG, autocommit=True)  # type: ignore[arg-type]
    admin.execute(f"CREATE SCHEMA {pg_schema}")
    pgconn = psycopg.connect(**PG, autocommit=True, options=f"-c search_path={pg_schema}")  # type: ignore[arg-type]
    pg = _Dbapi("postgres", "postgres", pgconn)
    _load(pg, "%s")
    my_db = f"sem_{suffix}"
    my_admin = pymysql.connect(**MY, autocommit=True)
    my_admin.cursor().execute(f"CREATE DATABASE {my_db} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
    my = _Dbapi("mysql", "mysql", pymysql.connect(**MY, database=my_db, autocommit=True))
    _load(my, "%s")
    try:
        yield {"duckdb": duck, "sqlite": lite, "postgres": pg, "mysql": my}
    finally:
        for db in (duck, lite, pg, my):
            db.conn.close()
        admin.execute(f"DROP SCHEMA {pg_schema} CASCADE")
        admin.close()
        my_admin.cursor().execute(f"DROP DATABASE {my_db}")
        my_admin.close()


def norm_value(v: Any) -> Any:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, Decimal | float):
        f = float(v)
        return None if math.isnan(f) else round(f, 4)
    if isinstance(v, int):
        return float(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, str) and len(v) == 19 and v[4] == "-" and v.endswith("00:00:00"):
        return v[:10]
    return v


def norm(rows: list[tuple[Any, ...]], *, ordered: bool = False) -> list[tuple[Any, ...]]:
    """Rows comparable across engines: numbers as rounded floats, ISO dates, bools as ints."""
    out = [tuple(norm_value(v) for v in r) for r in rows]
    return out if ordered else sorted(out, key=lambda r: [(x is None, str(type(x)), x) for x in r])


def same_rows(a: list[tuple[Any, ...]], b: list[tuple[Any, ...]], tol: float = 1e-6) -> bool:
    if len(a) != len(b):
        return False
    for ra, rb in zip(a, b, strict=True):
        if len(ra) != len(rb):
            return False
        for x, y in zip(ra, rb, strict=True):
            if isinstance(x, float) and isinstance(y, float):
                if not math.isclose(x, y, rel_tol=tol, abs_tol=1e-3):
                    return False
            elif x != y:
                return False
    return True
