"""Amazon Redshift via sqlalchemy-redshift + psycopg2. Catalog queries use information_schema
and pg_class only (both exist on Redshift and PostgreSQL); sessions are read-only like Postgres."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from sqlalchemy.engine import Connection

from nexatron.warehouse.base import EngineConfig
from nexatron.warehouse.engines.postgres import PostgresEngine, SslMode
from nexatron.warehouse.sqla import Snapshot


class RedshiftConfig(EngineConfig):
    host: str = Field(min_length=1)
    port: int = Field(5439, ge=1, le=65535)
    database: str = Field(min_length=1)
    user: str = Field(min_length=1)
    password: str | None = None
    sslmode: SslMode = "require"
    schemas: list[str] | None = Field(None, description="Limit introspection to these schemas.")


_SCHEMA_FILTER = """
    {col} NOT IN ('pg_catalog', 'information_schema', 'catalog_history')
    AND {col} NOT LIKE 'pg\\_%%'
    AND (%(schemas)s IS NULL OR {col} = ANY(%(schemas)s))
"""

TABLES_SQL = """
SELECT t.table_schema, t.table_name,
       CASE WHEN t.table_type = 'VIEW' THEN 'view' ELSE 'table' END,
       CAST(c.reltuples AS BIGINT), d.description
FROM information_schema.tables t
LEFT JOIN pg_namespace n ON n.nspname = t.table_schema
LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = t.table_name
LEFT JOIN pg_description d ON d.objoid = c.oid AND d.objsubid = 0
WHERE """ + _SCHEMA_FILTER.format(col="t.table_schema")

COLUMNS_SQL = """
SELECT table_schema, table_name, column_name,
       CASE WHEN character_maximum_length IS NOT NULL
            THEN data_type || '(' || character_maximum_length || ')'
            WHEN data_type = 'numeric' AND numeric_precision IS NOT NULL
            THEN data_type || '(' || numeric_precision || ',' || numeric_scale || ')'
            ELSE data_type END,
       is_nullable = 'YES', NULL, ordinal_position
FROM information_schema.columns
WHERE """ + _SCHEMA_FILTER.format(col="table_schema")

KEYS_SQL = """
SELECT k.table_schema, k.table_name, k.constraint_name,
       CASE WHEN tc.constraint_type = 'PRIMARY KEY' THEN 'p' ELSE 'f' END,
       k.column_name, k.ordinal_position, u.table_schema, u.table_name, u.column_name
FROM information_schema.table_constraints tc
JOIN information_schema.key_column_usage k
  ON k.constraint_schema = tc.constraint_schema AND k.constraint_name = tc.constraint_name
 AND k.table_name = tc.table_name
LEFT JOIN information_schema.referential_constraints rc
  ON rc.constraint_schema = tc.constraint_schema AND rc.constraint_name = tc.constraint_name
LEFT JOIN information_schema.key_column_usage u
  ON u.constraint_schema = rc.unique_constraint_schema
 AND u.constraint_name = rc.unique_constraint_name
 AND u.ordinal_position = k.position_in_unique_constraint
WHERE tc.constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY') AND """ + _SCHEMA_FILTER.format(
    col="tc.table_schema"
)


class RedshiftEngine(PostgresEngine):
    type_name = "redshift"
    label = "Amazon Redshift"
    dialect = "redshift"
    extra = "redshift"
    config_model = RedshiftConfig  # type: ignore[assignment]
    driver_modules = ("psycopg2", "sqlalchemy_redshift")
    version_sql = "SELECT version()"
    drivername = "redshift+psycopg2"
    config: RedshiftConfig  # type: ignore[assignment]

    def catalog_rows(self, conn: Connection) -> Snapshot:
        params = {"schemas": self.config.schemas}
        default = conn.exec_driver_sql("SELECT current_schema()").scalar()

        def rows(sql: str) -> list[Any]:
            return list(conn.exec_driver_sql(sql, params).all())

        return default, rows(TABLES_SQL), rows(COLUMNS_SQL), rows(KEYS_SQL)
