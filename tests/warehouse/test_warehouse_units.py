"""Pure pieces: value conversion, scrubbing, type normalization, statement checks, registry."""

from __future__ import annotations

import datetime as dt
import math
import uuid
from decimal import Decimal

import pytest
import sqlglot
from hypothesis import given
from hypothesis import strategies as st

from nexatron.api.encoding import dump_json
from nexatron.errors import BadRequest, ValidationFailed
from nexatron.warehouse import (
    ENGINE_TYPES,
    get_engine_class,
    merge_secrets,
    parse_config,
    scrub,
    split_secrets,
)
from nexatron.warehouse.classify import classify_message
from nexatron.warehouse.convert import convert_rows, decimal_to_json, to_json_value
from nexatron.warehouse.readonly import ensure_read_only, ensure_single_statement
from nexatron.warehouse.typemap import normalize_type

EXPECTED_DIALECTS = {
    "postgres": "postgres",
    "mysql": "mysql",
    "redshift": "redshift",
    "snowflake": "snowflake",
    "bigquery": "bigquery",
    "mssql": "tsql",
    "clickhouse": "clickhouse",
    "duckdb": "duckdb",
    "sqlite": "sqlite",
}

MINIMAL = {
    "postgres": {"host": "h", "database": "d", "user": "u", "password": "pw1234"},
    "mysql": {"host": "h", "database": "d", "user": "u", "password": "pw1234"},
    "redshift": {"host": "h", "database": "d", "user": "u", "password": "pw1234"},
    "snowflake": {"account": "a", "user": "u", "database": "d", "password": "pw1234"},
    "bigquery": {
        "project": "p",
        "dataset": "d",
        "credentials_json": '{"type": "service_account", "private_key": "k"}',
    },
    "mssql": {"host": "h", "database": "d", "user": "u", "password": "pw1234"},
    "clickhouse": {"host": "h", "password": "pw1234"},
    "duckdb": {"path": "/tmp/x.duckdb"},
    "sqlite": {"path": "/tmp/x.sqlite"},
}


def test_every_engine_is_registered_with_its_dialect() -> None:
    assert {k: v.dialect for k, v in ENGINE_TYPES.items()} == EXPECTED_DIALECTS
    for cls in ENGINE_TYPES.values():
        sqlglot.Dialect.get_or_raise(cls.dialect)
        assert cls.config_model.model_config.get("extra") == "forbid"


@pytest.mark.parametrize("type_name", sorted(MINIMAL))
def test_secrets_split_and_merge(type_name: str) -> None:
    config = parse_config(type_name, MINIMAL[type_name])
    public, secrets = split_secrets(config)
    assert not set(public) & set(config.secret_fields)
    assert all(v not in str(public) for v in secrets.values())
    assert parse_config(type_name, merge_secrets(public, secrets)) == config


def test_config_errors_are_field_level() -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_config("postgres", {"host": "h", "port": "x", "password": "SECRETVAL", "nope": 1})
    entries = {tuple(e["loc"]): e["type"] for e in info.value.detail}
    assert entries[("body", "config", "port")] == "int_parsing"
    assert entries[("body", "config", "database")] == "missing"
    assert entries[("body", "config", "nope")] == "extra_forbidden"
    assert "SECRETVAL" not in str(info.value.detail)
    with pytest.raises(ValidationFailed) as unknown:
        get_engine_class("oracle")
    assert unknown.value.detail[0]["loc"] == ["body", "type"]
    assert "postgres" in unknown.value.detail[0]["msg"]


def test_bigquery_credentials_must_be_a_service_account() -> None:
    with pytest.raises(ValidationFailed):
        parse_config("bigquery", {"project": "p", "dataset": "d", "credentials_json": "{}"})


def test_scrub_removes_secrets_in_every_form() -> None:
    secret = "p@ss word/ü"
    text = (
        f"failed for {secret} at postgresql://bob:{secret}@h/db and "
        "password='other' and p%40ss+word%2F%C3%BC"
    )
    out = scrub(text, [secret, None, ""])
    assert secret not in out and "other" not in out and "p%40ss" not in out
    assert "bob" in out
    assert scrub("using password: YES", []) == "using password: YES"


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ('FATAL:  password authentication failed for user "u"', "authentication_failed"),
        (
            "(1045, \"Access denied for user 'root'@'x' (using password: YES)\")",
            "authentication_failed",
        ),
        ("Code: 193. DB::Exception: Wrong password for user x", "authentication_failed"),
        ("250001: Incorrect username or password was specified.", "authentication_failed"),
        ("Login failed for user 'sa'. (18456)", "authentication_failed"),
        ('FATAL:  database "x" does not exist', "database_missing"),
        ("(1049, \"Unknown database 'x'\")", "database_missing"),
        ("connection to server failed: Connection refused", "host_unreachable"),
        ('could not translate host name "nope" to address', "host_unreachable"),
        ("timeout expired", "timeout"),
        ("permission denied for schema s", "permission_denied"),
        ("something odd", "error"),
    ],
)
def test_classify(message: str, code: str) -> None:
    assert classify_message(message) == code


def test_convert_values() -> None:
    tz = dt.timezone(dt.timedelta(hours=2))
    assert to_json_value(dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=tz)) == "2024-01-02T03:04:05+02:00"
    assert to_json_value(dt.date(2024, 1, 2)) == "2024-01-02"
    assert to_json_value(uuid.UUID(int=1)) == "00000000-0000-0000-0000-000000000001"
    assert to_json_value(b"\x00\xff") == "AP8="
    assert to_json_value(float("nan")) is None and to_json_value(float("inf")) is None
    assert to_json_value(Decimal("NaN")) is None
    assert decimal_to_json(Decimal("12.50")) == 12.5
    assert decimal_to_json(Decimal("42")) == 42
    assert decimal_to_json(Decimal("0.1")) == 0.1
    assert decimal_to_json(Decimal("12345678901234567.89")) == "12345678901234567.89"
    assert decimal_to_json(Decimal("10") ** 20) == 1e20  # exact as a float
    assert decimal_to_json(Decimal("123456789012345678")) == "123456789012345678"
    assert to_json_value([Decimal("1.5"), {"a": dt.date(2024, 1, 1)}]) == [1.5, {"a": "2024-01-01"}]


@given(st.decimals(allow_nan=True, allow_infinity=True, places=None))
def test_decimal_conversion_never_loses_exactness(value: Decimal) -> None:
    out = decimal_to_json(value)
    if not value.is_finite():
        assert out is None
    elif isinstance(out, str):
        assert Decimal(out) == value
    else:
        assert out is not None and Decimal(repr(out)) == value
        assert not isinstance(out, float) or math.isfinite(out)


@pytest.mark.parametrize(
    ("native", "normalized"),
    [
        ("integer", "integer"),
        ("NUMBER(38,0)", "integer"),
        ("numeric(12,2)", "decimal"),
        ("character varying(20)", "string"),
        ("timestamp with time zone", "timestamp"),
        ("Nullable(DateTime64(3))", "timestamp"),
        ("LowCardinality(String)", "string"),
        ("UInt8", "integer"),
        ("double precision", "float"),
        ("boolean", "boolean"),
        ("bytea", "binary"),
        ("uuid", "uuid"),
        ("jsonb", "json"),
        ("text[]", "array"),
        ("time without time zone", "time"),
        ("date", "date"),
        ("interval", "interval"),
        ("point", "other"),
        ("FLOAT64", "float"),
        ("STRUCT<a INT64>", "json"),
    ],
)
def test_normalize_type(native: str, normalized: str) -> None:
    assert normalize_type(native) == normalized


def test_statement_checks() -> None:
    ensure_single_statement("SELECT ';' AS x; ", "postgres")
    ensure_read_only("WITH a AS (SELECT 1) SELECT * FROM a UNION SELECT 2", "snowflake")
    ensure_single_statement("SELECT 1 AS x", "postgres")  # the fast path: no ';' at all
    for sql in ("COMMIT; DROP TABLE t", "SELECT 1; SELECT 2", "   ;", "", "  ", "-- only a note"):
        with pytest.raises(BadRequest):
            ensure_single_statement(sql, "postgres")
    for sql in (
        "DELETE FROM t",
        "SELECT * INTO t2 FROM t",
        "CREATE TABLE t AS SELECT 1",
        "MERGE INTO t USING s ON t.a = s.a WHEN MATCHED THEN DELETE",
        "SELEC 1 FROM",
    ):
        with pytest.raises(BadRequest):
            ensure_read_only(sql, "tsql")


@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5)),
            st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
            st.one_of(st.none(), st.decimals(allow_nan=False), st.dates()),
        ),
        max_size=6,
    )
)
def test_convert_rows_fast_path_equals_value_by_value(rows: list[tuple[object, ...]]) -> None:
    """Plain batches are copied, others converted: both equal the value-by-value conversion."""
    expected = [[to_json_value(v) for v in row] for row in rows]
    plain = [row[:2] for row in rows]
    assert convert_rows(rows) == expected
    assert convert_rows(plain) == [row[:2] for row in expected]
    assert convert_rows(iter(plain)) == [row[:2] for row in expected]


def test_dump_json_keeps_dates_and_falls_back_for_what_orjson_refuses() -> None:
    utc = dt.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
    payload = {"at": utc, "day": dt.date(2026, 1, 2), "n": Decimal("1.50"), "é": [1, None]}
    assert dump_json(payload) == (
        '{"at":"2026-01-02T03:04:05.000006Z","day":"2026-01-02","n":"1.50","é":[1,null]}'
    )
    assert dump_json({"big": 2**70, 1: "x"}) == '{"big":1180591620717411303424,"1":"x"}'
