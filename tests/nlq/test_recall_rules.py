"""Recall rules of round 3, on a small orchard layer (bootstrap-style and hand-written names):
yes/no adjectives, 'how many <noun>', frequency rankings, light verbs, word roots, value
predicates, four-letter typos, compared periods, copula filters, filtered metrics' own dates,
reachable readings, date-part words inside names and nouns described by a value."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pytest

from nexatron.nlq import Clarification, DateContext, Lexicon, Refusal, build_lexicon, understand
from nexatron.semantic.compiler import compile_query
from nexatron.semantic.model import SemanticLayer

_H = {"table": "harvests", "time_dimension": "picked_on"}
_I = {"table": "inspections", "time_dimension": "inspected_on"}
LAYER: dict[str, Any] = {
    "metrics": [
        {"name": "harvests_count", "label": "Number of harvests", "agg": "count", **_H},
        {"name": "total_weight", "label": "Total weight", "agg": "sum", "expr": "weight", **_H},
        {"name": "income", "label": "Income", "synonyms": ["earnings"], "agg": "sum"}
        | {"expr": "price", **_H, "format": {"kind": "currency", "currency": "EUR"}},
        {"name": "fees", "label": "Picking fees", "synonyms": ["billing"], "agg": "sum"}
        | {"expr": "fee", **_H, "format": {"kind": "currency", "currency": "EUR"}},
        {"name": "avg_hourly_yield", "label": "Average hourly yield", "agg": "avg"}
        | {"expr": "yield_per_hour", **_H},
        {"name": "crate_earnings", "label": "Crate earnings", "table": "crates", "agg": "sum"}
        | {"expr": "crate_price", "format": {"kind": "currency", "currency": "EUR"}},
        {"name": "trees_count", "label": "Number of trees", "table": "trees", "agg": "count"}
        | {"time_dimension": "rollout_date"},
        {"name": "orchards_count", "label": "Number of orchards", "table": "orchards"}
        | {"agg": "count"},
        {"name": "inspections", "label": "Inspections", "agg": "count", **_I},
        {"name": "failed_inspections", "label": "Failed inspections", "synonyms": ["failures"]}
        | {"agg": "count", "table": "inspections", "time_dimension": "closure_date"}
        | {"filter": [{"field": "result", "op": "=", "values": ["Failed"]}]},
        {"name": "visits", "label": "Visits", "table": "visits", "agg": "count"}
        | {"time_dimension": "visited_on"},
    ],
    "dimensions": [
        {"name": "picked_on", "label": "Picked on", "type": "time", "table": "harvests"}
        | {"expr": "picked_on"},
        {"name": "payment_method", "label": "Payment method", "table": "harvests"}
        | {"expr": "payment_method"},
        {"name": "crate_size", "label": "Crate size", "table": "crates", "expr": "crate_size"},
        {"name": "tree_name", "label": "Tree name", "table": "trees", "expr": "tree_name"},
        {"name": "variety", "label": "Variety", "table": "trees", "expr": "variety"},
        {"name": "is_organic", "label": "Is organic", "type": "boolean", "table": "trees"}
        | {"expr": "is_organic"},
        {"name": "rollout_date", "label": "Rollout date", "type": "time", "table": "trees"}
        | {"expr": "rollout_date"},
        {"name": "orchard_name", "label": "Orchard name", "table": "orchards"}
        | {"expr": "orchard_name"},
        {"name": "irrigated", "label": "Irrigated orchard", "synonyms": ["irrigated"]}
        | {"type": "boolean", "table": "orchards", "expr": "has_irrigation"},
        {"name": "result", "label": "Result", "table": "inspections", "expr": "result"},
        {"name": "inspected_on", "label": "Inspected on", "type": "time"}
        | {"table": "inspections", "expr": "inspected_on"},
        {"name": "closure_date", "label": "Closure date", "type": "time"}
        | {"table": "inspections", "expr": "closed_on"},
        {"name": "visited_on", "label": "Visited on", "type": "time", "table": "visits"}
        | {"expr": "visited_on"},
    ],
    "relationships": [
        {"from_table": "harvests", "from_columns": ["tree_id"], "to_table": "trees"}
        | {"to_columns": ["tree_id"]},
        {"from_table": "trees", "from_columns": ["orchard_id"], "to_table": "orchards"}
        | {"to_columns": ["orchard_id"]},
        {"from_table": "crates", "from_columns": ["harvest_id"], "to_table": "harvests"}
        | {"to_columns": ["harvest_id"]},
        {"from_table": "inspections", "from_columns": ["orchard_id"], "to_table": "orchards"}
        | {"to_columns": ["orchard_id"]},
        {"from_table": "visits", "from_columns": ["orchard_id"], "to_table": "orchards"}
        | {"to_columns": ["orchard_id"]},
    ],
}
VALUES = {
    "payment_method": ["Card", "Cash"],
    "crate_size": ["Small", "Large"],
    "tree_name": ["T1", "T2", "T3"],
    "variety": ["Fuji", "Gala"],
    "orchard_name": ["Hillside", "Riverbank"],
    "result": ["Passed", "Failed"],
}


@pytest.fixture(scope="module")
def layer() -> SemanticLayer:
    return SemanticLayer.model_validate(LAYER)


@pytest.fixture(scope="module")
def orchard(layer: SemanticLayer) -> Lexicon:
    return build_lexicon(layer, VALUES)


@pytest.fixture(scope="module")
def ctx() -> DateContext:
    return DateContext(now=dt.datetime(2026, 3, 15, 12, tzinfo=dt.UTC))


def ask(text: str, lex: Lexicon, ctx: DateContext) -> dict[str, Any]:
    return understand(text, lex, ctx=ctx).query.model_dump(exclude_defaults=True, mode="json")


def filters(q: dict[str, Any]) -> dict[str, tuple[str, list[Any]]]:
    return {f["field"]: (f.get("op", "="), f["values"]) for f in q.get("filters", [])}


def refused(text: str, lex: Lexicon, ctx: DateContext) -> None:
    with pytest.raises((Refusal, Clarification)):
        understand(text, lex, ctx=ctx)


def test_yes_no_adjective_from_a_flag_name(orchard: Lexicon, ctx: DateContext) -> None:
    q = ask("how many organic trees", orchard, ctx)
    assert q["metrics"] == ["trees_count"] and filters(q) == {"is_organic": ("=", [True])}
    q = ask("total weight for organic trees", orchard, ctx)
    assert q["metrics"] == ["total_weight"] and filters(q) == {"is_organic": ("=", [True])}


def test_count_cue_names_the_tables_count(orchard: Lexicon, ctx: DateContext) -> None:
    q = ask("how many irrigated orchards do we have?", orchard, ctx)
    assert q["metrics"] == ["orchards_count"] and filters(q) == {"irrigated": ("=", [True])}


def test_frequency_ranking_counts_rows(orchard: Lexicon, ctx: DateContext) -> None:
    q = ask("which variety is the most common", orchard, ctx)
    assert q["metrics"] == ["trees_count"] and q["dimensions"] == ["variety"]
    assert q["order"] == [{"field": "trees_count", "desc": True}] and q["limit"] == 1
    q = ask("what's the busiest tree?", orchard, ctx)
    assert q["metrics"] == ["harvests_count"] and q["dimensions"] == ["tree_name"]
    with pytest.raises(Clarification):  # inspections and visits are equally near
        understand("which orchard is the busiest", orchard, ctx=ctx)
    refused("which variety is the highest", orchard, ctx)
    refused("which variety spends the most", orchard, ctx)  # never read as 'sends'


def test_light_verbs_only_from_the_closed_list(orchard: Lexicon, ctx: DateContext) -> None:
    q = ask("how much income did we collect last year?", orchard, ctx)
    assert q["metrics"] == ["income"] and q["time"]["range"]["start"] == "2025-01-01"
    assert ask("total weight of Fuji sold in 2025", orchard, ctx)["metrics"] == ["total_weight"]
    refused("how many trees did we lose last year", orchard, ctx)
    refused("how many harvests did we cancel", orchard, ctx)


def test_word_roots(orchard: Lexicon, ctx: DateContext) -> None:
    q = ask("how much did we bill in 2025", orchard, ctx)
    assert q["metrics"] == ["fees"]
    q = ask("how many trees rolled out in 2024", orchard, ctx)
    assert q["time"]["dimension"] == "rollout_date" and q["metrics"] == ["trees_count"]
    q = ask("inspections closing in 2025", orchard, ctx)
    assert q["time"]["dimension"] == "closure_date"


def test_verb_of_a_values_dimension(orchard: Lexicon, ctx: DateContext) -> None:
    q = ask("number of harvests paid by card", orchard, ctx)
    assert filters(q) == {"payment_method": ("=", ["Card"])}
    refused("number of harvests sorted by card", orchard, ctx)


def test_four_letter_typos_need_a_neighbour(orchard: Lexicon, ctx: DateContext) -> None:
    q = ask("toal weight by crate szie", orchard, ctx)
    assert q["metrics"] == ["total_weight"] and q["dimensions"] == ["crate_size"]
    refused("total weight by szie", orchard, ctx)


def test_compared_periods(orchard: Lexicon, ctx: DateContext) -> None:
    q = ask("total weight in 2024 vs 2025", orchard, ctx)
    assert q["time"]["grain"] == "year"
    assert q["time"]["range"]["start"] == "2024-01-01" and q["time"]["range"]["end"] == "2026-01-01"
    refused("total weight in 2023 vs 2025", orchard, ctx)
    refused("total weight in 2024 and last month", orchard, ctx)


def test_copula_reads_a_filtered_count_as_its_filter(orchard: Lexicon, ctx: DateContext) -> None:
    q = ask("how many inspections were failures", orchard, ctx)
    assert q["metrics"] == ["inspections"] and filters(q) == {"result": ("=", ["Failed"])}


def test_filtered_metric_keeps_its_own_date(orchard: Lexicon, ctx: DateContext) -> None:
    q = ask("how many inspections were failures in 2025", orchard, ctx)
    assert q["metrics"] == ["failed_inspections"] and "filters" not in q
    q = ask("how many inspections were Failed last year", orchard, ctx)
    assert q["metrics"] == ["failed_inspections"]


def test_weaker_reading_that_reaches_the_grouping(orchard: Lexicon, ctx: DateContext) -> None:
    q = ask("earnings by crate size", orchard, ctx)
    assert q["metrics"] == ["crate_earnings"]
    assert ask("earnings by variety", orchard, ctx)["metrics"] == ["income"]


def test_date_part_word_inside_a_name(orchard: Lexicon, ctx: DateContext) -> None:
    q = ask("average hourly yield by variety", orchard, ctx)
    assert q["metrics"] == ["avg_hourly_yield"]
    refused("harvests by hour", orchard, ctx)


def test_noun_described_by_a_value(orchard: Lexicon, ctx: DateContext) -> None:
    q = ask("total weight for Fuji variety trees", orchard, ctx)
    assert q["metrics"] == ["total_weight"] and filters(q) == {"variety": ("=", ["Fuji"])}
    refused("total weight for new trees", orchard, ctx)


def _db(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE orchards (orchard_id INT, orchard_name TEXT, has_irrigation BOOL)")
    con.execute(
        "CREATE TABLE trees (tree_id INT, orchard_id INT, tree_name TEXT, variety TEXT,"
        " is_organic BOOL, rollout_date DATE)"
    )
    con.execute(
        "CREATE TABLE harvests (harvest_id INT, tree_id INT, picked_on DATE, weight INT,"
        " price INT, fee INT, yield_per_hour INT, payment_method TEXT)"
    )
    con.execute("INSERT INTO orchards VALUES (1, 'Hillside', true), (2, 'Riverbank', false)")
    con.execute(
        "INSERT INTO trees VALUES (1, 1, 'T1', 'Fuji', true, '2024-02-01'),"
        " (2, 1, 'T2', 'Gala', false, '2024-03-01'), (3, 2, 'T3', 'Gala', true, '2025-01-01')"
    )
    con.execute(
        "INSERT INTO harvests VALUES (1, 1, '2024-05-01', 10, 5, 1, 3, 'Card'),"
        " (2, 2, '2024-06-01', 20, 6, 1, 3, 'Cash'), (3, 3, '2025-05-01', 40, 7, 1, 3, 'Card'),"
        " (4, 3, '2025-07-01', 5, 8, 1, 3, 'Card'), (5, 1, '2023-07-01', 100, 9, 1, 3, 'Cash'),"
        " (6, 1, '2022-01-01', 1, 1, 1, 3, 'Cash')"
    )
    return con


def test_new_readings_execute_to_the_right_rows(
    orchard: Lexicon, layer: SemanticLayer, ctx: DateContext, tmp_path: Path
) -> None:
    con = _db(tmp_path / "orchard.duckdb")
    cases = {
        "which variety is the most common": [("Gala", 2)],
        "total weight in 2024 vs 2025": [(dt.date(2024, 1, 1), 30), (dt.date(2025, 1, 1), 45)],
        "total weight for organic trees": [(156,)],
        "what's the busiest tree?": [("T1", 3)],
    }
    for text, want in cases.items():
        plan = understand(text, orchard, ctx=ctx)
        rows = con.execute(compile_query(layer, plan.query, "duckdb").sql).fetchall()
        got = sorted(tuple(c.date() if isinstance(c, dt.datetime) else c for c in r) for r in rows)
        assert got == sorted(want), text
    con.close()
