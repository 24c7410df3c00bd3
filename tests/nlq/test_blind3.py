"""Blind question sets, round 3 (eval/blind3/): a fitness club and an estate agency, each with a
hand-written and a bootstrapped layer, written in full before the parser was ever run on them.
The bootstrapped layers are rebuilt here from the introspected schema.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from nexatron.evaluation.run import run_eval

from .evalsets import (
    EVAL,
    TOOLS,
    assert_checked_in_bootstrap_is_current,
    assert_gold_sql_runs,
    assert_safe,
    run_with_fresh_bootstrap,
)

BLIND = EVAL / "blind3"
DOMAINS = ["gym", "realestate"]
HAND = ["gym.yaml", "realestate.yaml"]
BOOTSTRAP = ["gym_bootstrap.yaml", "realestate_bootstrap.yaml"]


@pytest.mark.parametrize("name", HAND)
def test_hand_written_layer_is_never_confidently_wrong(name: str) -> None:
    assert_safe(run_eval(BLIND / name), answerable=70, unanswerable=15)


@pytest.mark.parametrize("name", BOOTSTRAP)
def test_bootstrapped_layer_is_never_confidently_wrong(name: str, tmp_path: Path) -> None:
    report = run_with_fresh_bootstrap(BLIND, name, tmp_path)
    assert_safe(report, answerable=35, unanswerable=6)


@pytest.mark.parametrize("domain", DOMAINS)
def test_checked_in_bootstrap_layer_is_current(domain: str) -> None:
    assert_checked_in_bootstrap_is_current(BLIND, domain)


@pytest.mark.parametrize("name", HAND + BOOTSTRAP)
def test_gold_sql_runs_and_is_not_empty(name: str, tmp_path: Path) -> None:
    assert_gold_sql_runs(BLIND, name, tmp_path)


@pytest.mark.parametrize("domain", DOMAINS)
def test_generator_is_deterministic(domain: str, tmp_path: Path) -> None:
    gen = TOOLS.load_module(BLIND / "datasets" / f"{domain}.py")
    digests = []
    for i in range(2):
        db = tmp_path / f"{i}.duckdb"
        gen.build(str(db))
        con = duckdb.connect(str(db), read_only=True)
        try:
            tables = [
                r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
            ]
            digests.append(
                {
                    t: con.execute(f"SELECT count(*), sum(hash(t)) FROM {t} t").fetchone()
                    for t in tables
                }
            )
        finally:
            con.close()
    assert digests[0] == digests[1]
    assert sum(n for n, _ in digests[0].values()) <= 20_000
