"""Held-out question sets (eval/heldout/): clinic and university, hand-written and bootstrapped
layers. Written by a helper who probed the parser first, so they are not blind; see test_blind*.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nexatron.evaluation.run import run_eval

from .evalsets import (
    EVAL,
    assert_checked_in_bootstrap_is_current,
    assert_safe,
    run_with_fresh_bootstrap,
)

HELDOUT = EVAL / "heldout"
HAND = ["clinic.yaml", "university.yaml"]
BOOTSTRAP = ["clinic_bootstrap.yaml", "university_bootstrap.yaml"]


@pytest.mark.parametrize("name", HAND)
def test_hand_written_layer_is_never_confidently_wrong(name: str) -> None:
    assert_safe(run_eval(HELDOUT / name), answerable=60, unanswerable=15)


@pytest.mark.parametrize("name", BOOTSTRAP)
def test_bootstrapped_layer_is_never_confidently_wrong(name: str, tmp_path: Path) -> None:
    report = run_with_fresh_bootstrap(HELDOUT, name, tmp_path)
    assert_safe(report, answerable=60, unanswerable=15)


@pytest.mark.parametrize("domain", ["clinic", "university"])
def test_checked_in_bootstrap_layer_is_current(domain: str) -> None:
    assert_checked_in_bootstrap_is_current(HELDOUT, domain)
