"""Shared checks for the held-out and blind evaluation sets (used by test_eval_sets.py).

They assert only safety: no confidently wrong answer, no execution error, every unanswerable
question refused or clarified. Match rates are reported by `nexatron eval`, not asserted.
"""

from __future__ import annotations

import functools
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


@functools.cache
def bootstrapped(set_dir: Path, domain: str) -> SemanticLayer:
    """What eval/bootstrap_layers.py proposes for the domain, computed once per process (the
    generators are deterministic: test_generator_is_deterministic)."""
    layer: SemanticLayer = TOOLS.bootstrapped(set_dir, domain)
    return layer


class EvalData:
    """Each generator's dataset, built once per session into `root` and then only read (run_eval
    opens it read-only): the eval sets ask each domain's data from several question files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._built: dict[Path, Path] = {}

    def dataset(self, generator: Path) -> Path:
        generator = generator.resolve()
        if generator not in self._built:
            target = self.root / f"{len(self._built)}_{generator.stem}.duckdb"
            TOOLS.load_module(generator).build(str(target))
            self._built[generator] = target
        return self._built[generator]

    def on_built_dataset(self, eval_file: Path, tmp_path: Path, **spec_changes: Any) -> Path:
        """A copy of `eval_file` in `tmp_path` that reads its generator's built dataset (and
        names its other files by absolute path), with `spec_changes` applied."""
        spec: dict[str, Any] = yaml.safe_load(eval_file.read_text())
        base = eval_file.parent
        spec["dataset"] = {"path": str(self.dataset(base / spec["dataset"]["generator"]))}
        if isinstance(spec["layer"], str) and spec["layer"] != "bootstrap":
            spec["layer"] = str(base / spec["layer"])
        if "questions_from" in spec:
            spec["questions_from"] = str(base / spec["questions_from"])
        spec.update(spec_changes)
        file = tmp_path / eval_file.name
        file.write_text(yaml.safe_dump(spec, sort_keys=False))
        return file


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


def run_with_fresh_bootstrap(
    set_dir: Path, name: str, tmp_path: Path, data: EvalData
) -> EvalReport:
    """Run a question set against a layer bootstrapped in this process from the dataset's
    schema (not the checked-in one)."""
    spec: dict[str, Any] = yaml.safe_load((set_dir / name).read_text())
    domain = Path(spec["layer"]).stem.removesuffix("_bootstrap")
    layer = bootstrapped(set_dir, domain).model_dump(mode="json", exclude_none=True)
    return run_eval(data.on_built_dataset(set_dir / name, tmp_path, layer=layer))


def assert_checked_in_bootstrap_is_current(set_dir: Path, domain: str) -> None:
    text = (set_dir / "layers" / f"{domain}_bootstrap.yaml").read_text()
    checked_in = SemanticLayer.model_validate(yaml.safe_load(text))
    assert checked_in == bootstrapped(set_dir, domain), (
        f"run: python eval/bootstrap_layers.py {set_dir.relative_to(EVAL.parent)}"
    )


def assert_gold_sql_runs(set_dir: Path, name: str, data: EvalData) -> None:
    """Every answerable question's gold SQL runs and returns a non-empty, non-zero result;
    unanswerables carry none; ids are unique."""
    spec: dict[str, Any] = yaml.safe_load((set_dir / name).read_text())
    db = data.dataset(set_dir / spec["dataset"]["generator"])
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
