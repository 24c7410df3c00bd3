"""Blind question sets (eval/blind/): airline and restaurants, hand-written and bootstrapped
layers, written in full before the parser was ever run on them. The bootstrapped layers are
rebuilt here from the introspected schema, as an external benchmark would.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nexatron.evaluation.run import run_eval

from .evalsets import (
    EVAL,
    assert_checked_in_bootstrap_is_current,
    assert_gold_sql_runs,
    assert_safe,
    run_with_fresh_bootstrap,
)

BLIND = EVAL / "blind"
DOMAINS = ["airline", "restaurants"]
HAND = ["airline.yaml", "restaurants.yaml", "airline_bootstrap_on_hand_layer.yaml"]
HAND += ["restaurants_bootstrap_on_hand_layer.yaml"]
BOOTSTRAP = ["airline_bootstrap.yaml", "restaurants_bootstrap.yaml"]
BOOTSTRAP += ["airline_on_bootstrap_layer.yaml", "restaurants_on_bootstrap_layer.yaml"]


@pytest.mark.parametrize("name", HAND)
def test_hand_written_layer_is_never_confidently_wrong(name: str) -> None:
    assert_safe(run_eval(BLIND / name), answerable=40, unanswerable=13)


@pytest.mark.parametrize("name", BOOTSTRAP)
def test_bootstrapped_layer_is_never_confidently_wrong(name: str, tmp_path: Path) -> None:
    report = run_with_fresh_bootstrap(BLIND, name, tmp_path)
    assert_safe(report, answerable=40, unanswerable=13)


@pytest.mark.parametrize("domain", DOMAINS)
def test_checked_in_bootstrap_layer_is_current(domain: str) -> None:
    assert_checked_in_bootstrap_is_current(BLIND, domain)


@pytest.mark.parametrize("name", HAND + BOOTSTRAP)
def test_gold_sql_runs_and_is_not_empty(name: str, tmp_path: Path) -> None:
    assert_gold_sql_runs(BLIND, name, tmp_path)
