"""A count nobody asked for is announced (issue 12): 'sandy plots in the shade' names rows
and values of them but no count word; it is answered with their number, and the answer says a
list of the rows may be meant. A question with a count word, or read as a listing, is not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from nexatron.evaluation.run import value_index
from nexatron.nlq.lexicon import Lexicon, build_lexicon
from nexatron.nlq.understand import understand
from nexatron.semantic.bootstrap import bootstrap
from nexatron.semantic.compiler import compile_query
from nexatron.semantic.dates import DateContext
from nexatron.semantic.model import SemanticLayer
from nexatron.semantic.probe import EngineProbe
from nexatron.warehouse.engines.duckdb import DuckDBConfig, DuckDBEngine

GARDEN = """
CREATE TABLE plot (plotId INTEGER, plotNm VARCHAR, soilKind VARCHAR, lightKind VARCHAR,
  sizeSqft INTEGER);
INSERT INTO plot VALUES (1, 'Upper', 'Sandy', 'Shade', 120), (2, 'Lower', 'Sandy', 'Sun', 80),
  (3, 'Orchard', 'Loam', 'Shade', 300), (4, 'Border', 'Sandy', 'Shade', 40),
  (5, 'Pond side', 'Peat', 'Sun', 60);
"""
CTX = DateContext(now=dt.datetime(2026, 6, 17, tzinfo=dt.UTC), timezone="UTC")
ANNOUNCED = "answered with the number of rows that match"


def _setup(tmp_path: Path) -> tuple[SemanticLayer, Lexicon, Path]:
    path = tmp_path / "garden.duckdb"
    con = duckdb.connect(str(path))
    con.execute(GARDEN)
    con.close()
    engine = DuckDBEngine(DuckDBConfig(path=str(path)))
    try:
        layer = bootstrap(engine.introspect(), SemanticLayer(), EngineProbe(engine)).layer
    finally:
        engine.dispose()
    con = duckdb.connect(str(path), read_only=True)
    try:
        lex = build_lexicon(layer, value_index(con, layer))
    finally:
        con.close()
    return layer, lex, path


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return sorted(con.execute(sql).fetchall(), key=repr)
    finally:
        con.close()


def test_rows_narrowed_by_values_with_no_count_word_are_announced(tmp_path: Path) -> None:
    layer, lex, path = _setup(tmp_path)
    plan = understand("sandy plots in the shade", lex, ctx=CTX)
    assert any(ANNOUNCED in a for a in plan.assumptions)
    got = _rows(path, compile_query(layer, plan.query, "duckdb").sql)
    gold = "SELECT count(*) FROM plot WHERE soilKind = 'Sandy' AND lightKind = 'Shade'"
    assert got == _rows(path, gold)


def test_a_count_word_or_a_listing_is_not_announced_as_a_count(tmp_path: Path) -> None:
    layer, lex, path = _setup(tmp_path)
    plan = understand("how many sandy plots are there", lex, ctx=CTX)
    assert not any(ANNOUNCED in a for a in plan.assumptions)
    got = _rows(path, compile_query(layer, plan.query, "duckdb").sql)
    assert got == _rows(path, "SELECT count(*) FROM plot WHERE soilKind = 'Sandy'")
    plan = understand("list the sandy plots", lex, ctx=CTX)
    assert plan.query.columns
    assert not any(ANNOUNCED in a for a in plan.assumptions)
