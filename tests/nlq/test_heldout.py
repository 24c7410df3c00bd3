"""Held-out question sets (eval/heldout/): domains, layers and wordings the parser was not tuned on.

Asserts only safety: no confidently wrong answer and every unanswerable question refused or
clarified. The match rate is reported by `nexatron eval`, not asserted. The bootstrapped layers
are rebuilt here from the introspected schema, as an external benchmark would.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
import yaml

from nexatron.nlq.evaluate import EvalReport, run_eval
from nexatron.semantic.model import SemanticLayer

HELDOUT = Path(__file__).resolve().parents[2] / "eval" / "heldout"
HAND = ["clinic.yaml", "university.yaml"]
BOOTSTRAP = ["clinic_bootstrap.yaml", "university_bootstrap.yaml"]


def _bootstrapped(domain: str) -> SemanticLayer:
    spec = importlib.util.spec_from_file_location(
        "heldout_bootstrap", HELDOUT / "bootstrap_layers.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    layer: SemanticLayer = module.bootstrapped(domain)
    return layer


def _problems(report: EvalReport) -> list[str]:
    bad = {"mismatch", "answered_wrongly"}
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


def _assert_safe(report: EvalReport) -> None:
    assert report.answerable >= 60 and report.unanswerable >= 15
    problems = _problems(report)
    assert not problems, f"{report.name}: {len(problems)} unsafe answers\n" + "\n".join(problems)
    assert report.confidently_wrong == 0
    assert report.refusal_accuracy == 1.0


@pytest.mark.parametrize("name", HAND)
def test_hand_written_layer_is_never_confidently_wrong(name: str) -> None:
    _assert_safe(run_eval(HELDOUT / name))


@pytest.mark.parametrize("name", BOOTSTRAP)
def test_bootstrapped_layer_is_never_confidently_wrong(name: str, tmp_path: Path) -> None:
    spec: dict[str, Any] = yaml.safe_load((HELDOUT / name).read_text())
    domain = name.removesuffix("_bootstrap.yaml")
    spec["layer"] = _bootstrapped(domain).model_dump(mode="json", exclude_none=True)
    spec["dataset"] = {"generator": str(HELDOUT / spec["dataset"]["generator"])}
    file = tmp_path / name
    file.write_text(yaml.safe_dump(spec, sort_keys=False))
    _assert_safe(run_eval(file))


@pytest.mark.parametrize("domain", ["clinic", "university"])
def test_checked_in_bootstrap_layer_is_current(domain: str) -> None:
    text = (HELDOUT / "layers" / f"{domain}_bootstrap.yaml").read_text()
    checked_in = SemanticLayer.model_validate(yaml.safe_load(text))
    assert checked_in == _bootstrapped(domain), "run eval/heldout/bootstrap_layers.py"
