"""Redshift: the redshift+psycopg2 dialect (sqlalchemy-redshift) against the local PostgreSQL,
with catalog queries written to run on both (information_schema + pg_class)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nexatron.warehouse import open_engine, parse_config
from nexatron.warehouse.engines.redshift import RedshiftEngine

from . import wh_dataset as dataset
from . import wh_proof as proof
from .wh_dataset import CANARY


@pytest.fixture
def rs(pg_schema: str) -> Iterator[RedshiftEngine]:
    data = {
        "host": "127.0.0.1",
        "port": 5432,
        "database": "test",
        "user": "postgres",
        "sslmode": "disable",
        "schemas": [pg_schema],
    }
    engine = open_engine("redshift", parse_config("redshift", data))
    assert isinstance(engine, RedshiftEngine)
    yield engine
    engine.dispose()


def test_config_defaults_to_redshift_port_and_ssl() -> None:
    config = parse_config("redshift", {"host": "h", "database": "d", "user": "u"})
    engine = open_engine("redshift", config)
    assert isinstance(engine, RedshiftEngine)
    assert engine.url().drivername == "redshift+psycopg2" and engine.url().port == 5439
    assert engine.connect_args()["sslmode"] == "require"


def test_proof(rs: RedshiftEngine, pg_schema: str) -> None:
    proof.check_test(rs)
    assert rs.engine().dialect.name == "redshift"
    snap = rs.introspect()
    proof.check_schema(snap, pg_schema)
    assert {t.schema_name for t in snap.tables} == {pg_schema}
    proof.check_query(rs, dataset.proof_sql(pg_schema, "DATE '2024-02-01'"))
    count = f"SELECT COUNT(*), SUM(amount) FROM {pg_schema}.orders"
    proof.check_writes_refused(rs, dataset.write_attempts(pg_schema), count)
    assert rs.introspect().table(f"{pg_schema}.evil") is None


def test_wrong_password(pg_auth_port: int) -> None:
    data = {
        "host": "127.0.0.1",
        "port": pg_auth_port,
        "database": "postgres",
        "user": "postgres",
        "password": CANARY + "x",
        "sslmode": "disable",
    }
    result = open_engine("redshift", parse_config("redshift", data)).test()
    assert result.error_code == "authentication_failed"
    assert CANARY not in str(result)
