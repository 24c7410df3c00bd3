"""Every answered question of every evaluation set accounts for each of its content words.

For each eval file the layer is its own (hand-written, stored bootstrap) or, for `layer:
bootstrap`, a fresh bootstrap of the dataset; values come from the generated data. Questions are
only understood here (execution is checked by the eval tests).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from nexatron.errors import NexatronError
from nexatron.evaluation import value_index
from nexatron.evaluation.datasets import bootstrap_duckdb
from nexatron.nlq import DateContext, Plan, build_lexicon, understand
from nexatron.nlq.accounting import content_words, unaccounted_words
from nexatron.nlq.plan import Explained
from nexatron.semantic.model import SemanticLayer, SemanticQuery

from .evalsets import EVAL, EvalData

CURATED = sorted(
    p
    for pattern in ("*.yaml", "blind/*.yaml", "blind3/*.yaml", "heldout/*.yaml")
    for p in EVAL.glob(pattern)
    if "questions" in p.read_text() or "questions_from" in p.read_text()
)
DAYONE = sorted((EVAL / "dayone").glob("*.yaml"))


def _unaccounted(path: Path, data: EvalData) -> list[str]:
    spec: dict[str, Any] = yaml.safe_load(path.read_text())
    base = path.parent
    questions = spec.get("questions")
    if questions is None:
        questions = yaml.safe_load((base / spec["questions_from"]).read_text())["questions"]
    ctx = DateContext(now=dt.datetime.fromisoformat(str(spec["now"])))
    found: list[str] = []
    db = data.dataset(base / spec["dataset"]["generator"])
    if spec["layer"] == "bootstrap":
        layer = bootstrap_duckdb(db).layer
    else:
        layer = SemanticLayer.model_validate(yaml.safe_load((base / spec["layer"]).read_text()))
    con = duckdb.connect(str(db), read_only=True)
    try:
        lex = build_lexicon(layer, value_index(con, layer))
    finally:
        con.close()
    plans: dict[str, SemanticQuery] = {}
    for q in questions:
        parent = plans.get(str(q.get("follow_up_of"))) if q.get("follow_up_of") else None
        try:
            plan = understand(str(q["question"]), lex, ctx=ctx, previous=parent)
        except NexatronError:
            continue
        plans[str(q["id"])] = plan.query
        missing = unaccounted_words(str(q["question"]), plan)
        if missing:
            found.append(f"{q['id']}: {q['question']!r} leaves {missing}")
    return found


@pytest.mark.parametrize("path", CURATED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_curated_answers_account_for_every_word(path: Path, eval_data: EvalData) -> None:
    assert _unaccounted(path, eval_data) == []


@pytest.mark.slow
@pytest.mark.parametrize("path", DAYONE, ids=lambda p: p.stem)
def test_dayone_answers_account_for_every_word(path: Path, eval_data: EvalData) -> None:
    assert _unaccounted(path, eval_data) == []


def test_the_check_finds_a_dropped_word() -> None:
    plan = Plan(
        query=SemanticQuery(metrics=["tickets_count"]),
        explanation=[Explained(text="tickets", kind="metric", target="tickets_count")],
    )
    question = "What are the highest and lowest ticket prices?"
    assert content_words(question) == ["highest", "lowest", "ticket", "prices"]
    assert unaccounted_words(question, plan) == ["highest", "lowest", "ticket", "prices"]
    plan.explanation.append(
        Explained(text="highest and lowest ticket prices", kind="metric", target="max__price")
    )
    assert unaccounted_words(question, plan) == []
