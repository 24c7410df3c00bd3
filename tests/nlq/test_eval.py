"""The evaluation harness over the repository's own question sets (real DuckDB, real compiler)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nexatron.evaluation import rows_match, run_eval, tally_by_class
from nexatron.evaluation.main import main

pytestmark = pytest.mark.slow

EVAL = Path(__file__).resolve().parents[2] / "eval"


@pytest.mark.parametrize("name", ["hr.yaml", "logistics.yaml", "saas.yaml"])
def test_question_sets_meet_targets(name: str) -> None:
    report = run_eval(EVAL / name)
    assert report.total >= 60
    assert report.execution_match >= 0.95
    assert report.refusal_accuracy == 1.0
    assert report.confidently_wrong == 0


def test_no_synonym_layer_is_never_confidently_wrong() -> None:
    report = run_eval(EVAL / "logistics_bootstrap.yaml")
    assert report.confidently_wrong == 0
    assert report.execution_match >= 0.5


def test_row_comparison() -> None:
    assert rows_match([("a", 1.0000001)], [(1, "a")], ordered=False)
    assert not rows_match([("a", 1), ("b", 2)], [("b", 2), ("a", 1)], ordered=True)
    assert not rows_match([("a", 1)], [("a", 1), ("b", 2)], ordered=False)


def test_an_answers_key_columns_may_be_left_out_only_when_the_gold_has_none() -> None:
    got = [(3, "Ann Lee", 4), (1, "Ann Lee", 4)]
    # gold shows the names only: the answer's key column (position 0) is left out
    assert rows_match(got, [("Ann Lee", 4), ("Ann Lee", 4)], ordered=False, key_columns=(0,))
    # gold with the key: compared whole
    assert rows_match(got, [(1, "Ann Lee", 4), (3, "Ann Lee", 4)], ordered=False, key_columns=(0,))
    # without the answer saying which column is a key, nothing is dropped
    assert not rows_match(got, [("Ann Lee", 4), ("Ann Lee", 4)], ordered=False)
    # a key column is never a licence for other differences: merged rows, other cells
    assert not rows_match(got, [("Ann Lee", 8)], ordered=False, key_columns=(0,))
    assert not rows_match(got, [("Ann Lee", 4), ("Ann Lee", 5)], ordered=False, key_columns=(0,))
    # only the key column may go, not the name
    assert not rows_match(got, [(3, 4), (1, 4)], ordered=False, key_columns=(0,))


def test_main_prints_a_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(EVAL / "hr.yaml")]) == 0
    out = capsys.readouterr().out
    assert "execution match" in out and "latency p50/p95" in out


GENERATOR = """
import duckdb


def build(path):
    con = duckdb.connect(path)
    con.execute("CREATE TABLE tblCustomer (custNo INTEGER, custName VARCHAR, city VARCHAR)")
    con.execute("CREATE TABLE tblOrder (ordNo INTEGER, custNo INTEGER, ordAmt DOUBLE)")
    con.execute("INSERT INTO tblCustomer VALUES (1, 'Ann', 'Oslo'), (2, 'Bob', 'Rome')")
    con.execute("INSERT INTO tblOrder VALUES (10, 1, 5.0), (11, 2, 7.0), (12, 2, 1.0)")
    con.close()
"""

SET = """
name: tiny-bootstrap
dataset: {generator: gen.py}
layer: bootstrap
now: '2026-06-17T10:00:00+00:00'
questions:
  - {id: t1, class: count, question: how many orders, sql: "SELECT count(*) FROM tblOrder"}
  - {id: t2, class: join, question: total order amount by city,
     sql: "SELECT c.city, sum(o.ordAmt) FROM tblOrder o JOIN tblCustomer c USING (custNo)
       GROUP BY 1"}
  - {id: t3, class: count, question: how many orders, sql: "SELECT 42"}
  - {id: t4, class: unanswerable, question: how many refunds, sql: null}
"""


def test_bootstrap_sets_report_per_class(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "gen.py").write_text(GENERATOR)
    (tmp_path / "tiny.yaml").write_text(SET)
    (tmp_path / "notes.yaml").write_text("just: a file that is not a question set\n")
    report = run_eval(tmp_path / "tiny.yaml")
    outcomes = {r.id: (r.question_class, r.outcome) for r in report.results}
    assert outcomes == {
        "t1": ("count", "match"),
        "t2": ("join", "match"),  # custNo inferred and verified: the layer joins
        "t3": ("count", "mismatch"),
        "t4": ("unanswerable", "refused_ok"),
    }
    tallies = {t.name: t for t in tally_by_class(report.results)}
    assert (tallies["count"].correct, tallies["count"].wrong) == (1, 1)
    assert tallies["total"].total == 4 and tallies["total"].correct == 3
    assert main([str(tmp_path)]) == 1  # a directory of sets; a wrong answer fails the run
    out = capsys.readouterr().out
    assert "per class over 1 set(s)" in out and "wrong+warn" in out
    assert out.count("tiny-bootstrap") == 1


def test_a_wrong_answer_that_warned_is_counted_apart() -> None:
    from nexatron.evaluation import QuestionResult

    def result(outcome: str, warnings: list[str], klass: str = "topn") -> QuestionResult:
        return QuestionResult(
            id=outcome,
            question="q",
            answerable=True,
            outcome=outcome,
            question_class=klass,
            warnings=warnings,
        )

    tallies = tally_by_class(
        [
            result("mismatch", ["3 rows tie for the top on Revenue; all of them are shown."]),
            result("mismatch", []),
            result("refused", []),
            result("cascade", []),
            result("error", [], "join"),
        ]
    )
    join, topn, total = tallies  # classes by name, then the total
    assert (topn.wrong, topn.wrong_warned, topn.refused, topn.errors) == (1, 1, 2, 0)
    assert (join.name, join.errors) == ("join", 1) and total.total == 5
