"""Convert driver values to JSON-safe Python values, faithfully, and label result columns."""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import ipaddress
import math
import time
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from nexatron.warehouse.types import ResultColumn, ResultSet

_MAX_EXACT_DIGITS = 15


def decimal_to_json(value: decimal.Decimal) -> int | float | str | None:
    """Integral (< 10**15) -> int; else float if it round-trips within 15 significant digits;
    else str (exactness over convenience)."""
    if not value.is_finite():
        return None
    if value == value.to_integral_value() and abs(value) < 10**_MAX_EXACT_DIGITS:
        return int(value)
    digits = len(value.normalize().as_tuple().digits)
    as_float = float(value)
    if digits <= _MAX_EXACT_DIGITS and decimal.Decimal(repr(as_float)) == value:
        return as_float
    return str(value)


def to_json_value(value: Any) -> Any:
    """One value: NULL/NaN/inf -> None, dates -> ISO 8601, UUID -> str, bytes -> base64."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, decimal.Decimal):
        return decimal_to_json(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, uuid.UUID | ipaddress.IPv4Address | ipaddress.IPv6Address):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json_value(v) for v in value]
    return str(value)


#: Types `to_json_value` returns unchanged (exact types: a subclass takes the full path).
_PLAIN = frozenset({str, int, bool, type(None)})
_PLAIN_OR_FLOAT = _PLAIN | {float}


def convert_rows(rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
    """Every row as a list of JSON-safe values. A batch holding only strings, integers,
    booleans, NULLs and finite floats (most results) is copied without a call per value."""
    rows = rows if isinstance(rows, list) else list(rows)
    kinds = {type(v) for row in rows for v in row}
    if kinds <= _PLAIN_OR_FLOAT and (
        float not in kinds or all(math.isfinite(v) for row in rows for v in row if type(v) is float)
    ):
        return [list(row) for row in rows]
    return [[to_json_value(v) for v in row] for row in rows]


def value_kind(value: Any) -> str | None:
    """The result-column type a raw driver value implies (None for NULL)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float | decimal.Decimal):
        return "number"
    if isinstance(value, dt.datetime):
        return "timestamp"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, str | uuid.UUID):
        return "string"
    return "other"


def result_columns(
    names: Sequence[str], rows: Sequence[Sequence[Any]], hints: Sequence[str | None] = ()
) -> list[ResultColumn]:
    """Label columns from driver type hints where given, else from the first non-NULL value."""
    columns = []
    for i, name in enumerate(names):
        kind = hints[i] if i < len(hints) else None
        if kind is None:
            kind = next((k for row in rows if (k := value_kind(row[i])) is not None), "string")
        columns.append(ResultColumn(name=name, type=kind))
    return columns


def capped_result(
    names: list[str], raw: Sequence[Sequence[Any]], row_cap: int, started: float
) -> ResultSet:
    """The result of fetching `row_cap + 1` rows: the first `row_cap`, converted, and whether
    there were more. `started` is the `time.perf_counter()` before the statement ran."""
    rows = raw[:row_cap]
    return ResultSet(
        columns=result_columns(names, rows),
        rows=convert_rows(rows),
        truncated=len(raw) > row_cap,
        elapsed_ms=round((time.perf_counter() - started) * 1000, 2),
    )
