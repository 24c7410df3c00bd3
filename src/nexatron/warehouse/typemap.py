"""Map a native column type string from any engine to the normalized type names."""

from __future__ import annotations

import re

from nexatron.warehouse.types import NormalizedType

_WRAPPERS = re.compile(r"^(nullable|lowcardinality)\((.*)\)$", re.IGNORECASE)
_RULES: tuple[tuple[NormalizedType, tuple[str, ...]], ...] = (
    ("array", ("array", "[]", "list", "repeated")),
    ("json", ("json", "variant", "object", "struct", "map", "tuple", "record")),
    ("uuid", ("uuid", "uniqueidentifier")),
    ("interval", ("interval",)),
    ("boolean", ("bool", "bit")),
    ("timestamp", ("timestamp", "datetime", "smalldatetime", "timestamptz")),
    ("date", ("date",)),
    ("time", ("time",)),
    ("decimal", ("decimal", "numeric", "money", "bignumeric", "number")),
    ("float", ("float", "double", "real", "binary_double")),
    ("integer", ("int", "uint", "serial", "bigserial", "smallserial")),
    ("binary", ("bytea", "blob", "binary", "varbinary", "bytes", "image")),
    (
        "string",
        (
            "char",
            "text",
            "string",
            "clob",
            "enum",
            "nvarchar",
            "varchar",
            "fixedstring",
            "name",
            "bpchar",
            "citext",
            "nchar",
            "ntext",
            "tinytext",
            "mediumtext",
            "longtext",
        ),
    ),
)


def normalize_type(native: str) -> NormalizedType:
    """Best-effort normalization; unknown types map to "other"."""
    t = native.strip().lower()
    while m := _WRAPPERS.match(t):
        t = m.group(2).strip()
    base = re.split(r"[\s(]", t, maxsplit=1)[0] if t else ""
    if t.endswith("[]"):
        return "array"
    if base in ("number", "numeric", "decimal"):
        return "integer" if re.search(r"\(\s*\d+\s*,\s*0\s*\)", t) else "decimal"
    if base.endswith("int") and base not in ("point",):
        return "integer"
    for normalized, needles in _RULES:
        if any(base.startswith(n) for n in needles):
            return normalized
    return "other"
