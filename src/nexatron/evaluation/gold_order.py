"""Where a gold query's ORDER BY leaves rows tied: runs of rows whose sort keys are equal.

A gold SQL that orders by a count may order two rows with the same count either way, and DuckDB
returns them in any order from run to run. Comparing answers row for row then flips between
correct and wrong. `tie_runs` re-runs the gold with its sort keys added as columns and gives the
lengths of the runs of equal keys, so the comparison may take the rows of a run in any order
(`compare.rows_match(..., runs=...)`). Statements it cannot extend (DISTINCT, set operations, no
ORDER BY, anything that fails) give None: every row is then its own run, compared in order.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

import sqlglot
from sqlglot import exp


def _with_sort_keys(sql: str) -> tuple[str, int, int] | None:
    """The gold SQL with its ORDER BY keys appended as columns; its width; the keys' count."""
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except sqlglot.errors.ParseError:
        return None
    order = tree.args.get("order") if isinstance(tree, exp.Select) else None
    if not isinstance(tree, exp.Select) or order is None or tree.args.get("distinct"):
        return None
    width = len(tree.expressions)
    keys: list[exp.Expression] = []
    for ordered in order.expressions:
        key = ordered.this
        if isinstance(key, exp.Literal) and key.is_int:  # ORDER BY 2: the second column
            position = int(key.this) - 1
            if not 0 <= position < width:
                return None
            key = tree.expressions[position]
            key = key.this if isinstance(key, exp.Alias) else key
        keys.append(key.copy())
    extended = tree.copy()
    for n, key in enumerate(keys):
        extended = extended.select(exp.alias_(key, f"__sort_key_{n}"), copy=False)
    return extended.sql(dialect="duckdb"), width, len(keys)


def tie_runs(con: Any, sql: str, rows: int) -> list[int] | None:
    """Lengths of the runs of equal sort keys in the gold's answer (summing to `rows`), or None."""
    extended = _with_sort_keys(sql)
    if extended is None:
        return None
    text, width, count = extended
    try:
        keyed = con.execute(text).fetchall()
    except Exception:  # a key the extended statement cannot project: compare in order
        return None
    if len(keyed) != rows:
        return None
    runs = [len(list(run)) for _, run in groupby(r[width : width + count] for r in keyed)]
    return runs
