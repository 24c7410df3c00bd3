"""Blind question sets, round 3 (eval/blind3/): a fitness club and an estate agency, each with a
hand-written and a bootstrapped layer, written in full before the parser was ever run on them.

Asserts only safety: no confidently wrong answer, no execution error, and every unanswerable
question refused or clarified. Match rates are reported by `nexatron eval`, not asserted. The
bootstrapped layers are rebuilt here from the introspected schema, as an external benchmark would.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from nexatron.nlq.evaluate import EvalReport, run_eval
from nexatron.semantic.model import SemanticLayer

BLIND = Path(__file__).resolve().parents[2] / "eval" / "blind3"
DOMAINS = ["gym", "realestate"]
HAND = ["gym.yaml", "realestate.yaml"]
BOOTSTRAP = ["gym_bootstrap.yaml", "realestate_bootstrap.yaml"]


def _module(path: Path, name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _bootstrapped(domain: str) -> SemanticLayer:
    module = _module(BLIND / "bootstrap_layers.py", "blind3_bootstrap")
    layer: SemanticLayer = module.bootstrapped(domain)
    return layer


def _problems(report: EvalReport) -> list[str]:
    bad = {"mismatch", "answered_wrongly", "error"}
    out = [
        f"{r.outcome} {r.id}: {r.question!r} -> {r.detail}"
        for r in report.results
        if r.outcome in bad
    ]
    out += [
        f"not refused {r.id}: {r.question!r} ({r.outcome}) {r.detail}"
        for r in report.results
        if not r.answerable and r.outcome != "refused_ok" and r.outcome not in bad
    ]
    return out


def _assert_safe(report: EvalReport, answerable: int, unanswerable: int) -> None:
    assert report.answerable >= answerable and report.unanswerable >= unanswerable
    problems = _problems(report)
    assert not problems, f"{report.name}: {len(problems)} unsafe answers\n" + "\n".join(problems)
    assert report.confidently_wrong == 0
    assert report.errors == 0
    assert report.refusal_accuracy == 1.0


@pytest.mark.parametrize("name", HAND)
def test_hand_written_layer_is_never_confidently_wrong(name: str) -> None:
    _assert_safe(run_eval(BLIND / name), answerable=70, unanswerable=15)


@pytest.mark.parametrize("name", BOOTSTRAP)
def test_bootstrapped_layer_is_never_confidently_wrong(name: str, tmp_path: Path) -> None:
    spec: dict[str, Any] = yaml.safe_load((BLIND / name).read_text())
    domain = Path(spec["layer"]).stem.removesuffix("_bootstrap")
    spec["layer"] = _bootstrapped(domain).model_dump(mode="json", exclude_none=True)
    spec["dataset"] = {"generator": str(BLIND / spec["dataset"]["generator"])}
    file = tmp_path / name
    file.write_text(yaml.safe_dump(spec, sort_keys=False))
    _assert_safe(run_eval(file), answerable=35, unanswerable=6)


@pytest.mark.parametrize("domain", DOMAINS)
def test_checked_in_bootstrap_layer_is_current(domain: str) -> None:
    text = (BLIND / "layers" / f"{domain}_bootstrap.yaml").read_text()
    checked_in = SemanticLayer.model_validate(yaml.safe_load(text))
    assert checked_in == _bootstrapped(domain), "run eval/blind3/bootstrap_layers.py"


@pytest.mark.parametrize("name", HAND + BOOTSTRAP)
def test_gold_sql_runs_and_is_not_empty(name: str, tmp_path: Path) -> None:
    spec: dict[str, Any] = yaml.safe_load((BLIND / name).read_text())
    db = tmp_path / "gold.duckdb"
    _module(BLIND / spec["dataset"]["generator"], "blind3_dataset").build(str(db))
    con = duckdb.connect(str(db), read_only=True)
    try:
        ids = [q["id"] for q in spec["questions"]]
        assert len(ids) == len(set(ids))
        for q in spec["questions"]:
            assert bool(q.get("unanswerable")) != ("sql" in q), q["id"]
            if "sql" in q:
                rows = con.execute(q["sql"]).fetchall()
                assert any(v not in (None, 0) for row in rows for v in row), q["id"]
    finally:
        con.close()


@pytest.mark.parametrize("domain", DOMAINS)
def test_generator_is_deterministic(domain: str, tmp_path: Path) -> None:
    gen = _module(BLIND / "datasets" / f"{domain}.py", f"blind3_{domain}_gen")
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
