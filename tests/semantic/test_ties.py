"""A top-N cut by a metric keeps every row tied with the last one (RANK, not LIMIT), on every
engine, and the answer says so in its warnings."""

from __future__ import annotations

import pytest

from nexatron.answer.warnings import tie_warning
from nexatron.semantic.compiler import compile_query
from nexatron.semantic.model import SemanticLayer, SemanticQuery

from .engines import Db, norm

ENGINES = ["duckdb", "postgres", "mysql", "sqlite"]


def _top(limit: int, desc: bool = True) -> SemanticQuery:
    return SemanticQuery.model_validate(
        {
            "metrics": ["customers_count"],
            "dimensions": ["segment"],
            "order": [{"field": "customers_count", "desc": desc}],
            "limit": limit,
        }
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_the_tied_rows_at_the_cut_are_all_kept(
    engine: str, dbs: dict[str, Db], shop_layer: SemanticLayer
) -> None:
    db = dbs[engine]
    # segments: Corporate 14, Small Biz 13, Consumer 13 -> the bottom one is a tie of two
    bottom = compile_query(shop_layer, _top(1, desc=False), db.dialect, row_cap=100)
    assert norm(db.query(bottom.sql), ordered=True) == [("Consumer", 13), ("Small Biz", 13)]
    top = compile_query(shop_layer, _top(1), db.dialect, row_cap=100)
    assert norm(db.query(top.sql), ordered=True) == [("Corporate", 14)]
    two = compile_query(shop_layer, _top(2), db.dialect, row_cap=100)
    assert len(db.query(two.sql)) == 3  # 14, then 13 twice


def test_the_row_cap_still_applies(shop_layer: SemanticLayer, dbs: dict[str, Db]) -> None:
    compiled = compile_query(shop_layer, _top(2), "duckdb", row_cap=2)
    assert len(dbs["duckdb"].query(compiled.sql)) == 2


def test_a_limit_without_a_metric_order_is_a_plain_limit(shop_layer: SemanticLayer) -> None:
    query = SemanticQuery.model_validate({"dimensions": ["segment"], "limit": 2})
    sql = compile_query(shop_layer, query, "duckdb").sql
    assert "RANK()" not in sql and sql.endswith("LIMIT 2")


def test_the_warning_says_which_rows_were_kept(shop_layer: SemanticLayer) -> None:
    query = _top(1, desc=False)
    columns = compile_query(shop_layer, query, "duckdb").columns
    tied = [["Consumer", 13], ["Small Biz", 13]]
    message = tie_warning(query, columns, tied, "en_US")
    assert message is not None and "2 rows tie for the bottom" in message
    assert "all of them are shown" in message
    assert tie_warning(query, columns, tied[:1], "en_US") is None
    two = _top(2)
    message = tie_warning(two, columns, [["a", 14], ["b", 13], ["c", 13]], "en_US")
    assert message is not None and "all 3 rows tied at the cut" in message
