"""Snowflake via snowflake-sqlalchemy. Snowflake has no read-only transaction: statements are
checked to be a single SELECT first (use a role with only SELECT grants), every session is rolled
back, and STATEMENT_TIMEOUT_IN_SECONDS plus a cancelling timer bound the run time."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator
from sqlalchemy.engine import URL, Connection

from nexatron.warehouse.base import EngineConfig
from nexatron.warehouse.sqla import Snapshot, SqlAlchemyEngine


class SnowflakeConfig(EngineConfig):
    secret_fields: ClassVar[tuple[str, ...]] = ("password", "private_key")
    account: str = Field(min_length=1, description="Account identifier, e.g. myorg-myaccount.")
    user: str = Field(min_length=1)
    password: str | None = None
    private_key: str | None = Field(None, description="PEM private key for key-pair auth.")
    warehouse: str | None = None
    database: str = Field(min_length=1)
    schema_name: str = "PUBLIC"
    role: str | None = None
    host: str | None = Field(None, description="Override the host (proxies, private link).")
    port: int | None = Field(None, ge=1, le=65535)
    protocol: Literal["https", "http"] = "https"

    @model_validator(mode="after")
    def _one_credential(self) -> SnowflakeConfig:
        if not self.password and not self.private_key:
            raise ValueError("either password or private_key is required")
        return self


_NOT_SYSTEM = "table_schema <> 'INFORMATION_SCHEMA'"
TABLES_SQL = f"""
SELECT table_schema, table_name, CASE WHEN table_type = 'VIEW' THEN 'view' ELSE 'table' END,
       row_count, comment
FROM {{db}}.information_schema.tables WHERE {_NOT_SYSTEM}
"""
COLUMNS_SQL = f"""
SELECT table_schema, table_name, column_name,
       CASE WHEN data_type = 'NUMBER' AND numeric_precision IS NOT NULL
            THEN 'NUMBER(' || numeric_precision || ',' || numeric_scale || ')'
            ELSE data_type END,
       is_nullable = 'YES', comment, ordinal_position
FROM {{db}}.information_schema.columns WHERE {_NOT_SYSTEM}
"""


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class SnowflakeEngine(SqlAlchemyEngine):
    type_name = "snowflake"
    label = "Snowflake"
    dialect = "snowflake"
    extra = "snowflake"
    config_model = SnowflakeConfig
    driver_modules = ("snowflake.connector", "snowflake.sqlalchemy")
    read_only_session = False
    watchdog = True
    version_sql = "SELECT current_version()"
    config: SnowflakeConfig

    def url(self) -> URL:
        c = self.config
        return URL.create(
            "snowflake",
            username=c.user,
            password=c.password or None,
            host=c.account,
            database=f"{c.database}/{c.schema_name}",
        )

    def connect_args(self) -> dict[str, Any]:
        c = self.config
        args: dict[str, Any] = {
            "account": c.account,
            "protocol": c.protocol,
            "login_timeout": self.connect_timeout_s,
            "network_timeout": 300,
            "session_parameters": {"QUERY_TAG": "nexatron", "STATEMENT_TIMEOUT_IN_SECONDS": 3600},
        }
        for key in ("warehouse", "role", "host", "port"):
            if getattr(c, key) is not None:
                args[key] = getattr(c, key)
        if c.private_key:
            args["private_key"] = _load_private_key(c.private_key)
        return args

    def route(self, cargs: list[Any], cparams: dict[str, Any]) -> None:
        """Checked only: the connector speaks HTTPS to a name and resolves it itself (its
        certificate must match the name), so this cannot pin the address."""
        c = self.config
        host = c.host or f"{c.account}.snowflakecomputing.com"
        self.gate.address(host, c.port or (443 if c.protocol == "https" else 80))

    def cancel_connection(self, dbapi_connection: Any) -> None:
        session_id = getattr(dbapi_connection, "session_id", None)
        if session_id:
            dbapi_connection.cursor().execute(
                f"SELECT SYSTEM$CANCEL_ALL_QUERIES({int(session_id)})"
            )

    def catalog_rows(self, conn: Connection) -> Snapshot:
        db = _ident(self.config.database)
        tables = list(conn.exec_driver_sql(TABLES_SQL.format(db=db)).all())
        columns = list(conn.exec_driver_sql(COLUMNS_SQL.format(db=db)).all())
        keys: list[Any] = []
        for schema in sorted({t[0] for t in tables}):
            keys += self._keys(conn, f"{db}.{_ident(schema)}")
        return self.config.schema_name.upper(), tables, columns, keys

    @staticmethod
    def _keys(conn: Connection, scope: str) -> list[Any]:
        rows: list[Any] = []
        for r in conn.exec_driver_sql(f"SHOW PRIMARY KEYS IN SCHEMA {scope}").mappings():
            rows.append(
                (
                    r["schema_name"],
                    r["table_name"],
                    r["constraint_name"],
                    "p",
                    r["column_name"],
                    r["key_sequence"],
                )
            )
        for r in conn.exec_driver_sql(f"SHOW IMPORTED KEYS IN SCHEMA {scope}").mappings():
            rows.append(
                (
                    r["fk_schema_name"],
                    r["fk_table_name"],
                    r["fk_name"],
                    "f",
                    r["fk_column_name"],
                    r["key_sequence"],
                    r["pk_schema_name"],
                    r["pk_table_name"],
                    r["pk_column_name"],
                )
            )
        return rows


def _load_private_key(pem: str) -> Any:
    from cryptography.hazmat.primitives import serialization

    return serialization.load_pem_private_key(pem.encode(), password=None)
