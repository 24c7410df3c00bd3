"""Bootstrap on real small databases: names people type, measures, key dimensions, relationships
verified on the data (declared foreign keys and ones inferred from names), role dimensions, and
the report of what was refused. SQL is proven by executing it against the data."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from nexatron.semantic.bootstrap import BootstrapResult, bootstrap, bootstrap_layer
from nexatron.semantic.compiler import compile_query
from nexatron.semantic.exprs import CompileError
from nexatron.semantic.model import SemanticLayer, SemanticQuery
from nexatron.semantic.probe import EngineProbe
from nexatron.semantic.validate import validate_layer
from nexatron.warehouse.base import Engine
from nexatron.warehouse.engines.duckdb import DuckDBConfig, DuckDBEngine
from nexatron.warehouse.engines.sqlite import SQLiteConfig, SQLiteEngine

# Shared prefix `ac`, camelCase, abbreviations, no foreign keys at all; branchNo has a value
# (99) that no branch has, so that guess must be refused.
ACCOUNTS = """
CREATE TABLE acCustomer (custNo INTEGER, custName VARCHAR, custCat VARCHAR, age INTEGER,
                         creditLimitAmt DECIMAL(10,2));
CREATE TABLE acBranch (branchNo INTEGER, branchNm VARCHAR);
CREATE TABLE acTxnStatus (statusCd VARCHAR, statusDesc VARCHAR);
CREATE TABLE acTransaction (txnId INTEGER, custNo INTEGER, branchNo INTEGER, statusCd VARCHAR,
                            txnAmt DECIMAL(12,2), qty INTEGER, txnDt DATE);
INSERT INTO acCustomer VALUES (1, 'Ann', 'Retail', 30, 100), (2, 'Bob', 'Business', 40, 900),
                              (3, 'Ann', 'Retail', 50, 300);
INSERT INTO acBranch VALUES (1, 'North'), (2, 'South');
INSERT INTO acTxnStatus VALUES ('P', 'Posted'), ('V', 'Void');
INSERT INTO acTransaction VALUES
  (10, 1, 1, 'P', 5.50, 1, DATE '2026-01-01'), (11, 2, 2, 'V', 7.50, 2, DATE '2026-01-02'),
  (12, 2, 99, 'P', 1.00, 3, DATE '2026-02-03'), (13, 3, 1, 'P', 4.00, 1, DATE '2026-02-04');
"""

AIRLINE = """
CREATE TABLE airports (code VARCHAR PRIMARY KEY, name VARCHAR, city VARCHAR);
CREATE TABLE flights (flight_id INTEGER PRIMARY KEY,
                      origin_airport_code VARCHAR REFERENCES airports(code),
                      destination_airport_code VARCHAR REFERENCES airports(code),
                      seats INTEGER, departed_on DATE);
INSERT INTO airports VALUES ('JFK', 'Kennedy', 'New York'), ('LHR', 'Heathrow', 'London'),
                            ('CDG', 'De Gaulle', 'Paris');
INSERT INTO flights VALUES (1, 'JFK', 'LHR', 200, DATE '2026-01-01'),
  (2, 'LHR', 'JFK', 180, DATE '2026-01-02'), (3, 'LHR', 'CDG', 120, DATE '2026-01-03'),
  (4, 'CDG', 'LHR', 100, DATE '2026-01-04');
"""


def _duckdb(tmp_path: Path, ddl: str) -> Path:
    path = tmp_path / "db.duckdb"
    con = duckdb.connect(str(path))
    con.execute(ddl)
    con.close()
    return path


@pytest.fixture
def accounts(tmp_path: Path) -> Iterator[tuple[BootstrapResult, Path]]:
    path = _duckdb(tmp_path, ACCOUNTS)
    engine = DuckDBEngine(DuckDBConfig(path=str(path)))
    try:
        result = bootstrap(engine.introspect(), SemanticLayer(), EngineProbe(engine))
    finally:
        engine.dispose()
    yield result, path


def _run(path: Path, layer: SemanticLayer, query: SemanticQuery) -> list[tuple[object, ...]]:
    sql = compile_query(layer, query, "duckdb").sql
    con = duckdb.connect(str(path), read_only=True)
    try:
        return sorted(con.execute(sql).fetchall(), key=repr)
    finally:
        con.close()


def _gold(path: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return sorted(con.execute(sql).fetchall(), key=repr)
    finally:
        con.close()


def test_names_people_type_from_a_prefixed_camel_case_schema(
    accounts: tuple[BootstrapResult, Path],
) -> None:
    result, _ = accounts
    layer = result.layer
    assert result.report.prefix == "ac"
    count = layer.metric("transactions")
    assert count is not None and count.agg == "count" and count.table == "acTransaction"
    assert count.label == "Number of transactions" and "transaction count" in count.synonyms
    assert layer.metric("transaction_statuses") is not None
    amount = layer.metric("total_transaction_amount")
    assert amount is not None and amount.expr == '"txnAmt"' and amount.format.kind == "currency"
    assert count.time_dimension == "transaction_date"
    name = layer.dimension("customer_name")
    assert name is not None and name.expr == '"custName"' and "cust name" in name.synonyms
    assert layer.dimension("customer_category") is not None
    assert not validate_layer(layer, None)


def test_measures_on_every_numeric_column_but_ids(accounts: tuple[BootstrapResult, Path]) -> None:
    layer = accounts[0].layer
    measured = {(m.expr, m.agg) for m in layer.metrics if m.expr}
    # age is measured (average, highest, lowest) but never summed
    assert {("age", "avg"), ("age", "max"), ("age", "min")} <= measured
    assert ("age", "sum") not in measured
    assert ("qty", "sum") in measured
    assert not any(expr in ('"custNo"', '"txnId"', '"branchNo"') for expr, _ in measured)
    key = layer.dimension("customer_number")
    assert key is not None and key.type == "number" and key.expr == '"custNo"'
    age = layer.dimension("age")
    assert age is not None and age.type == "number"  # filters and listings on age


def test_relationships_inferred_from_names_are_verified(
    accounts: tuple[BootstrapResult, Path],
) -> None:
    result, path = accounts
    rels = {(r.from_table, r.from_columns[0], r.to_table) for r in result.layer.relationships}
    assert ("acTransaction", "custNo", "acCustomer") in rels
    assert ("acTransaction", "statusCd", "acTxnStatus") in rels
    # branchNo 99 is not a branch: not declared, and the report says why
    assert not any(r[1] == "branchNo" for r in rels)
    refused = [r for r in result.report.refused if r.kind == "relationship"]
    assert any("branchNo" in r.name and "1 of 4 sampled values" in r.reason for r in refused)
    # the join is real: amounts per customer name (two customers named Ann stay one name here)
    got = _run(
        path,
        result.layer,
        SemanticQuery(metrics=["total_transaction_amount"], dimensions=["customer_name"]),
    )
    gold = _gold(
        path,
        "SELECT c.custName, sum(t.txnAmt) FROM acTransaction t JOIN acCustomer c ON t.custNo = "
        "c.custNo GROUP BY 1",
    )
    assert [(a, float(b)) for a, b in got] == [(a, float(b)) for a, b in gold]


def test_without_a_probe_only_foreign_keys_to_primary_keys_are_declared(tmp_path: Path) -> None:
    path = _duckdb(tmp_path, ACCOUNTS)
    engine = DuckDBEngine(DuckDBConfig(path=str(path)))
    try:
        layer = bootstrap_layer(engine.introspect(), SemanticLayer())
    finally:
        engine.dispose()
    assert layer.relationships == []


def test_two_foreign_keys_to_one_table_become_role_dimensions(tmp_path: Path) -> None:
    path = _duckdb(tmp_path, AIRLINE)
    engine = DuckDBEngine(DuckDBConfig(path=str(path)))
    try:
        result = bootstrap(engine.introspect(), SemanticLayer(), EngineProbe(engine))
    finally:
        engine.dispose()
    layer = result.layer
    origin = layer.dimension("origin_airport_name")
    destination = layer.dimension("destination_airport_city")
    assert origin is not None and origin.via and "origin airport" in origin.synonyms
    assert destination is not None and destination.via
    got = _run(path, layer, SemanticQuery(metrics=["flights"], dimensions=["origin_airport_name"]))
    assert got == _gold(
        path,
        "SELECT a.name, count(*) FROM flights f JOIN airports a ON f.origin_airport_code = a.code "
        "GROUP BY 1",
    )
    both = _run(
        path,
        layer,
        SemanticQuery(
            metrics=["total_seats"],
            dimensions=["origin_airport_city", "destination_airport_city"],
        ),
    )
    assert both == _gold(
        path,
        "SELECT o.city, d.city, sum(seats) FROM flights f JOIN airports o ON "
        "f.origin_airport_code = o.code JOIN airports d ON f.destination_airport_code = d.code "
        "GROUP BY 1, 2",
    )
    # the plain airport name stays ambiguous from flights: refused, never a guess
    with pytest.raises(CompileError) as err:
        compile_query(
            layer, SemanticQuery(metrics=["flights"], dimensions=["airport_name"]), "duckdb"
        )
    assert err.value.detail["code"] == "ambiguous_join"


def test_foreign_key_to_a_non_unique_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite"
    con = sqlite3.connect(path)
    con.executescript(
        """
        CREATE TABLE regions (id INTEGER PRIMARY KEY, code TEXT, name TEXT);
        CREATE TABLE stores (id INTEGER PRIMARY KEY, region_code TEXT REFERENCES regions(code),
                             region_id INTEGER REFERENCES regions(id), sales REAL);
        INSERT INTO regions VALUES (1, 'N', 'North'), (2, 'N', 'North East'), (3, 'S', 'South');
        INSERT INTO stores VALUES (1, 'N', 1, 10.0), (2, 'S', 3, 20.0);
        """
    )
    con.commit()
    con.close()
    engine: Engine = SQLiteEngine(SQLiteConfig(path=str(path)))
    try:
        result = bootstrap(engine.introspect(), SemanticLayer(), EngineProbe(engine))
    finally:
        engine.dispose()
    rels = [(r.from_columns, r.to_columns) for r in result.layer.relationships]
    assert rels == [(["region_id"], ["id"])]
    refused = [r for r in result.report.refused if r.kind == "relationship"]
    assert len(refused) == 1 and "region_code" in refused[0].name
    assert "not unique" in refused[0].reason
    declared = [d for d in result.report.declared if d.kind == "relationship"]
    assert declared and "foreign key" in declared[0].reason


def test_text_dimensions_answer_to_their_short_forms(
    accounts: tuple[BootstrapResult, Path],
) -> None:
    layer = accounts[0].layer
    category = layer.dimension("customer_category")
    assert category is not None and "category" in category.synonyms  # entity dropped
    status = layer.dimension("status_description")
    assert status is not None and "status" in status.synonyms  # generic tail dropped
    name = layer.dimension("customer_name")
    # not "customer" (that is the entity, read as such); "name" as the entity's own name, so
    # "the names of customers in ..." lists it (a dimension on the question's table wins)
    assert name is not None and "customer" not in name.synonyms and "name" in name.synonyms


def test_a_role_dimension_must_name_a_relationship() -> None:
    layer = SemanticLayer.model_validate(
        {
            "metrics": [{"name": "flights", "table": "flights", "agg": "count"}],
            "dimensions": [
                {"name": "origin_city", "table": "airports", "expr": "city", "via": "nowhere"}
            ],
        }
    )
    errors = validate_layer(layer, None)
    assert [e["loc"][-1] for e in errors] == ["via"] and "nowhere" in errors[0]["msg"]
