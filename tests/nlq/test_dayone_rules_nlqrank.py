"""Ranking, aggregate and time rules of issue 12 (branch nlqrank) on a small lighthouse database
bootstrapped with no hand edits: each question is parsed, compiled, executed on DuckDB and
compared with hand-written SQL, or its refusal or warning is checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from nexatron.evaluation.compare import rows_match
from nexatron.evaluation.datasets import bootstrap_duckdb
from nexatron.nlq import Clarification, DateContext, Refusal, build_lexicon
from nexatron.semantic.compiler import compile_query
from nexatron.semantic.model import SemanticLayer

from .bootstrapped import BootstrappedDb, open_bootstrapped

CTX = DateContext(now=dt.datetime(2026, 9, 9, 15, tzinfo=dt.UTC))  # a Wednesday

_SCHEMA = [
    "CREATE TABLE keepers (keeper_id INTEGER PRIMARY KEY, keeper_name VARCHAR, hired_on DATE)",
    "CREATE TABLE lighthouses (lighthouse_id INTEGER PRIMARY KEY, lighthouse_name VARCHAR,"
    " coast VARCHAR, lamp_weight_kg DECIMAL(8, 1), built_year INTEGER,"
    " tower_height_m DECIMAL(6, 1), keeper_id INTEGER REFERENCES keepers (keeper_id))",
    "CREATE TABLE inspections (inspection_id INTEGER PRIMARY KEY,"
    " lighthouse_id INTEGER REFERENCES lighthouses (lighthouse_id), inspected_on DATE,"
    " defects INTEGER)",
]


def _fill(con: duckdb.DuckDBPyConnection) -> None:
    for k in range(1, 6):
        con.execute(
            "INSERT INTO keepers VALUES (?, ?, ?)",
            [k, f"Keeper {k}", dt.date(2010, 1, 1) + dt.timedelta(days=400 * k)],
        )
    coasts = ["North", "South", "West"]
    # heights: two towers share the tallest (61.0) and two the second tallest (55.5)
    heights = [40.0, 61.0, 55.5, 33.0, 61.0, 55.5, 48.0, 29.5, 52.0, 44.0, 38.5, 50.0]
    for h in range(1, 13):
        con.execute(
            "INSERT INTO lighthouses VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                h,
                f"Light {h}",
                coasts[h % 3],
                100 + (h * 37) % 250,
                1820 + (h * 13) % 90,
                heights[h - 1],
                1 + h % 5,
            ],
        )
    today = dt.date(2026, 9, 9)
    for i in range(1, 91):
        day = today - dt.timedelta(days=i % 45)
        con.execute(
            "INSERT INTO inspections VALUES (?, ?, ?, ?)", [i, 1 + (i * 7) % 12, day, i % 4]
        )


Lights = BootstrappedDb


@pytest.fixture(scope="module")
def lights(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lights]:
    yield from open_bootstrapped(tmp_path_factory.mktemp("lights"), _SCHEMA, [_fill], CTX)


def refused(lights: Lights, question: str) -> None:
    with pytest.raises((Refusal, Clarification)):
        lights.plan(question)


# --- time: 'last N days' is today and the N days before it -------------------------------


@pytest.mark.parametrize(
    ("question", "days"), [("inspections in the last 10 days", 10), ("previous 3 days", 3)]
)
def test_last_n_days_is_today_and_the_n_days_before_it(
    lights: Lights, question: str, days: int
) -> None:
    question = question if "inspections" in question else f"inspections over the {question}"
    start = dt.date(2026, 9, 9) - dt.timedelta(days=days)
    gold = f"SELECT count(*) FROM inspections WHERE inspected_on >= DATE '{start}'"
    assert lights.matches(question, gold)
    plan = lights.plan(question)
    assert plan.query.time is not None and plan.query.time.range is not None
    assert plan.query.time.range.start == start
    assert f"today and the {days} days before it" in (plan.query.time.range.label or "")


def test_past_n_days_stays_the_n_days_ending_today(lights: Lights) -> None:
    gold = "SELECT count(*) FROM inspections WHERE inspected_on >= DATE '2026-08-31'"
    assert lights.matches("inspections in the past 10 days", gold)


# --- aggregates: superlatives read by the column -------------------------------------------


def test_oldest_and_newest_of_a_year_column_are_its_smallest_and_largest(lights: Lights) -> None:
    gold = "SELECT min(built_year), max(built_year) FROM lighthouses"
    assert lights.matches("the oldest and newest built year", gold)
    assert lights.matches("earliest built year", "SELECT min(built_year) FROM lighthouses")


def test_a_year_column_keeps_number_words_for_number_superlatives(lights: Lights) -> None:
    gold = "SELECT max(built_year) FROM lighthouses"
    assert lights.matches("the highest built year", gold)


def test_heaviest_and_lightest_with_a_value_of_the_rows_between(lights: Lights) -> None:
    gold = "SELECT max(lamp_weight_kg), min(lamp_weight_kg) FROM lighthouses WHERE coast = 'North'"
    assert lights.matches("heaviest and lightest North lamp weight", gold)
    plan = lights.plan("heaviest and lightest North lamp weight")
    assert [f.field for f in plan.query.filters] == ["coast"]


def test_an_average_with_a_value_between_is_the_filtered_average(lights: Lights) -> None:
    gold = "SELECT avg(tower_height_m) FROM lighthouses WHERE coast = 'West'"
    assert lights.matches("average West tower height", gold)


# --- ranking: one place of a ranking, and the top of a plural 'which' -----------------------


def _summary(lights: Lights, question: str) -> str:
    from nexatron.answer.summary import summarize

    plan = lights.plan(question)
    compiled = compile_query(lights.layer, plan.query, "duckdb")
    rows = [list(r) for r in lights.con.execute(compiled.sql).fetchall()]
    return summarize(
        question,
        plan.query,
        compiled.columns,
        rows,
        range_label=None,
        truncated=False,
        layer=lights.layer,
    )


@pytest.mark.parametrize(
    "question",
    [
        "which lighthouses have the second highest tower height",
        "which lighthouses are the second largest by tower height",
        "which lighthouses have the 2nd highest tower height",
    ],
)
def test_the_second_highest_keeps_every_row_tied_at_that_place(
    lights: Lights, question: str
) -> None:
    gold = (
        "SELECT lighthouse_id, lighthouse_name, tower_height_m FROM lighthouses"
        " WHERE tower_height_m = (SELECT DISTINCT tower_height_m FROM lighthouses"
        " ORDER BY 1 DESC LIMIT 1 OFFSET 1)"
    )
    assert lights.matches(question, gold)  # Light 3 and Light 6, both 55.5
    plan = lights.plan(question)
    assert plan.query.rank == 2 and plan.query.limit is None
    assert any("second" in a for a in plan.assumptions)


def test_a_lowest_place_counts_from_the_bottom(lights: Lights) -> None:
    gold = (
        "SELECT lighthouse_id, lighthouse_name, tower_height_m FROM lighthouses"
        " WHERE tower_height_m = (SELECT DISTINCT tower_height_m FROM lighthouses"
        " ORDER BY 1 LIMIT 1 OFFSET 3)"
    )
    assert lights.matches("which lighthouses have the fourth lowest tower height", gold)


def test_tied_for_second_place_by_a_count(lights: Lights) -> None:
    gold = (
        "WITH n AS (SELECT k.keeper_id, k.keeper_name, count(*) AS c FROM inspections i"
        " JOIN lighthouses h ON i.lighthouse_id = h.lighthouse_id"
        " JOIN keepers k ON h.keeper_id = k.keeper_id GROUP BY ALL)"
        " SELECT * FROM n WHERE c = (SELECT DISTINCT c FROM n ORDER BY c DESC LIMIT 1 OFFSET 1)"
    )
    question = "which keepers are tied for second place by inspections"
    plan = lights.plan(question)
    assert plan.query.rank == 2
    explained = {e.text for e in plan.explanation}
    assert "tied for second place" in explained
    gold_rows = lights.con.execute(gold).fetchall()
    assert rows_match(lights.rows(question), gold_rows, ordered=False)


def test_a_place_of_a_ranking_is_named_in_the_summary(lights: Lights) -> None:
    text = _summary(lights, "which coasts have the second highest total tower height")
    assert "second highest" in text


def test_a_place_with_nothing_ranked_is_refused_by_name(lights: Lights) -> None:
    with pytest.raises(Refusal) as caught:
        lights.plan("the second highest built year")
    assert "second" in caught.value.detail["unmatched"]


def test_a_place_among_names_with_no_key_is_refused() -> None:
    from nexatron.nlq.understand import _refuse_place_among_names
    from nexatron.semantic.model import OrderBy, SemanticQuery

    layer = SemanticLayer.model_validate(
        {
            "metrics": [{"name": "visits", "table": "visits", "agg": "count"}],
            "dimensions": [
                {"name": "guest_name", "table": "guests", "expr": "guest_name", "type": "string"}
            ],
        }
    )
    lex = build_lexicon(layer)
    q = SemanticQuery(
        metrics=["visits"],
        dimensions=["guest_name"],
        order=[OrderBy(field="visits", desc=True)],
        rank=2,
    )
    with pytest.raises(Refusal):
        _refuse_place_among_names(q, lex)
    keyed = q.model_copy(update={"keys": ["guest_name"]})
    _refuse_place_among_names(keyed, lex)  # told apart: answered


def test_a_plural_which_with_the_highest_keeps_the_top_and_its_ties(lights: Lights) -> None:
    gold = (
        "SELECT lighthouse_id, lighthouse_name, tower_height_m FROM lighthouses"
        " WHERE tower_height_m = (SELECT max(tower_height_m) FROM lighthouses)"
    )
    question = "which lighthouses have the highest tower height"
    assert lights.matches(question, gold)  # Light 2 and Light 5, both 61.0
    plan = lights.plan(question)
    assert any("every one tied" in a for a in plan.assumptions)


def test_a_plural_ranking_asked_as_a_sort_stays_a_sorted_list(lights: Lights) -> None:
    plan = lights.plan("total tower height by coast sorted by total tower height")
    assert plan.query.limit is None and plan.query.rank is None


# --- having: 'more than N times' counts the events pointing at each row ---------------------


def test_rows_more_than_n_times_bound_the_events_pointing_at_each(lights: Lights) -> None:
    gold = (
        "SELECT h.lighthouse_id, h.lighthouse_name, count(*) FROM inspections i"
        " JOIN lighthouses h ON i.lighthouse_id = h.lighthouse_id"
        " GROUP BY h.lighthouse_id, h.lighthouse_name HAVING count(*) > 7"
    )
    question = "lighthouses inspected more than 7 times"
    assert lights.matches(question, gold)
    plan = lights.plan(question)
    assert [f.field for f in plan.query.metric_filters] == ["inspections"]
    assert any("more than 7 times" in a for a in plan.assumptions)


def test_times_after_no_table_of_rows_is_refused_by_name(lights: Lights) -> None:
    with pytest.raises(Refusal) as caught:
        lights.plan("North inspected more than 7 times")
    assert "more than 7 times" in caught.value.detail["unmatched"]


def test_tied_for_the_second_highest_names_the_tie_as_part_of_the_place(lights: Lights) -> None:
    question = "which lighthouses are tied for the second highest tower height"
    plan = lights.plan(question)
    assert plan.query.rank == 2
    assert "tied for the second" in {e.text for e in plan.explanation}
    assert sorted(r[1] for r in lights.rows(question)) == ["Light 3", "Light 6"]


def test_most_and_least_share_their_adjective(lights: Lights) -> None:
    # 'most and least expensive' is 'most expensive' and 'least expensive'
    plan = lights.plan("most and least expensive lamp weight")
    assert [a.agg for a in plan.query.aggregates] == ["max", "min"]
    gold = "SELECT max(lamp_weight_kg), min(lamp_weight_kg) FROM lighthouses"
    assert lights.matches("most and least expensive lamp weight", gold)


@pytest.fixture(scope="module")
def tools(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lights]:
    """A table whose name column is named by another noun ('gadget_name' in 'tools')."""
    path = Path(tmp_path_factory.mktemp("tools")) / "tools.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE tools (tool_id INTEGER PRIMARY KEY, gadget_name VARCHAR, weight_g INTEGER)"
    )
    for t in range(1, 9):
        con.execute("INSERT INTO tools VALUES (?, ?, ?)", [t, f"Gadget {t}", 100 + (t * 37) % 90])
    con.close()
    layer = bootstrap_duckdb(path).layer
    ro = duckdb.connect(str(path), read_only=True)
    try:
        yield Lights(layer, ro, CTX)
    finally:
        ro.close()


def test_a_superlative_read_as_an_aggregate_over_a_name_qualified_column(tools: Lights) -> None:
    # 'gadget' (the name column's noun) only says whose weights: no ranking of names
    gold = "SELECT max(weight_g), min(weight_g) FROM tools"
    assert tools.matches("highest and lowest gadget weights", gold)
