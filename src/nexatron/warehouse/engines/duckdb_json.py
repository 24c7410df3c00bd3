"""DuckDB renders a result's rows as JSON text itself, for the stream route: one string per row,
so Python never builds row objects or converts values.

The text must be byte for byte what the Python path sends (`JsonRows.of` over `convert_rows`,
i.e. orjson): tests compare both over hundreds of thousands of values. DuckDB's own JSON differs
in places, so each type gets an expression that matches:
- integers and booleans: their text;
- DOUBLE (and FLOAT, widened to DOUBLE as the driver does): NULL, NaN and infinities -> null;
  DuckDB's VARCHAR cast writes Python's shortest repr, which is orjson's text from 1e-4 up (and
  0); from 1e-5 to 1e-4 orjson writes plain decimals, as DuckDB's JSON does; below, orjson writes
  the exponent without its leading zero (1e-7, not 1e-07);
- VARCHAR: DuckDB's JSON string, except that it writes the escapes of control characters with
  capital hex digits (orjson: small), so a string whose JSON holds `\\u00` is escaped here instead
  (a plain substring test: a regular expression over the value cost 0.08 s per 1M rows).
- HUGEINT/UHUGEINT: their text, and a second column saying whether the row holds one beyond
  64 bits: orjson refuses those, so the Python path writes that whole batch with the standard
  library; `JsonTextBatches` does the same for such a batch (parsed back, then `JsonRows.of`).
Any other type (DECIMAL, dates, times, lists, ...) is left to the Python path.
"""

from __future__ import annotations

from collections.abc import Sequence

_INTEGERS = frozenset(
    {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}
)
_BOOLEAN = "BOOLEAN"
_FLOATS = frozenset({"DOUBLE", "FLOAT"})
_TEXT = "VARCHAR"
_WIDE = frozenset({"HUGEINT", "UHUGEINT"})
#: What orjson writes as a number: a signed or an unsigned 64-bit integer.
_INT64_MIN, _UINT64_MAX = -(2**63), 2**64 - 1

#: orjson's escapes of control characters (DuckDB writes \u000B where orjson writes \u000b).
_SHORT = {8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r"}
_ESCAPES = [(chr(c), _SHORT.get(c, f"\\u{c:04x}")) for c in range(32)]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _double(x: str) -> str:
    x = f"CAST({x} AS DOUBLE)"
    return (
        f"CASE WHEN {x} IS NULL OR NOT isfinite({x}) THEN 'null' "
        f"WHEN abs({x}) >= 1e-4 OR {x} = 0 THEN CAST({x} AS VARCHAR) "
        f"WHEN abs({x}) >= 1e-5 THEN CAST(to_json({x}) AS VARCHAR) "
        f"ELSE replace(CAST({x} AS VARCHAR), 'e-0', 'e-') END"
    )


def _string(x: str) -> str:
    escaped = f"replace(replace({x}, '\\', '\\\\'), '\"', '\\\"')"
    for char, escape in _ESCAPES:
        escaped = f"replace({escaped}, chr({ord(char)}), {_quote(escape)})"
    as_json = f"CAST(to_json({x}) AS VARCHAR)"
    return (
        f"CASE WHEN {x} IS NULL THEN 'null' "
        f"WHEN contains({as_json}, '\\u00') THEN concat('\"', {escaped}, '\"') "
        f"ELSE {as_json} END"
    )


def value_sql(column: str, type_name: str) -> str | None:
    """The SQL rendering one value of `column` (of DuckDB type `type_name`) as JSON text, or
    None when that type is left to the Python path."""
    if type_name in _INTEGERS or type_name in _WIDE or type_name == _BOOLEAN:
        return f"coalesce(CAST({column} AS VARCHAR), 'null')"
    if type_name in _FLOATS:
        return _double(column)
    if type_name == _TEXT:
        return _string(column)
    return None


def rows_sql(query: str, types: Sequence[str]) -> tuple[str, bool] | None:
    """A statement over `query` (one read-only SELECT) returning each of its rows as one JSON
    array in text, and whether it returns a second column (true: the row holds an integer
    beyond 64 bits); or None when a column's type is not rendered here. Columns are taken by
    position (#1, #2, ...): a result may repeat a name."""
    if not types:
        return None
    values = [value_sql(f"#{i}", t) for i, t in enumerate(types, start=1)]
    if any(v is None for v in values):
        return None
    # concat() rather than ||: 0.06 s less per 1M rows; no value expression is ever NULL
    row = ", ',', ".join(str(v) for v in values)
    wide = [
        f"coalesce(#{i} < {_INT64_MIN} OR #{i} > {_UINT64_MAX}, false)"
        for i, t in enumerate(types, start=1)
        if t in _WIDE
    ]
    flag = f", {' OR '.join(wide)}" if wide else ""
    return f"SELECT concat('[', {row}, ']'){flag} FROM (\n{query}\n) AS nx_rows", bool(wide)


def describe_sql(query: str) -> str:
    """Names and types of `query`'s columns without running it (DuckDB binds DESCRIBE only)."""
    return f"DESCRIBE SELECT * FROM (\n{query}\n) AS nx_rows"
