"""`enforce_row_cap`: make sure a checked query returns at most `cap` rows."""

from __future__ import annotations

from sqlglot import exp

from nexatron.guard.rejection import GuardRejected

_TOP_DIALECTS = frozenset({"tsql", "fabric"})


def _limit_value(query: exp.Query) -> int | None:
    limit = query.args.get("limit")
    if limit is None:
        return None
    options = limit.args.get("limit_options")
    if options is not None and (options.args.get("percent") or options.args.get("with_ties")):
        return -1
    if isinstance(limit, exp.Fetch):
        value = limit.args.get("count")
    else:
        value = limit.args.get("expression") or limit.this
    if isinstance(value, exp.Literal) and not value.is_string:
        try:
            return int(str(value.this))
        except ValueError:
            return -1
    return -1  # an expression or parameter: treat as unknown and replace it


def enforce_row_cap(expr: exp.Expression, dialect: str, cap: int) -> str:
    """SQL for `expr` in `dialect` returning at most `cap` rows (LIMIT, or TOP for SQL Server).

    An existing limit is kept when it is already at most `cap`; otherwise it is replaced. Pass
    `cap + 1` to detect truncation. Comments are dropped from the generated SQL.
    """
    if cap < 1:
        raise ValueError("cap must be at least 1")
    query = expr
    while isinstance(query, exp.Subquery):
        query = query.this
    if not isinstance(query, exp.Query):
        raise GuardRejected("Only a SELECT query can be row-capped.", reason="statement_type")
    query = query.copy()
    current = _limit_value(query)
    if current is not None and 0 <= current <= cap:
        return query.sql(dialect=dialect, comments=False)
    if isinstance(query, exp.SetOperation) and dialect in _TOP_DIALECTS:
        order = query.args.get("order")
        query.set("order", None)
        query = exp.select("*").from_(query.subquery("capped"))
        if order is not None:
            query.set("order", order)
    query = query.limit(cap, copy=False)
    return query.sql(dialect=dialect, comments=False)
