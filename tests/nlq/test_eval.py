"""The evaluation harness over the repository's own question sets (real DuckDB, real compiler)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nexatron.evaluation import rows_match, run_eval
from nexatron.evaluation.main import main

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


def test_main_prints_a_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(EVAL / "hr.yaml")]) == 0
    out = capsys.readouterr().out
    assert "execution match" in out and "latency p50/p95" in out
