"""MySQL and MariaDB via PyMySQL: information_schema introspection, READ ONLY transactions,
max_execution_time (MySQL) / max_statement_time (MariaDB), KILL QUERY to cancel."""

from __future__ import annotations

import math
import ssl
from typing import Any

from pydantic import Field
from sqlalchemy.engine import URL, Connection

from nexatron.warehouse.base import EngineConfig
from nexatron.warehouse.sqla import Snapshot, SqlAlchemyEngine


class MySQLConfig(EngineConfig):
    host: str = Field(min_length=1)
    port: int = Field(3306, ge=1, le=65535)
    database: str = Field(min_length=1)
    user: str = Field(min_length=1)
    password: str | None = None
    ssl: bool = False
    ssl_verify: bool = True


TABLES_SQL = """
SELECT table_schema, table_name,
       CASE WHEN table_type = 'VIEW' THEN 'view' ELSE 'table' END, table_rows, table_comment
FROM information_schema.tables WHERE table_schema = %(db)s
"""

COLUMNS_SQL = """
SELECT table_schema, table_name, column_name, column_type, is_nullable = 'YES',
       column_comment, ordinal_position
FROM information_schema.columns WHERE table_schema = %(db)s
"""

KEYS_SQL = """
SELECT table_schema, table_name, constraint_name,
       CASE WHEN constraint_name = 'PRIMARY' THEN 'p' ELSE 'f' END, column_name,
       ordinal_position, referenced_table_schema, referenced_table_name, referenced_column_name
FROM information_schema.key_column_usage
WHERE table_schema = %(db)s
  AND (constraint_name = 'PRIMARY' OR referenced_table_name IS NOT NULL)
"""

_TIMEOUT_CODES = (3024, 1969)  # MySQL max_execution_time, MariaDB max_statement_time


class _PinnedNameContext(ssl.SSLContext):
    """PyMySQL verifies TLS against the host it connects to; it connects to the checked
    address, so the certificate is checked against the configured name instead."""

    server_name: str = ""

    def wrap_socket(self, sock: Any, *args: Any, **kwargs: Any) -> Any:
        kwargs["server_hostname"] = self.server_name or kwargs.get("server_hostname")
        return super().wrap_socket(sock, *args, **kwargs)


def _tls_context(verify: bool, server_name: str = "") -> ssl.SSLContext:
    context = _PinnedNameContext(ssl.PROTOCOL_TLS_CLIENT)
    context.server_name = server_name
    if verify:
        context.load_default_certs()
    else:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


class MySQLEngine(SqlAlchemyEngine):
    type_name = "mysql"
    label = "MySQL / MariaDB"
    dialect = "mysql"
    extra = "mysql"
    config_model = MySQLConfig
    driver_modules = ("pymysql",)
    config: MySQLConfig

    def url(self) -> URL:
        c = self.config
        return URL.create(
            "mysql+pymysql",
            username=c.user,
            password=c.password or None,
            host=c.host,
            port=c.port,
            database=c.database,
            query={"charset": "utf8mb4"},
        )

    def connect_args(self) -> dict[str, Any]:
        args: dict[str, Any] = {"connect_timeout": max(1, math.ceil(self.connect_timeout_s))}
        if self.config.ssl:
            args["ssl"] = _tls_context(self.config.ssl_verify, self.config.host)
        return args

    default_port = 3306

    def prepare(self, conn: Connection, timeout_s: float) -> None:
        # The session default stops DDL too (DDL would otherwise commit the transaction away).
        conn.exec_driver_sql("SET SESSION TRANSACTION READ ONLY")
        if conn.dialect.is_mariadb:  # type: ignore[attr-defined]
            conn.exec_driver_sql(f"SET SESSION max_statement_time = {max(0.001, timeout_s):.3f}")
        else:
            conn.exec_driver_sql(
                f"SET SESSION max_execution_time = {max(1, int(timeout_s * 1000))}"
            )
        conn.exec_driver_sql("START TRANSACTION READ ONLY")

    def is_timeout(self, exc: BaseException) -> bool:
        args = tuple(getattr(getattr(exc, "orig", exc), "args", ()))
        return bool(args) and args[0] in _TIMEOUT_CODES

    def cancel_connection(self, dbapi_connection: Any) -> None:
        """KILL QUERY over a connection of its own: the pool may be full of the very
        statements being killed, and their threads wait for this kill to finish."""
        thread_id = int(dbapi_connection.thread_id())
        dialect = self.engine().dialect
        cargs, cparams = dialect.create_connect_args(self.url())
        cparams = {**cparams, **self.connect_args()}
        self.route(list(cargs), cparams)  # the killer's connection goes through the policy too
        killer = dialect.connect(*cargs, **cparams)
        try:
            killer.cursor().execute(f"KILL QUERY {thread_id}")
        finally:
            killer.close()

    def catalog_rows(self, conn: Connection) -> Snapshot:
        params = {"db": self.config.database}

        def rows(sql: str) -> list[Any]:
            return list(conn.exec_driver_sql(sql, params).all())

        return self.config.database, rows(TABLES_SQL), rows(COLUMNS_SQL), rows(KEYS_SQL)
