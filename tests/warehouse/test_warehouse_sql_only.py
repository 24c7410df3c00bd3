"""Engines with no server here (SQL Server, BigQuery): config, URLs, the driver-missing path,
and catalog SQL that parses in the engine's own sqlglot dialect. No round trips."""

from __future__ import annotations

import importlib.util

import pytest
import sqlglot

from nexatron.warehouse import DriverMissing, open_engine, parse_config
from nexatron.warehouse.engines import bigquery, mssql, mysql, postgres, redshift, snowflake
from nexatron.warehouse.engines import duckdb as duck
from nexatron.warehouse.engines import sqlite as lite
from nexatron.warehouse.engines.bigquery import BigQueryEngine
from nexatron.warehouse.engines.mssql import MSSQLEngine


def test_mssql_url_and_driver_missing() -> None:
    config = parse_config(
        "mssql", {"host": "db.example", "database": "sales", "user": "ro", "password": "canary-x"}
    )
    engine = open_engine("mssql", config)
    assert isinstance(engine, MSSQLEngine)
    url = engine.url()
    assert url.drivername == "mssql+pyodbc" and url.port == 1433
    assert url.query["driver"] == "ODBC Driver 18 for SQL Server" and url.query["Encrypt"] == "yes"
    assert "canary-x" not in repr(url)
    if importlib.util.find_spec("pyodbc") is None:  # not installed here
        result = engine.test()
        assert result.error_code == "driver_missing" and "nexatron[mssql]" in (result.detail or "")


class _NoDriverEngine(MSSQLEngine):
    type_name = "mssql"
    driver_modules = ("nexatron_no_such_driver_module",)


def test_missing_driver_names_the_extra() -> None:
    config = parse_config("mssql", {"host": "h", "database": "d", "user": "u", "password": "pw"})
    engine = _NoDriverEngine(config)
    result = engine.test()
    assert not result.ok and result.error_code == "driver_missing"
    assert "pip install 'nexatron[mssql]'" in (result.detail or "")
    with pytest.raises(DriverMissing, match=r"pip install 'nexatron\[mssql\]'"):
        engine.execute("SELECT 1", timeout_s=1, row_cap=1)
    with pytest.raises(DriverMissing):
        engine.introspect()


@pytest.mark.parametrize("sql", [mssql.TABLES_SQL, mssql.COLUMNS_SQL, mssql.KEYS_SQL])
def test_mssql_catalog_sql_parses_as_tsql(sql: str) -> None:
    tree = sqlglot.parse_one(sql, read="tsql")
    assert tree is not None and "sys." in tree.sql(dialect="tsql")


def test_bigquery_url_and_job_config() -> None:
    creds = '{"type": "service_account", "project_id": "p"}'
    config = parse_config(
        "bigquery",
        {
            "project": "my-proj",
            "dataset": "sales",
            "location": "EU",
            "credentials_json": creds,
            "maximum_bytes_billed": 10**9,
        },
    )
    engine = open_engine("bigquery", config)
    assert isinstance(engine, BigQueryEngine)
    assert str(engine.url()) == "bigquery://my-proj/sales?location=EU"
    assert engine.engine_options()["credentials_info"]["type"] == "service_account"
    job = engine.run_options(2.5)["job_config"]
    assert int(job.job_timeout_ms) == 2500 and job.maximum_bytes_billed == 10**9
    assert job.default_dataset.dataset_id == "sales"


def test_bigquery_catalog_sql_parses_as_bigquery() -> None:
    for sql in bigquery._catalog_sql("my-proj", "sales"):
        tree = sqlglot.parse_one(sql, read="bigquery")
        assert "INFORMATION_SCHEMA" in tree.sql(dialect="bigquery").upper()


@pytest.mark.parametrize(
    ("module", "dialect"),
    [
        (postgres, "postgres"),
        (redshift, "redshift"),
        (mysql, "mysql"),
        (duck, "duckdb"),
        (lite, "sqlite"),
    ],
)
def test_catalog_sql_of_tested_engines_parses_too(module: object, dialect: str) -> None:
    for name in ("TABLES_SQL", "COLUMNS_SQL", "KEYS_SQL"):
        sql = (
            getattr(module, name)
            .replace("%(schemas)s", "NULL")
            .replace("%(db)s", "'d'")
            .replace("%%", "%")
        )
        assert sqlglot.parse_one(sql, read=dialect) is not None


def test_snowflake_catalog_sql_parses() -> None:
    for sql in (snowflake.TABLES_SQL, snowflake.COLUMNS_SQL):
        assert sqlglot.parse_one(sql.format(db='"DB"'), read="snowflake") is not None
