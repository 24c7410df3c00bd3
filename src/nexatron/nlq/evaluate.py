"""Evaluation harness: questions with gold SQL over a generated DuckDB dataset, scored by execution.

A YAML file names a dataset (a DuckDB file, or a generator script with `build(path)`), a semantic
layer, a fixed `now`, and questions with `sql`, `unanswerable: true` or `follow_up_of`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import yaml
from pydantic import BaseModel, Field

from nexatron.errors import NexatronError
from nexatron.nlq.errors import Clarification, WriteRefused
from nexatron.nlq.lexicon import build_lexicon
from nexatron.nlq.understand import understand
from nexatron.semantic.dates import DateContext
from nexatron.semantic.model import SemanticLayer, SemanticQuery


class QuestionResult(BaseModel):
    id: str
    question: str
    answerable: bool
    # match | mismatch | refused | clarified | error | refused_ok | answered_wrongly | cascade
    outcome: str
    detail: str = ""
    latency_ms: float = 0.0


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


def _cell(v: Any) -> Any:
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int | float | decimal.Decimal):
        return float(f"{float(v):.6g}")
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _rows(rows: list[tuple[Any, ...]], ordered: bool) -> list[tuple[str, ...]]:
    norm = [tuple(sorted(repr(_cell(c)) for c in r)) for r in rows]
    return norm if ordered else sorted(norm)


def rows_match(got: list[tuple[Any, ...]], gold: list[tuple[Any, ...]], ordered: bool) -> bool:
    """Same rows (cells compared per row regardless of column order; rows ordered only if asked)."""
    return len(got) == len(gold) and _rows(got, ordered) == _rows(gold, ordered)


def _load_module(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(f"nexatron_eval_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


def _layer(spec: Any, base: Path) -> SemanticLayer:
    data = yaml.safe_load((base / spec).read_text()) if isinstance(spec, str) else spec
    return SemanticLayer.model_validate(data)


def run_eval(path: str | Path) -> EvalReport:
    """Parse, compile for DuckDB, execute and compare every question of an eval file."""
    from nexatron.semantic.compiler import compile_query

    file = Path(path)
    spec = yaml.safe_load(file.read_text())
    base = file.parent
    layer = _layer(spec["layer"], base)
    now = dt.datetime.fromisoformat(str(spec["now"]))
    ctx = DateContext(now=now, timezone=spec.get("timezone", "UTC"))
    with tempfile.TemporaryDirectory() as tmp:
        ds = spec["dataset"]
        db = Path(tmp) / "eval.duckdb"
        if "generator" in ds:
            _load_module(base / ds["generator"]).build(str(db))
        else:
            db = base / ds["path"]
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
    answerable = not q.get("unanswerable", False)
    parent = str(q["follow_up_of"]) if q.get("follow_up_of") else None
    previous = plans.get(parent) if parent else None
    t0 = time.perf_counter()
    try:
        plan = understand(text, lex, ctx=ctx, previous=previous)
        sql = compile_query(layer, plan.query, "duckdb").sql
    except NexatronError as e:  # a refusal, clarification or uncompilable plan: all are 422s
        ms = (time.perf_counter() - t0) * 1000
        kind = "clarified" if isinstance(e, Clarification | WriteRefused) else "refused"
        if parent is not None and previous is None:
            kind = "cascade"
        outcome = "refused_ok" if not answerable else kind
        return QuestionResult(
            id=qid,
            question=text,
            answerable=answerable,
            outcome=outcome,
            detail=str(e.detail)[:300],
            latency_ms=ms,
        )
    ms = (time.perf_counter() - t0) * 1000
    plans[qid] = plan.query
    try:
        got = con.execute(sql).fetchall()
    except Exception as e:  # an execution failure counts as an error, not an answer
        return QuestionResult(
            id=qid,
            question=text,
            answerable=answerable,
            outcome="error",
            detail=f"{type(e).__name__}: {e}"[:300],
            latency_ms=ms,
        )
    if not answerable:
        return QuestionResult(
            id=qid,
            question=text,
            answerable=False,
            outcome="answered_wrongly",
            detail=plan.query.model_dump_json(exclude_defaults=True),
            latency_ms=ms,
        )
    gold_sql = str(q["sql"])
    gold = con.execute(gold_sql).fetchall()
    ordered = "order by" in gold_sql.lower()
    ok = rows_match(got, gold, ordered)
    detail = "" if ok else plan.query.model_dump_json(exclude_defaults=True)
    return QuestionResult(
        id=qid,
        question=text,
        answerable=True,
        outcome="match" if ok else "mismatch",
        detail=detail,
        latency_ms=ms,
    )


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


def format_report(r: EvalReport, verbose: bool = False) -> str:
    """A short text report; failures listed when `verbose`."""
    lines = [
        f"{r.name}: {r.total} questions ({r.answerable} answerable, {r.unanswerable} unanswerable)",
        f"  execution match   {r.execution_match:.1%}",
        f"  refusal accuracy  {r.refusal_accuracy:.1%}",
        f"  confidently wrong {r.confidently_wrong}",
        f"  over-refused      {r.over_refused}",
        f"  errors            {r.errors}",
        f"  cascaded          {r.cascaded} (follow-ups of a failed question)",
        f"  latency p50/p95   {r.latency_p50_ms:.2f} / {r.latency_p95_ms:.2f} ms",
    ]
    if verbose:
        for x in r.results:
            if x.outcome not in {"match", "refused_ok"}:
                lines.append(f"  [{x.outcome}] {x.id}: {x.question} -> {x.detail}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """`nexatron eval FILE... [-v]`: a report per file; exit 1 on any confidently wrong answer."""
    args = list(sys.argv[1:] if argv is None else argv)
    verbose = "-v" in args
    files = [a for a in args if a != "-v"]
    worst = 0
    for f in files:
        report = run_eval(f)
        print(format_report(report, verbose))
        worst = max(worst, 1 if report.confidently_wrong else 0)
    return worst


if __name__ == "__main__":
    raise SystemExit(main())
