"""Structured filters (`{field, op, values}`) as SQL predicates, with literals typed per dialect."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from sqlglot import exp

from nexatron.semantic.dialects import LiteralKind, SqlDialect
from nexatron.semantic.exprs import CompileError

_LIKE_META = re.compile(r"[%_\\\[\]]")
_SINGLE = {"=", "!=", ">", ">=", "<", "<="}


def literal(
    value: Any, kind: str, dialect: SqlDialect, time_kind: LiteralKind = "date"
) -> exp.Expr:
    """A SQL literal for a filter value; `kind` is the dimension type (string, number, ...)."""
    if value is None:
        return exp.null()
    if isinstance(value, bool):
        return exp.true() if value else exp.false()
    if kind == "time" or isinstance(value, dt.date):
        return dialect.date_literal(_as_date(value), time_kind)
    if isinstance(value, int | float):
        return exp.Literal.number(value)
    if kind == "number":
        try:
            return exp.Literal.number(float(str(value)) if "." in str(value) else int(str(value)))
        except ValueError:
            raise CompileError(f"{value!r} is not a number.", code="bad_value") from None
    if kind == "boolean" and str(value).lower() in ("true", "false"):
        return exp.true() if str(value).lower() == "true" else exp.false()
    return exp.Literal.string(str(value))


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        text = str(value)
        return dt.datetime.fromisoformat(text) if len(text) > 10 else dt.date.fromisoformat(text)
    except ValueError:
        raise CompileError(
            f"{value!r} is not an ISO date or timestamp.", code="bad_value"
        ) from None


def predicate(
    x: exp.Expr,
    op: str,
    values: Sequence[Any],
    *,
    kind: str,
    dialect: SqlDialect,
    field: str,
    time_kind: LiteralKind = "date",
) -> exp.Expr:
    """`x <op> values` as a predicate. `!=` and not_in keep NULLs (like Cube's notEquals)."""
    _check_arity(op, values, field)

    def lit(v: Any) -> exp.Expr:
        return literal(v, kind, dialect, time_kind)

    if op in ("is_null", "is_not_null") or (op in ("=", "!=") and values[0] is None):
        is_null = exp.Is(this=x, expression=exp.null())
        return is_null if op in ("is_null", "=") else exp.Not(this=is_null)
    if op == "=" and len(values) == 1:
        return exp.EQ(this=x, expression=lit(values[0]))
    if op in ("in", "="):
        return exp.In(this=x, expressions=[lit(v) for v in values])
    if op in ("!=", "not_in"):
        if op == "!=" and len(values) == 1:
            differs: exp.Expr = exp.NEQ(this=x, expression=lit(values[0]))
        else:
            differs = exp.Not(this=exp.In(this=x, expressions=[lit(v) for v in values]))
        return exp.Paren(
            this=exp.Or(this=differs, expression=exp.Is(this=x.copy(), expression=exp.null()))
        )
    if op == "between":
        return exp.Between(this=x, low=lit(values[0]), high=lit(values[1]))
    if op in _SINGLE:
        cls = {">": exp.GT, ">=": exp.GTE, "<": exp.LT, "<=": exp.LTE}[op]
        return cls(this=x, expression=lit(values[0]))
    if op in ("contains", "starts_with"):
        parts = [_text_match(x.copy(), str(v), op, dialect) for v in values]
        return exp.Paren(this=exp.or_(*parts, copy=False)) if len(parts) > 1 else parts[0]
    raise CompileError(f"Unknown filter operator {op!r} on {field}.", code="bad_filter")


def _check_arity(op: str, values: Sequence[Any], field: str) -> None:
    n = len(values)
    if op in ("is_null", "is_not_null"):
        ok, need = n == 0, "no values"
    elif op == "between":
        ok, need = n == 2, "exactly two values (low, high)"
    elif op in (">", ">=", "<", "<="):
        ok, need = n == 1, "exactly one value"
    else:
        ok, need = n >= 1, "at least one value"
    if not ok:
        raise CompileError(
            f"Filter on {field} with {op!r} needs {need}; got {n}.", code="bad_filter"
        )


def _text_match(x: exp.Expr, value: str, op: str, dialect: SqlDialect) -> exp.Expr:
    """Case-insensitive contains / starts_with; LIKE when the value has no wildcard characters."""
    if not _LIKE_META.search(value):
        pattern = f"%{value}%" if op == "contains" else f"{value}%"
        return dialect.ci_like(x, pattern)
    low_x, low_v = exp.Lower(this=x), exp.Lower(this=exp.Literal.string(value))
    if op == "contains":
        return exp.GT(
            this=exp.StrPosition(this=low_x, substr=low_v), expression=exp.Literal.number(0)
        )
    head = exp.Substring(
        this=low_x, start=exp.Literal.number(1), length=exp.Literal.number(len(value))
    )
    return exp.EQ(this=head, expression=low_v)
