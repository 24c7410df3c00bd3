"""Reading model replies: extract the first JSON object from fenced or prose text, validate it
against SemanticQuery and the layer's names. Model output is untrusted input throughout."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from nexatron.nlq.llm.providers import Completion
from nexatron.semantic.model import SemanticLayer, SemanticQuery

ReplyKind = Literal["semantic", "cannot_express", "sql", "refusal", "invalid"]
_FENCE = re.compile(r"```([A-Za-z]*)[ \t]*\n?(.*?)```", re.DOTALL)
_NO_VALUES = {"is_null", "is_not_null"}
_MANY_VALUES = {"in", "not_in"}


@dataclass
class Reply:
    """A classified reply; `errors` (for kind "invalid") go back to the model in a repair round."""

    kind: ReplyKind
    query: SemanticQuery | None = None
    sql: str | None = None
    reason: str | None = None
    errors: list[str] = field(default_factory=list)


def clip(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def extract_json(text: str) -> tuple[dict[str, Any] | None, str | None]:
    """The first JSON object in `text` (whole text, fenced blocks, then any `{`), or an error."""
    stripped = text.strip()
    candidates = [stripped, *(m.group(2).strip() for m in _FENCE.finditer(text))]
    for cand in candidates:
        try:
            obj = json.loads(cand)
        except ValueError:
            continue
        if isinstance(obj, dict):
            return obj, None
    decoder = json.JSONDecoder()
    error = "the reply contains no JSON object"
    for match in re.finditer(r"\{", text):
        try:
            obj, _ = decoder.raw_decode(text, match.start())
        except json.JSONDecodeError as exc:
            if error.startswith("the reply contains no"):
                error = f"the JSON object is not valid ({exc.msg} at char {exc.pos})"
            continue
        if isinstance(obj, dict):
            return obj, None
    return None, error


def extract_sql(text: str) -> str | None:
    """SQL from a ```sql fenced block, for models that ignore the JSON instruction."""
    for m in _FENCE.finditer(text):
        if m.group(1).lower() == "sql" and m.group(2).strip():
            return m.group(2).strip()
    return None


def _pydantic_errors(exc: ValidationError) -> list[str]:
    out = []
    for e in exc.errors()[:10]:
        loc = ".".join(str(p) for p in e["loc"]) or "query"
        out.append(f"query.{loc}: {e['msg']}")
    return out


def _unknown(kind: str, name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"unknown {kind} {json.dumps(name)}{hint} Use only {kind} names listed in DATA."


def check_names(q: SemanticQuery, layer: SemanticLayer) -> list[str]:
    """Every name the query uses must exist in the layer with the right role."""
    metrics = [m.name for m in layer.metrics]
    dims = [d.name for d in layer.dimensions]
    errors: list[str] = []
    if not q.metrics and not q.dimensions:
        errors.append("the query needs at least one metric or dimension")
    errors += [_unknown("metric", m, metrics) for m in q.metrics if m not in metrics]
    errors += [_unknown("dimension", d, dims) for d in q.dimensions if d not in dims]
    time_dim = None
    if q.time and q.time.dimension:
        dim = layer.dimension(q.time.dimension)
        if dim is None:
            errors.append(_unknown("dimension", q.time.dimension, dims))
        elif dim.type != "time":
            errors.append(f"time.dimension {json.dumps(dim.name)} is not a time dimension")
        else:
            time_dim = dim.name
            if q.time.grain and dim.grains and q.time.grain not in dim.grains:
                errors.append(f"grain {q.time.grain} not allowed for {dim.name}: {dim.grains}")
    if q.time and q.time.range and not _ordered(q.time.range.start, q.time.range.end):
        errors.append("time.range.start must be before time.range.end (half-open range)")
    for f in q.filters:
        if f.field not in dims:
            errors.append(_unknown("dimension", f.field, dims))
        errors += _check_values(f"filter on {f.field}", f.op, f.values)
    for f in q.metric_filters:
        if f.field not in metrics:
            errors.append(_unknown("metric", f.field, metrics))
        errors += _check_values(f"metric filter on {f.field}", f.op, f.values)
    selected = {*q.metrics, *q.dimensions, *([time_dim] if time_dim else [])}
    for o in q.order:
        if o.field not in selected:
            errors.append(
                f"order field {json.dumps(o.field)} is not a selected metric or dimension"
            )
    return errors


def _ordered(start: dt.date | None, end: dt.date | None) -> bool:
    if start is None or end is None:
        return True
    as_dt = [
        d if isinstance(d, dt.datetime) else dt.datetime.combine(d, dt.time()) for d in (start, end)
    ]
    if (as_dt[0].tzinfo is None) != (as_dt[1].tzinfo is None):
        return True  # mixed naive/aware: leave it to the compiler
    return as_dt[0] < as_dt[1]


def _check_values(where: str, op: str, values: list[Any]) -> list[str]:
    if any(isinstance(v, dict | list) for v in values):
        return [f"{where}: values must be plain strings, numbers or booleans"]
    if op in _NO_VALUES:
        return [] if not values else [f"{where}: {op} takes no values"]
    if op == "between":
        return [] if len(values) == 2 else [f"{where}: between takes exactly two values"]
    if op in _MANY_VALUES:
        return [] if values else [f"{where}: {op} needs at least one value"]
    return [] if len(values) == 1 else [f"{where}: {op} takes exactly one value"]


def parse_semantic(obj: Any, layer: SemanticLayer) -> Reply:
    """Validate a query object against SemanticQuery and the layer's names."""
    if not isinstance(obj, dict):
        return Reply("invalid", errors=["query must be a JSON object"])
    try:
        query = SemanticQuery.model_validate(obj)
    except ValidationError as exc:
        return Reply("invalid", errors=_pydantic_errors(exc))
    errors = check_names(query, layer)
    return Reply("invalid", errors=errors) if errors else Reply("semantic", query=query)


def _reason(obj: dict[str, Any]) -> str | None:
    reason = obj.get("reason")
    return clip(reason) if isinstance(reason, str) and reason.strip() else None


def parse_reply(done: Completion, *, layer: SemanticLayer | None, allow_sql: bool) -> Reply:
    """Classify one completion. Prose without any JSON is a refusal; broken JSON is invalid."""
    if done.refusal:
        return Reply("refusal", reason=clip(done.refusal))
    obj, error = extract_json(done.text)
    if obj is None:
        sql = extract_sql(done.text) if allow_sql else None
        if sql:
            return Reply("sql", sql=sql)
        if "{" not in done.text and not done.truncated:
            return Reply("refusal", reason=clip(done.text) or "The model gave no answer.")
        cut = " (the reply was cut off; keep it shorter)" if done.truncated else ""
        return Reply("invalid", errors=[f"{error}{cut}"])
    kind = obj.get("kind")
    if kind is None and layer is not None and ("metrics" in obj or "dimensions" in obj):
        kind, obj = "semantic", {"query": obj}
    if kind is None and isinstance(obj.get("sql"), str):
        kind = "sql"
    if kind == "semantic" and layer is not None:
        return parse_semantic(obj.get("query"), layer)
    if kind == "sql" and allow_sql:
        sql = obj.get("sql")
        if isinstance(sql, str) and sql.strip():
            return Reply("sql", sql=sql.strip(), reason=_reason(obj))
        return Reply("invalid", errors=['"sql" must be a non-empty string'])
    if kind == "cannot_express" and layer is not None:
        return Reply("cannot_express", reason=_reason(obj))
    if kind == "refusal":
        return Reply("refusal", reason=_reason(obj) or "The model declined the question.")
    allowed = "semantic, cannot_express, refusal" if layer is not None else "sql, refusal"
    return Reply("invalid", errors=[f'"kind" must be one of: {allowed}'])
