"""Google BigQuery via sqlalchemy-bigquery. No read-only transaction exists: statements are
checked to be a single SELECT (grant the service account BigQuery Data Viewer + Job User);
each query carries a job timeout and an optional maximum_bytes_billed."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from pydantic import Field, field_validator
from sqlalchemy.engine import URL, Connection

from nexatron.warehouse.base import EngineConfig
from nexatron.warehouse.sqla import Snapshot, SqlAlchemyEngine


class BigQueryConfig(EngineConfig):
    secret_fields: ClassVar[tuple[str, ...]] = ("credentials_json",)
    project: str = Field(min_length=1, pattern=r"^[a-z0-9.:-]+$")
    dataset: str = Field(min_length=1, pattern=r"^\w+$", description="Default dataset.")
    location: str | None = Field(None, description="e.g. US, EU, europe-west1")
    credentials_json: str | None = Field(
        None, description="Service-account key JSON; omit to use application default credentials."
    )
    maximum_bytes_billed: int | None = Field(None, ge=1)

    @field_validator("credentials_json")
    @classmethod
    def _is_service_account(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            info = json.loads(value)
        except ValueError:
            raise ValueError("credentials_json is not valid JSON") from None
        if not isinstance(info, dict) or info.get("type") != "service_account":
            raise ValueError(
                'credentials_json must be a service-account key ("type": "service_account")'
            )
        return value


def _catalog_sql(project: str, dataset: str) -> tuple[str, str, str]:
    q = f"`{project}.{dataset}`"
    tables = f"""
SELECT t.table_schema, t.table_name,
       IF(t.table_type IN ('VIEW', 'MATERIALIZED VIEW'), 'view', 'table'),
       s.row_count, JSON_VALUE(o.option_value)
FROM {q}.INFORMATION_SCHEMA.TABLES AS t
LEFT JOIN {q}.__TABLES__ AS s ON s.table_id = t.table_name
LEFT JOIN {q}.INFORMATION_SCHEMA.TABLE_OPTIONS AS o
  ON o.table_name = t.table_name AND o.option_name = 'description'
"""
    columns = f"""
SELECT c.table_schema, c.table_name, c.column_name, c.data_type, c.is_nullable = 'YES',
       f.description, c.ordinal_position
FROM {q}.INFORMATION_SCHEMA.COLUMNS AS c
LEFT JOIN {q}.INFORMATION_SCHEMA.COLUMN_FIELD_PATHS AS f
  ON f.table_name = c.table_name AND f.column_name = c.column_name
 AND f.field_path = c.column_name
"""
    keys = f"""
SELECT k.table_schema, k.table_name, k.constraint_name,
       IF(tc.constraint_type = 'PRIMARY KEY', 'p', 'f'), k.column_name, k.ordinal_position,
       u.table_schema, u.table_name, u.column_name
FROM {q}.INFORMATION_SCHEMA.TABLE_CONSTRAINTS AS tc
JOIN {q}.INFORMATION_SCHEMA.KEY_COLUMN_USAGE AS k ON k.constraint_name = tc.constraint_name
LEFT JOIN {q}.INFORMATION_SCHEMA.CONSTRAINT_COLUMN_USAGE AS u
  ON u.constraint_name = tc.constraint_name AND tc.constraint_type = 'FOREIGN KEY'
WHERE tc.constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')
"""
    return tables, columns, keys


class BigQueryEngine(SqlAlchemyEngine):
    type_name = "bigquery"
    label = "Google BigQuery"
    dialect = "bigquery"
    extra = "bigquery"
    config_model = BigQueryConfig
    driver_modules = ("google.cloud.bigquery", "sqlalchemy_bigquery")
    read_only_session = False
    stream_results = False
    version_sql = "SELECT 'BigQuery'"
    config: BigQueryConfig

    def route(self, cargs: list[Any], cparams: dict[str, Any]) -> None:
        """No host to check: the client only talks to Google's own endpoints."""

    def url(self) -> URL:
        c = self.config
        query = {"location": c.location} if c.location else {}
        return URL.create("bigquery", host=c.project, database=c.dataset, query=query)

    def engine_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"pool_size": 5, "max_overflow": 5}
        if self.config.credentials_json:
            options["credentials_info"] = json.loads(self.config.credentials_json)
        return options

    def run_options(self, timeout_s: float) -> dict[str, Any]:
        from google.cloud.bigquery import QueryJobConfig

        job = QueryJobConfig(job_timeout_ms=max(1000, int(timeout_s * 1000)))
        job.default_dataset = f"{self.config.project}.{self.config.dataset}"
        if self.config.maximum_bytes_billed:
            job.maximum_bytes_billed = self.config.maximum_bytes_billed
        return {"job_config": job}

    def is_timeout(self, exc: BaseException) -> bool:
        text = str(getattr(exc, "orig", exc)).lower()
        return "job timed out" in text or ("timeout" in text and "exceeded" in text)

    def catalog_rows(self, conn: Connection) -> Snapshot:
        tables_sql, columns_sql, keys_sql = _catalog_sql(self.config.project, self.config.dataset)
        tables = list(conn.exec_driver_sql(tables_sql).all())
        columns = list(conn.exec_driver_sql(columns_sql).all())
        return self.config.dataset, tables, columns, list(conn.exec_driver_sql(keys_sql).all())
