"""Run one question set: questions with gold SQL over a DuckDB dataset, scored by execution.

A YAML file names a dataset (a DuckDB file, or a generator script with `build(path)`), a layer
(a YAML file, an inline mapping, or `bootstrap`: the layer POST /semantic/bootstrap proposes for
the dataset, with no hand edits), a fixed `now`, and questions with `sql`, `unanswerable: true`
or `follow_up_of`, each optionally with a `class` (count, group_by, join, ...).
"""

from __future__ import annotations

import datetime as dt
import importlib
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import yaml
from pydantic import BaseModel, Field

from nexatron.errors import NexatronError
from nexatron.evaluation.compare import rows_match
from nexatron.evaluation.datasets import bootstrap_duckdb, build_dataset
from nexatron.evaluation.gold_order import tie_runs
from nexatron.nlq.errors import Clarification, WriteRefused
from nexatron.nlq.lexicon import build_lexicon
from nexatron.nlq.plan import Plan
from nexatron.nlq.understand import understand
from nexatron.semantic.dates import DateContext
from nexatron.semantic.model import OutputColumn, SemanticLayer, SemanticQuery

UNCLASSIFIED = "unclassified"
# The module, not the `warnings` function the answer package exports under the same name.
answer_warnings_module = importlib.import_module("nexatron.answer.warnings")


class QuestionResult(BaseModel):
    id: str
    question: str
    answerable: bool
    # match | mismatch | refused | clarified | error | refused_ok | answered_wrongly | cascade
    outcome: str
    detail: str = ""
    latency_ms: float = 0.0
    question_class: str = UNCLASSIFIED
    warnings: list[str] = Field(default_factory=list)  # what an answer would have carried


class EvalReport(BaseModel):
    name: str
    total: int
    answerable: int
    unanswerable: int
    execution_match: float
    refusal_accuracy: float
    confidently_wrong: int
    over_refused: int
    errors: int = 0
    cascaded: int = 0
    latency_p50_ms: float
    latency_p95_ms: float
    results: list[QuestionResult] = Field(default_factory=list)


def value_index(
    con: duckdb.DuckDBPyConnection, layer: SemanticLayer, cap: int = 500
) -> dict[str, list[str]]:
    """Distinct values of each low-cardinality string dimension (what the server's index holds)."""
    out: dict[str, list[str]] = {}
    for d in layer.dimensions:
        if d.type != "string":
            continue
        sql = (
            f"SELECT DISTINCT CAST({d.expr} AS VARCHAR) FROM {d.table}"
            f" WHERE {d.expr} IS NOT NULL LIMIT {cap + 1}"
        )
        vals = [r[0] for r in con.execute(sql).fetchall()]
        if len(vals) <= cap:
            out[d.name] = vals
    return out


def _layer(spec: Any, base: Path, db: Path) -> SemanticLayer:
    if spec == "bootstrap":
        return bootstrap_duckdb(db).layer
    data = yaml.safe_load((base / spec).read_text()) if isinstance(spec, str) else spec
    return SemanticLayer.model_validate(data)


def answer_warnings(plan: Plan, columns: list[OutputColumn], rows: list[Any]) -> list[str]:
    """The `warnings` the server's answer would carry: the plan's assumptions, and a tie at a
    top-N cut where the answer package reports one (`answer.warnings.tie_warning`)."""
    found = [*plan.assumptions]
    tie = getattr(answer_warnings_module, "tie_warning", None)
    if tie is not None:
        text = tie(plan.query, columns, [list(r) for r in rows], "en_US")
        if text:
            found.append(str(text))
    return found


def run_eval(path: str | Path) -> EvalReport:
    """Parse, compile for DuckDB, execute and compare every question of an eval file."""
    from nexatron.semantic.compiler import compile_query

    file = Path(path)
    spec = yaml.safe_load(file.read_text())
    base = file.parent
    now = dt.datetime.fromisoformat(str(spec["now"]))
    ctx = DateContext(now=now, timezone=spec.get("timezone", "UTC"))
    with tempfile.TemporaryDirectory() as tmp:
        ds = spec["dataset"]
        if "generator" in ds:
            db = build_dataset(base / ds["generator"], Path(tmp) / "eval.duckdb")
        else:
            db = base / ds["path"]
        layer = _layer(spec["layer"], base, db)
        con = duckdb.connect(str(db), read_only=True)
        try:
            lex = build_lexicon(layer, value_index(con, layer))
            results: list[QuestionResult] = []
            plans: dict[str, SemanticQuery] = {}
            for q in _questions(spec, base):
                results.append(_one(q, lex, ctx, con, layer, plans, compile_query))
        finally:
            con.close()
    return _report(str(spec.get("name", file.stem)), results)


def _questions(spec: dict[str, Any], base: Path) -> list[dict[str, Any]]:
    """The file's questions, or those of `questions_from` (same data, another layer)."""
    if "questions_from" in spec:
        other = yaml.safe_load((base / spec["questions_from"]).read_text())
        return list(other["questions"])
    return list(spec["questions"])


def _one(
    q: dict[str, Any],
    lex: Any,
    ctx: DateContext,
    con: Any,
    layer: SemanticLayer,
    plans: dict[str, SemanticQuery],
    compile_query: Any,
) -> QuestionResult:
    qid, text = str(q["id"]), str(q["question"])
    answerable = not is_unanswerable(q)
    klass = str(q.get("class") or ("unanswerable" if not answerable else UNCLASSIFIED))
    parent = str(q["follow_up_of"]) if q.get("follow_up_of") else None
    previous = plans.get(parent) if parent else None
    common = {"id": qid, "question": text, "answerable": answerable, "question_class": klass}
    t0 = time.perf_counter()
    try:
        plan = understand(text, lex, ctx=ctx, previous=previous)
        compiled = compile_query(layer, plan.query, "duckdb")
        sql = compiled.sql
    except NexatronError as e:  # a refusal, clarification or uncompilable plan: all are 422s
        ms = (time.perf_counter() - t0) * 1000
        kind = "clarified" if isinstance(e, Clarification | WriteRefused) else "refused"
        if parent is not None and previous is None:
            kind = "cascade"
        outcome = "refused_ok" if not answerable else kind
        return QuestionResult(**common, outcome=outcome, detail=str(e.detail)[:300], latency_ms=ms)
    ms = (time.perf_counter() - t0) * 1000
    plans[qid] = plan.query
    try:
        got = con.execute(sql).fetchall()
    except Exception as e:  # an execution failure counts as an error, not an answer
        detail = f"{type(e).__name__}: {e}"[:300]
        return QuestionResult(**common, outcome="error", detail=detail, latency_ms=ms)
    warned = answer_warnings(plan, compiled.columns, got)
    plan_json = plan.query.model_dump_json(exclude_defaults=True)
    if not answerable:
        return QuestionResult(
            **common, outcome="answered_wrongly", detail=plan_json, latency_ms=ms, warnings=warned
        )
    gold_sql = str(q["sql"])
    gold = con.execute(gold_sql).fetchall()
    ordered = compared_in_order(q, gold_sql, sql)
    keys = tuple(
        i
        for i, c in enumerate(compiled.columns)
        if c.role == "dimension" and c.ref in plan.query.keys
    )
    runs = tie_runs(con, gold_sql, len(gold)) if ordered else None
    # An answer that must be in order but leaves the order to the database is not in order,
    # whatever order the rows happened to come in this time.
    unordered = len(got) > 1 and "order by" not in sql.lower()
    ok = not (ordered and unordered) and rows_match(got, gold, ordered, keys, runs)
    return QuestionResult(
        **common,
        outcome="match" if ok else "mismatch",
        detail="" if ok else plan_json,
        latency_ms=ms,
        warnings=warned,
    )


def compared_in_order(q: dict[str, Any], gold_sql: str, answer_sql: str) -> bool:
    """Row order counts when the question is marked `ordered: true` (eval/dayone/README.md), or
    when both the gold and the answer order their rows. A gold ORDER BY the question did not ask
    for, against an answer that leaves order to the database, is compared as a set: row for row
    it would pass or fail by the order DuckDB happened to return."""
    if q.get("ordered") is True:
        return True
    return "order by" in gold_sql.lower() and "order by" in answer_sql.lower()


def is_unanswerable(q: dict[str, Any]) -> bool:
    """`unanswerable: true`, `class: unanswerable`, or an explicit `sql: null`."""
    explicit_null = "sql" in q and q["sql"] is None
    return bool(q.get("unanswerable")) or q.get("class") == "unanswerable" or explicit_null


def _pct(xs: list[float], p: float) -> float:
    if not xs:
        return 0.0
    s = sorted(xs)
    return s[min(len(s) - 1, round(p * (len(s) - 1)))]


def _report(name: str, results: list[QuestionResult]) -> EvalReport:
    ans = [r for r in results if r.answerable]
    una = [r for r in results if not r.answerable]
    lat = [r.latency_ms for r in results]
    return EvalReport(
        name=name,
        total=len(results),
        answerable=len(ans),
        unanswerable=len(una),
        execution_match=sum(r.outcome == "match" for r in ans) / len(ans) if ans else 1.0,
        refusal_accuracy=sum(r.outcome == "refused_ok" for r in una) / len(una) if una else 1.0,
        confidently_wrong=sum(r.outcome in {"mismatch", "answered_wrongly"} for r in results),
        over_refused=sum(r.outcome in {"refused", "clarified"} for r in ans),
        errors=sum(r.outcome == "error" for r in results),
        cascaded=sum(r.outcome == "cascade" for r in results),
        latency_p50_ms=statistics.median(lat) if lat else 0.0,
        latency_p95_ms=_pct(lat, 0.95),
        results=results,
    )
