"""The held-out and blind evaluation sets (eval/heldout, eval/blind, eval/blind3), one table of
sets with their floors, the same checks over each.

- heldout: clinic and university, hand-written and bootstrapped layers; written by a helper who
  probed the parser first, so not blind.
- blind: airline and restaurants, hand-written and bootstrapped layers (and each set's
  questions on the other kind of layer), written in full before the parser was ever run on them.
- blind3: a fitness club and an estate agency, written the same way; its generators are checked
  to be deterministic and small.

Bootstrapped layers are rebuilt here from the introspected schema, as an external benchmark
would. eval/dayone_fresh is held back and never run here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from nexatron.evaluation.run import run_eval

from .evalsets import (
    EVAL,
    TOOLS,
    EvalData,
    assert_checked_in_bootstrap_is_current,
    assert_gold_sql_runs,
    assert_safe,
    run_with_fresh_bootstrap,
)

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Floor:
    answerable: int
    unanswerable: int


@dataclass(frozen=True)
class EvalSet:
    folder: str
    domains: tuple[str, ...]
    hand: tuple[str, ...]  # question files on a checked-in layer
    bootstrap: tuple[str, ...]  # question files on a layer bootstrapped now
    hand_floor: Floor
    bootstrap_floor: Floor
    gold_sql: bool  # every answerable question carries gold SQL
    generators_checked: bool = False

    @property
    def path(self) -> Path:
        return EVAL / self.folder


SETS = (
    EvalSet(
        "heldout",
        ("clinic", "university"),
        hand=("clinic.yaml", "university.yaml"),
        bootstrap=("clinic_bootstrap.yaml", "university_bootstrap.yaml"),
        hand_floor=Floor(60, 15),
        bootstrap_floor=Floor(60, 15),
        gold_sql=False,
    ),
    EvalSet(
        "blind",
        ("airline", "restaurants"),
        hand=(
            "airline.yaml",
            "restaurants.yaml",
            "airline_bootstrap_on_hand_layer.yaml",
            "restaurants_bootstrap_on_hand_layer.yaml",
        ),
        bootstrap=(
            "airline_bootstrap.yaml",
            "restaurants_bootstrap.yaml",
            "airline_on_bootstrap_layer.yaml",
            "restaurants_on_bootstrap_layer.yaml",
        ),
        hand_floor=Floor(40, 13),
        bootstrap_floor=Floor(40, 13),
        gold_sql=True,
    ),
    EvalSet(
        "blind3",
        ("gym", "realestate"),
        hand=("gym.yaml", "realestate.yaml"),
        bootstrap=("gym_bootstrap.yaml", "realestate_bootstrap.yaml"),
        hand_floor=Floor(70, 15),
        bootstrap_floor=Floor(35, 6),
        gold_sql=True,
        generators_checked=True,
    ),
)


def _cases(kind: str) -> list[object]:
    cases: list[object] = []
    for s in SETS:
        if kind == "hand":
            names = s.hand
        elif kind == "bootstrap":
            names = s.bootstrap
        elif kind == "gold":
            names = s.hand + s.bootstrap if s.gold_sql else ()
        elif kind == "generator":
            names = s.domains if s.generators_checked else ()
        else:
            names = s.domains
        cases += [pytest.param(s, n, id=f"{s.folder}/{n}") for n in names]
    return cases


@pytest.mark.parametrize(("evalset", "name"), _cases("hand"))
def test_hand_written_layer_is_never_confidently_wrong(
    evalset: EvalSet, name: str, tmp_path: Path, eval_data: EvalData
) -> None:
    floor = evalset.hand_floor
    report = run_eval(eval_data.on_built_dataset(evalset.path / name, tmp_path))
    assert_safe(report, answerable=floor.answerable, unanswerable=floor.unanswerable)


@pytest.mark.parametrize(("evalset", "name"), _cases("bootstrap"))
def test_bootstrapped_layer_is_never_confidently_wrong(
    evalset: EvalSet, name: str, tmp_path: Path, eval_data: EvalData
) -> None:
    floor = evalset.bootstrap_floor
    report = run_with_fresh_bootstrap(evalset.path, name, tmp_path, eval_data)
    assert_safe(report, answerable=floor.answerable, unanswerable=floor.unanswerable)


@pytest.mark.parametrize(("evalset", "domain"), _cases("domain"))
def test_checked_in_bootstrap_layer_is_current(evalset: EvalSet, domain: str) -> None:
    assert_checked_in_bootstrap_is_current(evalset.path, domain)


@pytest.mark.parametrize(("evalset", "name"), _cases("gold"))
def test_gold_sql_runs_and_is_not_empty(evalset: EvalSet, name: str, eval_data: EvalData) -> None:
    assert_gold_sql_runs(evalset.path, name, eval_data)


@pytest.mark.parametrize(("evalset", "domain"), _cases("generator"))
def test_generator_is_deterministic(evalset: EvalSet, domain: str, tmp_path: Path) -> None:
    gen = TOOLS.load_module(evalset.path / "datasets" / f"{domain}.py")
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
