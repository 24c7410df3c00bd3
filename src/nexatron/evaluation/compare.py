"""Row comparison for execution match: cells normalised, column order ignored within a row."""

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


def rows_match(got: list[tuple[Any, ...]], gold: list[tuple[Any, ...]], ordered: bool) -> bool:
    """Same rows (cells compared per row regardless of column order; rows ordered only if asked)."""
    return len(got) == len(gold) and _rows(got, ordered) == _rows(gold, ordered)
