"""Shared checks for the held-out and blind evaluation sets (used by test_eval_sets.py).

They assert only safety: no confidently wrong answer, no execution error, every unanswerable
question refused or clarified. Match rates are reported by `nexatron eval`, not asserted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import yaml

from nexatron.evaluation.run import EvalReport, run_eval
from nexatron.semantic.model import SemanticLayer

EVAL = Path(__file__).resolve().parents[2] / "eval"


def _tools() -> Any:
    from importlib.util import module_from_spec, spec_from_file_location

    spec = spec_from_file_location("_eval_bootstrap_layers", EVAL / "bootstrap_layers.py")
    assert spec is not None and spec.loader is not None
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOLS = _tools()


def bootstrapped(set_dir: Path, domain: str) -> SemanticLayer:
    layer: SemanticLayer = TOOLS.bootstrapped(set_dir, domain)
    return layer


def problems(report: EvalReport) -> list[str]:
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


def assert_safe(report: EvalReport, *, answerable: int, unanswerable: int) -> None:
    assert report.answerable >= answerable and report.unanswerable >= unanswerable
    found = problems(report)
    assert not found, f"{report.name}: {len(found)} unsafe answers\n" + "\n".join(found)
    assert report.confidently_wrong == 0
    assert report.errors == 0
    assert report.refusal_accuracy == 1.0


def run_with_fresh_bootstrap(set_dir: Path, name: str, tmp_path: Path) -> EvalReport:
    """Run a question set against a layer bootstrapped now from the dataset's schema."""
    spec: dict[str, Any] = yaml.safe_load((set_dir / name).read_text())
    domain = Path(spec["layer"]).stem.removesuffix("_bootstrap")
    spec["layer"] = bootstrapped(set_dir, domain).model_dump(mode="json", exclude_none=True)
    spec["dataset"] = {"generator": str(set_dir / spec["dataset"]["generator"])}
    file = tmp_path / name
    file.write_text(yaml.safe_dump(spec, sort_keys=False))
    return run_eval(file)


def assert_checked_in_bootstrap_is_current(set_dir: Path, domain: str) -> None:
    text = (set_dir / "layers" / f"{domain}_bootstrap.yaml").read_text()
    checked_in = SemanticLayer.model_validate(yaml.safe_load(text))
    assert checked_in == bootstrapped(set_dir, domain), (
        f"run: python eval/bootstrap_layers.py {set_dir.relative_to(EVAL.parent)}"
    )


def assert_gold_sql_runs(set_dir: Path, name: str, tmp_path: Path) -> None:
    """Every answerable question's gold SQL runs and returns a non-empty, non-zero result;
    unanswerables carry none; ids are unique."""
    spec: dict[str, Any] = yaml.safe_load((set_dir / name).read_text())
    db = tmp_path / "gold.duckdb"
    TOOLS.load_module(set_dir / spec["dataset"]["generator"]).build(str(db))
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
