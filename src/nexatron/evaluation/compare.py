"""Row comparison for execution match: cells normalised, column order ignored within a row.

An answer may show an entity's key beside its name ('customer id', 'full name', count): per-entity
breakdowns group by both so that two customers with the same name stay apart, and show both so the
reader can tell them apart. Gold SQL written by people shows the key only when names repeat (see
eval/dayone/README.md). So the key columns of an answer (the plan's `keys`) may be left out when
the gold has no column for them: the rest must then match exactly, row for row. Nothing else is
ever dropped, and the gold's columns never are.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any


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


def rows_match(
    got: list[tuple[Any, ...]],
    gold: list[tuple[Any, ...]],
    ordered: bool,
    key_columns: tuple[int, ...] = (),
    runs: list[int] | None = None,
) -> bool:
    """Same rows (cells compared per row regardless of column order; rows ordered only if asked).

    `key_columns`: positions of the answer's entity-key columns, which may be left out when the
    gold has that many fewer columns (same number of rows, every other cell equal).
    `runs`: with `ordered`, the lengths of the gold's runs of rows tied on its sort keys
    (`gold_order.tie_runs`); the rows of a run may come in any order."""
    if len(got) != len(gold):
        return False
    if _same(got, gold, ordered, runs):
        return True
    width = len(got[0]) if got else 0
    if not key_columns or not gold or len(gold[0]) != width - len(key_columns):
        return False
    kept = [i for i in range(width) if i not in key_columns]
    return _same([tuple(r[i] for i in kept) for r in got], gold, ordered, runs)


def _same(
    got: list[tuple[Any, ...]], gold: list[tuple[Any, ...]], ordered: bool, runs: list[int] | None
) -> bool:
    if not ordered or runs is None or sum(runs) != len(gold):
        return _rows(got, ordered) == _rows(gold, ordered)
    start = 0
    for length in runs:
        end = start + length
        if _rows(got[start:end], False) != _rows(gold[start:end], False):
            return False
        start = end
    return True
