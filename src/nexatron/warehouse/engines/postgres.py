"""PostgreSQL via psycopg2: pg_catalog introspection, BEGIN READ ONLY, statement_timeout."""

from __future__ import annotations

import math
from typing import Any, ClassVar, Literal

from pydantic import Field
from sqlalchemy.engine import URL, Connection

from nexatron.warehouse.base import EngineConfig
from nexatron.warehouse.policy import postgres_stamps
from nexatron.warehouse.sqla import Snapshot, SqlAlchemyEngine

SslMode = Literal["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]


class PostgresConfig(EngineConfig):
    host: str = Field(min_length=1)
    port: int = Field(5432, ge=1, le=65535)
    database: str = Field(min_length=1)
    user: str = Field(min_length=1)
    password: str | None = None
    sslmode: SslMode = "prefer"
    schemas: list[str] | None = Field(None, description="Limit introspection to these schemas.")


_SCHEMA_FILTER = """
    n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp%%'
    AND (%(schemas)s IS NULL OR n.nspname = ANY(%(schemas)s))
"""

TABLES_SQL = f"""
SELECT n.nspname, c.relname, CASE WHEN c.relkind IN ('v', 'm') THEN 'view' ELSE 'table' END,
       c.reltuples::bigint, obj_description(c.oid, 'pg_class')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition AND {_SCHEMA_FILTER}
"""

COLUMNS_SQL = f"""
SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
       NOT a.attnotnull, d.description, a.attnum
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description d ON d.objoid = c.oid AND d.objsubid = a.attnum
    AND d.classoid = 'pg_class'::regclass
WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND NOT c.relispartition AND {_SCHEMA_FILTER}
"""

KEYS_SQL = f"""
SELECT n.nspname, c.relname, con.conname, con.contype::text, a.attname, k.ord,
       fn.nspname, fc.relname, fa.attname
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, fattnum, ord)
JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
LEFT JOIN pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = k.fattnum
WHERE con.contype IN ('p', 'f') AND {_SCHEMA_FILTER}
"""


class PostgresEngine(SqlAlchemyEngine):
    type_name = "postgres"
    label = "PostgreSQL"
    dialect = "postgres"
    extra = "postgres"
    config_model = PostgresConfig
    driver_modules: ClassVar[tuple[str, ...]] = ("psycopg2",)
    version_sql = "SHOW server_version"
    drivername: ClassVar[str] = "postgresql+psycopg2"
    config: PostgresConfig

    def url(self) -> URL:
        c = self.config
        return URL.create(
            self.drivername,
            username=c.user,
            password=c.password or None,
            host=c.host,
            port=c.port,
            database=c.database,
        )

    def connect_args(self) -> dict[str, Any]:
        return {
            "connect_timeout": max(1, math.ceil(self.connect_timeout_s)),
            "sslmode": self.config.sslmode,
            "application_name": "nexatron",
        }

    def route(self, cargs: list[Any], cparams: dict[str, Any]) -> None:
        """libpq connects to `hostaddr` (the address the policy checked) and keeps `host` for
        TLS verification, so no second DNS lookup can redirect it."""
        host = str(cparams.get("host") or "")
        if self.gate.trusted or not host:
            return
        cparams["hostaddr"] = self.gate.address(host, int(cparams.get("port") or 5432))

    def check_identity(self, dbapi_connection: Any) -> None:
        if not self.gate.trusted:
            self.gate.check_identity(postgres_stamps(dbapi_connection))

    def on_connect(self, dbapi_connection: Any) -> None:
        # psycopg2 then opens every transaction with BEGIN READ ONLY.
        dbapi_connection.set_session(readonly=True)

    def prepare(self, conn: Connection, timeout_s: float) -> None:
        conn.exec_driver_sql(f"SET statement_timeout = {max(1, int(timeout_s * 1000))}")

    def is_timeout(self, exc: BaseException) -> bool:
        return "statement timeout" in str(getattr(exc, "orig", exc))

    def cancel_connection(self, dbapi_connection: Any) -> None:
        dbapi_connection.cancel()

    def catalog_rows(self, conn: Connection) -> Snapshot:
        params = {"schemas": self.config.schemas}
        default = conn.exec_driver_sql("SELECT current_schema()").scalar()

        def rows(sql: str) -> list[Any]:
            return list(conn.exec_driver_sql(sql, params).all())

        return default, rows(TABLES_SQL), rows(COLUMNS_SQL), rows(KEYS_SQL)
