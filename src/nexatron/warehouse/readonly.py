"""A statement check for engines whose sessions cannot be made read-only (Snowflake, BigQuery,
SQL Server): defence in depth under the query guard, not a replacement for a read-only role."""

from __future__ import annotations

from functools import lru_cache

import sqlglot
from sqlglot import exp

from nexatron.warehouse.failures import QueryFailed

_WRITES: tuple[type[exp.Expression], ...] = (
    exp.Insert,
    exp.Update,
    exp.Delete,
    exp.Merge,
    exp.Create,
    exp.Drop,
    exp.Alter,
    exp.TruncateTable,
    exp.Copy,
    exp.Command,
    exp.Into,
    exp.Set,
    exp.Use,
    exp.Transaction,
    exp.Commit,
    exp.Rollback,
    exp.Grant,
    exp.LoadData,
)


def ensure_read_only(sql: str, dialect: str) -> None:
    """Raise QueryFailed unless `sql` is exactly one SELECT / set operation without writes."""
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except sqlglot.errors.SqlglotError as exc:
        raise QueryFailed(f"Refused: the statement could not be parsed as {dialect} SQL.") from exc
    if len(statements) != 1:
        raise QueryFailed("Refused: exactly one statement is allowed.")
    root = statements[0]
    if not isinstance(root, exp.Query):
        raise QueryFailed("Refused: only read-only SELECT statements may run on this connection.")
    bad = next(iter(root.find_all(*_WRITES)), None)
    if bad is not None:
        kind = type(bad).__name__.upper()
        raise QueryFailed(f"Refused: {kind} is not allowed on a read-only connection.")


@lru_cache(maxsize=4096)
def ensure_single_statement(sql: str, dialect: str) -> None:
    """Raise QueryFailed if `sql` holds more than one statement (tokenized, so strings and
    comments are respected). Stops "COMMIT; DROP ..." from escaping a read-only transaction."""
    if ";" not in sql and sql.strip() and not any(m in sql for m in ("--", "/*", "#")):
        return  # no separator character at all, and text that is not all comment: one statement
    try:
        tokens = sqlglot.Dialect.get_or_raise(dialect).tokenize(sql)
    except sqlglot.errors.SqlglotError as exc:
        raise QueryFailed("Refused: the statement could not be tokenized.") from exc
    seen_separator = False
    for token in tokens:
        if token.token_type == sqlglot.TokenType.SEMICOLON:
            seen_separator = True
        elif seen_separator:
            raise QueryFailed("Refused: exactly one statement is allowed.")
    if not any(t.token_type != sqlglot.TokenType.SEMICOLON for t in tokens):
        raise QueryFailed("Refused: the statement is empty.")
