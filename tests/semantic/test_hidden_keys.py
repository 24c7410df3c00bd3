"""`SemanticQuery.keys`: grouped by but not shown, so two rows with the same label stay apart."""

from __future__ import annotations

import pytest

from nexatron.semantic.compiler import compile_query
from nexatron.semantic.model import Dimension, SemanticLayer, SemanticQuery

from .engines import Db, norm

ENGINES = ["duckdb", "postgres", "mysql", "sqlite"]


@pytest.fixture(scope="module")
def keyed(shop_layer: SemanticLayer) -> SemanticLayer:
    key = Dimension(name="customer_key", table="customers", expr="id", type="number")
    return shop_layer.model_copy(update={"dimensions": [*shop_layer.dimensions, key]})


@pytest.mark.parametrize("engine", ENGINES)
def test_rows_stay_apart_by_a_key_that_is_not_shown(
    engine: str, dbs: dict[str, Db], keyed: SemanticLayer
) -> None:
    db = dbs[engine]
    query = SemanticQuery(metrics=["orders_count"], dimensions=["segment"], keys=["customer_key"])
    compiled = compile_query(keyed, query, db.dialect)
    assert [c.name for c in compiled.columns] == ["segment", "orders_count"]
    gold = (
        "SELECT c.segment, count(*) FROM orders o LEFT JOIN customers c ON o.customer_id = c.id"
        " GROUP BY c.id, c.segment"
    )
    assert norm(db.query(compiled.sql)) == norm(dbs["duckdb"].query(gold))
    merged = SemanticQuery(metrics=["orders_count"], dimensions=["segment"])
    assert len(db.query(compile_query(keyed, merged, db.dialect).sql)) < len(db.query(compiled.sql))


def test_an_unknown_key_is_refused(keyed: SemanticLayer) -> None:
    from nexatron.semantic.exprs import CompileError

    with pytest.raises(CompileError):
        compile_query(keyed, SemanticQuery(metrics=["orders_count"], keys=["nope"]), "duckdb")
