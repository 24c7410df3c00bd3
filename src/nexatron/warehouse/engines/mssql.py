"""Microsoft SQL Server via pyodbc (Microsoft's ODBC driver). SQL Server has no read-only
transaction: statements are checked to be a single SELECT, sessions are always rolled back,
and the ODBC query timeout bounds the run time. sys.* catalog views for introspection."""

from __future__ import annotations

import math
import re
from typing import Any

from pydantic import Field
from sqlalchemy.engine import URL, Connection

from nexatron.warehouse.base import EngineConfig
from nexatron.warehouse.sqla import Snapshot, SqlAlchemyEngine


class MSSQLConfig(EngineConfig):
    host: str = Field(min_length=1)
    port: int = Field(1433, ge=1, le=65535)
    database: str = Field(min_length=1)
    user: str = Field(min_length=1)
    password: str | None = None
    odbc_driver: str = "ODBC Driver 18 for SQL Server"
    encrypt: bool = True
    trust_server_certificate: bool = False


TABLES_SQL = """
SELECT s.name, o.name, CASE WHEN o.type = 'V' THEN 'view' ELSE 'table' END,
       (SELECT SUM(p.rows) FROM sys.partitions AS p WHERE p.object_id = o.object_id
          AND p.index_id IN (0, 1)),
       CAST(ep.value AS NVARCHAR(4000))
FROM sys.objects AS o
JOIN sys.schemas AS s ON s.schema_id = o.schema_id
LEFT JOIN sys.extended_properties AS ep
  ON ep.major_id = o.object_id AND ep.minor_id = 0 AND ep.class = 1
 AND ep.name = 'MS_Description'
WHERE o.type IN ('U', 'V') AND o.is_ms_shipped = 0
  AND s.name NOT IN ('sys', 'INFORMATION_SCHEMA', 'guest')
"""

COLUMNS_SQL = """
SELECT s.name, o.name, c.name,
       CASE WHEN t.name IN ('varchar', 'char', 'nvarchar', 'nchar', 'varbinary', 'binary')
            THEN t.name + '(' + CASE WHEN c.max_length = -1 THEN 'max'
                 ELSE CAST(c.max_length AS VARCHAR(10)) END + ')'
            WHEN t.name IN ('decimal', 'numeric')
            THEN t.name + '(' + CAST(c.precision AS VARCHAR(10)) + ','
                 + CAST(c.scale AS VARCHAR(10)) + ')'
            ELSE t.name END,
       c.is_nullable, CAST(ep.value AS NVARCHAR(4000)), c.column_id
FROM sys.columns AS c
JOIN sys.objects AS o ON o.object_id = c.object_id
JOIN sys.schemas AS s ON s.schema_id = o.schema_id
JOIN sys.types AS t ON t.user_type_id = c.user_type_id
LEFT JOIN sys.extended_properties AS ep
  ON ep.major_id = c.object_id AND ep.minor_id = c.column_id AND ep.class = 1
 AND ep.name = 'MS_Description'
WHERE o.type IN ('U', 'V') AND o.is_ms_shipped = 0
  AND s.name NOT IN ('sys', 'INFORMATION_SCHEMA', 'guest')
"""

KEYS_SQL = """
SELECT s.name, o.name, kc.name, 'p', c.name, ic.key_ordinal, NULL, NULL, NULL
FROM sys.key_constraints AS kc
JOIN sys.objects AS o ON o.object_id = kc.parent_object_id
JOIN sys.schemas AS s ON s.schema_id = o.schema_id
JOIN sys.index_columns AS ic
  ON ic.object_id = kc.parent_object_id AND ic.index_id = kc.unique_index_id
JOIN sys.columns AS c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
WHERE kc.type = 'PK'
UNION ALL
SELECT s.name, o.name, fk.name, 'f', pc.name, fkc.constraint_column_id, rs.name, ro.name, rc.name
FROM sys.foreign_keys AS fk
JOIN sys.foreign_key_columns AS fkc ON fkc.constraint_object_id = fk.object_id
JOIN sys.objects AS o ON o.object_id = fk.parent_object_id
JOIN sys.schemas AS s ON s.schema_id = o.schema_id
JOIN sys.columns AS pc
  ON pc.object_id = fkc.parent_object_id AND pc.column_id = fkc.parent_column_id
JOIN sys.objects AS ro ON ro.object_id = fkc.referenced_object_id
JOIN sys.schemas AS rs ON rs.schema_id = ro.schema_id
JOIN sys.columns AS rc
  ON rc.object_id = fkc.referenced_object_id AND rc.column_id = fkc.referenced_column_id
"""


class MSSQLEngine(SqlAlchemyEngine):
    type_name = "mssql"
    label = "Microsoft SQL Server"
    dialect = "tsql"
    extra = "mssql"
    config_model = MSSQLConfig
    driver_modules = ("pyodbc",)
    read_only_session = False
    version_sql = "SELECT @@VERSION"
    config: MSSQLConfig

    def url(self) -> URL:
        c = self.config
        return URL.create(
            "mssql+pyodbc",
            username=c.user,
            password=c.password or None,
            host=c.host,
            port=c.port,
            database=c.database,
            query={
                "driver": c.odbc_driver,
                "Encrypt": "yes" if c.encrypt else "no",
                "TrustServerCertificate": "yes" if c.trust_server_certificate else "no",
                "ApplicationIntent": "ReadOnly",
            },
        )

    def connect_args(self) -> dict[str, Any]:
        return {"timeout": max(1, math.ceil(self.connect_timeout_s))}

    def route(self, cargs: list[Any], cparams: dict[str, Any]) -> None:
        """The ODBC connection string gets the checked address; the name stays for TLS
        (`HostNameInCertificate`)."""
        if self.gate.trusted or not cargs:
            return
        cargs[0] = route_odbc(str(cargs[0]), self.gate.address(self.config.host, self.config.port))

    def prepare(self, conn: Connection, timeout_s: float) -> None:
        conn.connection.dbapi_connection.timeout = max(1, math.ceil(timeout_s))  # type: ignore[union-attr]

    def is_timeout(self, exc: BaseException) -> bool:
        return "HYT00" in str(getattr(exc, "orig", exc))

    def catalog_rows(self, conn: Connection) -> Snapshot:
        default = conn.exec_driver_sql("SELECT SCHEMA_NAME()").scalar()
        tables = list(conn.exec_driver_sql(TABLES_SQL).all())
        columns = list(conn.exec_driver_sql(COLUMNS_SQL).all())
        return default, tables, columns, list(conn.exec_driver_sql(KEYS_SQL).all())


_SERVER = re.compile(r"(?i)(?:^|;)\s*server\s*=\s*([^;]*)")


def route_odbc(connection_string: str, address: str) -> str:
    """`Server=name,port` becomes `Server=address,port` plus `HostNameInCertificate=name`."""
    found = _SERVER.search(connection_string)
    if found is None:
        return connection_string
    server = found.group(1).strip()
    name, _, port = server.partition(",")
    target = f"[{address}]" if ":" in address else address
    routed = f"{target},{port}" if port else target
    start, end = found.span(1)
    out = connection_string[:start] + routed + connection_string[end:]
    if name and "hostnameincertificate" not in out.lower():
        out = out.rstrip(";") + f";HostNameInCertificate={name}"
    return out
