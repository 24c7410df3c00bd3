"""Lexicon building: speed, morphology, aliases and typo bounds."""

from __future__ import annotations

import time

from nexatron.nlq import build_lexicon
from nexatron.nlq.fuzzy import FuzzyIndex
from nexatron.nlq.lexicon import strip_agg
from nexatron.nlq.text import key_of, read_number, stem
from nexatron.semantic.model import Dimension, Metric, SemanticLayer


def test_morphology() -> None:
    assert stem("categories") == stem("category")
    assert stem("shipped") == stem("ship")
    assert key_of("Number of Orders") == ("number", "of", "order")
    assert strip_agg(["number", "of", "orders"]) == ["orders"]
    assert strip_agg(["revenue", "total"]) == ["revenue"]
    assert read_number("$1,200.5") == (1200.5, "$", False)
    assert read_number("2.5k") == (2500.0, "", False)


def test_typo_bounds() -> None:
    idx = FuzzyIndex(["revenue", "country", "department", "stage"])
    assert idx.closest("revnue") == ["revenue"]
    assert idx.closest("departmnet") == ["department"]
    assert idx.closest("stag") == []  # too short to correct
    assert idx.closest("xyzzy") == []


def test_bootstrap_names_are_understood() -> None:
    layer = SemanticLayer(
        metrics=[
            Metric(name="orders_count", label="Number of orders", table="orders", agg="count"),
            Metric(
                name="total_amount", label="Total amount", table="orders", agg="sum", expr="amount"
            ),
        ],
        dimensions=[Dimension(name="status", label="Status", table="orders", expr="status")],
    )
    lex = build_lexicon(layer, {"status": ["shipped", "Cancelled"]})
    assert {e.target for e in lex.lookup(key_of("orders"))} >= {"orders_count"}
    assert {e.target for e in lex.lookup(key_of("amount"))} == {"total_amount"}
    assert lex.values["cancelled"] == [("status", "Cancelled")]


def test_build_is_fast_for_a_large_layer() -> None:
    metrics = [
        Metric(name=f"m_{i}", label=f"Metric {i} total", table=f"t{i % 9}", agg="sum", expr=f"c{i}")
        for i in range(250)
    ]
    dims = [
        Dimension(name=f"d_{i}", label=f"Dim {i}", table=f"t{i % 9}", expr=f"c{i}")
        for i in range(250)
    ]
    values = {f"d_{i}": [f"value {i} {j}" for j in range(200)] for i in range(250)}
    # This process's CPU time, not the wall clock: a loaded machine (both passes of scripts/test
    # at once, other jobs) stretched the wall time past the limit (2.02 s) with the same work.
    start = time.process_time()
    lex = build_lexicon(SemanticLayer(metrics=metrics, dimensions=dims), values)
    assert (
        time.process_time() - start < 2.0
    )  # generous for shared CI; bench/bench_parse.py measures
    assert len(lex.values) == 50_000
