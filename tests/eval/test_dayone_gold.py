"""The day-one blind evaluation sets stay valid: every dataset builds, every gold SQL runs on
DuckDB and returns rows (unless the question is marked `empty_ok`), unanswerable questions carry
no SQL, and each file has the shape the brief asks for (question counts, classes, unique ids)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

pytestmark = pytest.mark.slow

EVAL = Path(__file__).resolve().parents[2] / "eval"
SETS = {
    "dayone": 22,
    "dayone_fresh": 20,
    "dayone_fresh2": 20,
    "dayone_fresh3": 20,
    "dayone_fresh4": 20,
    "dayone_fresh5": 20,
    "dayone_dev2": 20,
}
CLASSES = {
    "count",
    "count_distinct",
    "aggregate",
    "group_by",
    "filter",
    "time",
    "topn",
    "having",
    "listing",
    "anti_join",
    "join",
    "unanswerable",
}
KEYS = {"id", "question", "sql", "class", "note", "ordered", "empty_ok"}
FILES = sorted(p for name in SETS for p in (EVAL / name).glob("*.yaml"))


def _build(generator: Path, target: Path) -> None:
    spec = importlib.util.spec_from_file_location(f"dayone_{generator.stem}", generator)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build(str(target))


def test_sets_are_present() -> None:
    assert len(list((EVAL / "dayone").glob("*.yaml"))) >= 22
    assert len(list((EVAL / "dayone_fresh").glob("*.yaml"))) >= 6
    assert len(list((EVAL / "dayone_fresh2").glob("*.yaml"))) >= 6
    assert len(list((EVAL / "dayone_fresh3").glob("*.yaml"))) >= 6
    assert len(list((EVAL / "dayone_fresh4").glob("*.yaml"))) >= 6
    assert len(list((EVAL / "dayone_fresh5").glob("*.yaml"))) >= 6
    assert len(list((EVAL / "dayone_dev2").glob("*.yaml"))) >= 6


@pytest.mark.parametrize("spec_file", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_gold_sql_runs(spec_file: Path, tmp_path: Path) -> None:
    spec: dict[str, Any] = yaml.safe_load(spec_file.read_text())
    assert spec["layer"] == "bootstrap"
    assert spec["timezone"] == "UTC"
    questions: list[dict[str, Any]] = spec["questions"]
    assert len(questions) >= SETS[spec_file.parent.name]
    ids = [q["id"] for q in questions]
    assert len(ids) == len(set(ids)), "duplicate question ids"
    assert sum(q["class"] == "unanswerable" for q in questions) >= 2
    assert {q["class"] for q in questions} == CLASSES, "every class appears in every file"
    db = tmp_path / "gold.duckdb"
    _build(spec_file.parent / spec["dataset"]["generator"], db)
    con = duckdb.connect(str(db), read_only=True, config={"threads": 1})
    try:
        for q in questions:
            assert q["class"] in CLASSES, q["id"]
            assert set(q) <= KEYS, f"{q['id']}: unknown keys {set(q) - KEYS}"
            assert isinstance(q["question"], str) and q["question"].strip(), q["id"]
            if q["class"] == "unanswerable":
                assert q["sql"] is None, q["id"]
                continue
            rows = con.execute(q["sql"]).fetchall()
            assert rows or q.get("empty_ok"), f"{q['id']}: gold SQL returned no rows"
    finally:
        con.close()
