"""Rows tied on a gold query's sort keys may come in any order; everything else stays in order."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml

from nexatron.evaluation import rows_match, run_eval
from nexatron.evaluation.gold_order import tie_runs
from nexatron.evaluation.run import compared_in_order


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE lesson (level VARCHAR, fee INTEGER)")
    rows = [("beginner", 10)] * 3 + [("expert", 30)] * 2 + [("improver", 20)] * 2 + [("pro", 5)]
    con.executemany("INSERT INTO lesson VALUES (?, ?)", rows)
    return con


def test_runs_follow_the_sort_keys(con: duckdb.DuckDBPyConnection) -> None:
    sql = "SELECT level, COUNT(*) AS lessons FROM lesson GROUP BY level ORDER BY lessons DESC"
    gold = con.execute(sql).fetchall()
    assert tie_runs(con, sql, len(gold)) == [1, 2, 1]  # 3; 2 and 2 tied; 1
    by_position = "SELECT level, COUNT(*) FROM lesson GROUP BY level ORDER BY 2 DESC, 1"
    assert tie_runs(con, by_position, 4) == [1, 1, 1, 1]  # the name breaks the tie
    by_expression = "SELECT level FROM lesson GROUP BY level ORDER BY SUM(fee) DESC"
    assert tie_runs(con, by_expression, 4) == [1, 1, 1, 1]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT level FROM lesson GROUP BY level",  # no ORDER BY
        "SELECT DISTINCT level FROM lesson ORDER BY level",
        "SELECT level FROM lesson UNION SELECT 'x' ORDER BY 1",
        "SELECT level FROM lesson ORDER BY 5",  # no such column
        "not sql at all (",
    ],
)
def test_what_it_cannot_extend_is_compared_in_order(
    con: duckdb.DuckDBPyConnection, sql: str
) -> None:
    assert tie_runs(con, sql, 8) is None


def test_tied_rows_match_in_either_order_and_only_they() -> None:
    gold = [("beginner", 3), ("expert", 2), ("improver", 2), ("pro", 1)]
    swapped = [("beginner", 3), ("improver", 2), ("expert", 2), ("pro", 1)]
    runs = [1, 2, 1]
    assert rows_match(swapped, gold, ordered=True, runs=runs)
    assert not rows_match(swapped, gold, ordered=True)  # without runs: row for row
    moved = [("expert", 2), ("beginner", 3), ("improver", 2), ("pro", 1)]
    assert not rows_match(moved, gold, ordered=True, runs=runs)  # across runs: wrong order
    assert not rows_match(swapped, gold, ordered=True, runs=[1, 1, 1])  # runs must cover gold


def test_order_counts_when_asked_or_when_both_order() -> None:
    gold = "SELECT level, COUNT(*) AS n FROM lesson GROUP BY level ORDER BY n DESC"
    answer_unordered = "SELECT level, COUNT(*) FROM lesson GROUP BY level"
    answer_ordered = answer_unordered + " ORDER BY 2 DESC"
    assert compared_in_order({"ordered": True}, gold, answer_unordered)
    assert compared_in_order({}, gold, answer_ordered)
    assert not compared_in_order({}, gold, answer_unordered)  # a set: chance decided before
    assert not compared_in_order({}, answer_unordered, answer_ordered)


def test_a_breakdown_the_gold_happens_to_order_scores_the_same_every_run(tmp_path: Path) -> None:
    """Before, an unordered answer against an ordered gold passed or failed by DuckDB's order."""
    spec = {
        "name": "order_check",
        "dataset": {"generator": str(tmp_path / "gen.py")},
        "layer": "bootstrap",
        "now": "2026-06-17T10:00:00+00:00",
        "questions": [
            {
                "id": "q1",
                "question": "how many lessons per level",
                "sql": "SELECT level, COUNT(*) AS n FROM lesson GROUP BY level ORDER BY n DESC",
            }
        ],
    }
    (tmp_path / "gen.py").write_text(GENERATOR)
    (tmp_path / "set.yaml").write_text(yaml.safe_dump(spec))
    outcomes = {run_eval(tmp_path / "set.yaml").results[0].outcome for _ in range(5)}
    assert outcomes == {"match"}


GENERATOR = """
import duckdb

def build(path):
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE lesson (lesson_id INTEGER PRIMARY KEY, level VARCHAR)")
    levels = ["beginner"] * 5 + ["expert"] * 3 + ["improver"] * 3 + ["pro"] * 2
    con.executemany("INSERT INTO lesson VALUES (?, ?)", list(enumerate(levels)))
    con.close()
"""
