"""Shared helpers for SQL snippets in a layer: parsing (cached), qualifying columns, identifiers."""

from __future__ import annotations

import functools
import re
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from nexatron.errors import Unprocessable

_PLAIN_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")
_RESERVED = frozenset(k.upper() for k in sqlglot.tokens.Tokenizer.KEYWORDS)


class CompileError(Unprocessable):
    """A semantic query (or layer) that cannot be turned into correct SQL; 422 with a reason."""

    def __init__(self, message: str, *, code: str = "invalid_query", **extra: Any) -> None:
        self.message = message
        super().__init__({"code": code, "message": message, **extra})

    def __str__(self) -> str:
        return self.message


@functools.lru_cache(maxsize=4096)
def _parse_cached(sql: str) -> exp.Expr:
    return _strip_meta(sqlglot.parse_one(sql))


def _strip_meta(tree: exp.Expr) -> exp.Expr:
    """Drop the parser's source positions: copying them dominated the cost of copying a tree."""
    for node in tree.walk():
        node._meta = None
    return tree


@functools.lru_cache(maxsize=64)
def _data_type(name: str) -> exp.DataType:
    return _strip_meta(exp.DataType.build(name))  # type: ignore[return-value]


def cast(x: exp.Expr, type_name: str) -> exp.Cast:
    """CAST(x AS type_name) without parsing the type name again on every call."""
    return exp.Cast(this=x, to=_data_type(type_name).copy())


def table(name: str) -> exp.Table:
    """A table (or CTE) by its bare name, built directly rather than parsed."""
    return exp.Table(this=ident(name))


def add_cte(select: exp.Select, name: str, query: exp.Query) -> exp.Select:
    """Append `WITH name AS (query)` to `select` in place (Select.with_ parses the name)."""
    cte = exp.CTE(this=query, alias=exp.TableAlias(this=ident(name)))
    existing = select.args.get("with_")
    if existing is None:
        select.set("with_", exp.With(expressions=[cte]))
    else:
        existing.append("expressions", cte)
    return select


def parse_expr(sql: str) -> exp.Expr:
    """Parse a neutral-dialect SQL snippet; returns a fresh copy (callers may mutate it)."""
    try:
        return _parse_cached(sql.strip()).copy()
    except (ParseError, sqlglot.errors.TokenError) as err:
        raise CompileError(f"Cannot parse SQL expression {sql!r}: {err}", code="bad_expr") from err


def try_parse(sql: str) -> tuple[exp.Expr | None, str | None]:
    """Parse a snippet, returning (expression, None) or (None, error message)."""
    try:
        parsed = _parse_cached(sql.strip())
    except (ParseError, sqlglot.errors.TokenError, ValueError) as err:
        return None, str(err).splitlines()[0] if str(err) else "syntax error"
    if isinstance(parsed, exp.Select | exp.Union | exp.Command):
        return None, "expected an expression, not a statement"
    return parsed.copy(), None


def ident(name: str, *, force_quote: bool = False) -> exp.Identifier:
    """An identifier quoted only when needed (mixed case, odd characters, reserved words)."""
    return exp.Identifier(this=name, quoted=force_quote or _needs_quotes(name))


@functools.lru_cache(maxsize=8192)
def _needs_quotes(name: str) -> bool:
    return not _PLAIN_IDENT.match(name) or name.upper() in _RESERVED


def table_ref(ref: str, alias: str) -> exp.Table:
    """`table` or `schema.table` (or `catalog.schema.table`) as an aliased table node."""
    parts = ref.split(".")
    table = exp.Table(this=ident(parts[-1]), alias=exp.TableAlias(this=ident(alias)))
    if len(parts) >= 2:
        table.set("db", ident(parts[-2]))
    if len(parts) >= 3:
        table.set("catalog", ident(parts[-3]))
    return table


def col(name: str, table: str | None = None) -> exp.Column:
    return exp.Column(this=ident(name), table=ident(table) if table else None)


def qualify(expr: exp.Expr, alias: str) -> exp.Expr:
    """Qualify bare column references in `expr` with the table alias `alias`."""
    for column in list(expr.find_all(exp.Column)):
        column.set("table", ident(alias))
        column.set("db", None)
        column.set("catalog", None)
    return expr


def column_names(expr: exp.Expr) -> list[str]:
    """Names of the columns an expression reads."""
    return [c.name for c in expr.find_all(exp.Column)]


def dotted_name(column: exp.Column) -> str:
    """`a.b.c` for a column node parsed from a dotted metric name."""
    return ".".join(p.name for p in column.parts)
