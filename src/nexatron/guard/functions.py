"""Which SQL functions a query may call: an allowlist by sqlglot class, and by name for the rest.

Typed function classes are allowed when they come from sqlglot's pure-function modules (math,
string, dates, aggregates, arrays, JSON) and are not on the deny list below. Functions sqlglot does
not know (`exp.Anonymous` and friends) are allowed only when their name is on a short list of
common, side-effect-free functions; everything else, including user-defined functions, is refused.
"""

from __future__ import annotations

from sqlglot import exp

_PURE_MODULES = frozenset(
    {
        "sqlglot.expressions.aggregate",
        "sqlglot.expressions.array",
        "sqlglot.expressions.json",
        "sqlglot.expressions.math",
        "sqlglot.expressions.string",
        "sqlglot.expressions.temporal",
    }
)

# Safe typed classes outside the pure modules.
_SAFE_CLASSES = frozenset(
    {
        "And",
        "Or",
        "Xor",
        "Pow",
        "RegexpLike",
        "ApproxDistinct",
        "Case",
        "Cast",
        "CastToStrType",
        "Coalesce",
        "Collate",
        "Convert",
        "DecodeCase",
        "EqualNull",
        "Exists",
        "Float64",
        "Greatest",
        "If",
        "Int64",
        "IsArray",
        "IsNullValue",
        "LaxBool",
        "LaxFloat64",
        "LaxInt64",
        "LaxString",
        "Least",
        "Nullif",
        "Nvl2",
        "RangeBucket",
        "ToBoolean",
        "Try",
        "TryCast",
        "WeekStart",
        "WidthBucket",
    }
)

# Typed classes inside the pure modules that still call out (AI services, files, secrets).
_DENIED_CLASSES = frozenset(
    {
        "AIAgg",
        "AISummarizeAgg",
        "Secret",
        "ToFile",
        "Decrypt",
        "DecryptRaw",
        "Encrypt",
        "EncryptRaw",
        "Apply",
        "GapFill",
    }
)

# Functions sqlglot has no class for (parsed as Anonymous) that are harmless everywhere.
SAFE_FUNCTION_NAMES = frozenset(
    {
        "abs",
        "age",
        "any_value",
        "array_length",
        "avg",
        "bool_and",
        "bool_or",
        "btrim",
        "cardinality",
        "ceiling",
        "char_length",
        "character_length",
        "charindex",
        "coalesce",
        "concat",
        "count",
        "countif",
        "date",
        "date_format",
        "date_part",
        "datediff",
        "datename",
        "datepart",
        "datetrunc",
        # Pure date functions the semantic compiler emits by name in some dialects.
        "dateadd",
        "datefromparts",
        "date_add",
        "date_sub",
        "date_trunc",
        "dayofmonth",
        "dayofweekiso",
        "quarter",
        "weekday",
        "todatetime",
        "tomonday",
        "day",
        "dayofweek",
        "div",
        "eomonth",
        "every",
        "format_date",
        "getdate",
        "iif",
        "ifnull",
        "isnull",
        "isoweek",
        "julianday",
        "len",
        "lpad",
        "ltrim",
        "makedate",
        "mod",
        "month",
        "nullif",
        "nvl",
        "position",
        "power",
        "rpad",
        "rtrim",
        "strftime",
        "string_agg",
        "substr",
        "sum",
        "to_date",
        "to_timestamp",
        "trunc",
        "uniq",
        "uniqexact",
        "year",
        "yearweek",
        "todate",
        "tostartofmonth",
        "tostartofquarter",
        "tostartofyear",
        "tostartofweek",
        "tostartofday",
        "toyear",
        "tomonth",
        "toyyyymm",
        "sumif",
        "avgif",
        "minif",
        "maxif",
    }
)


# Classes whose name is chosen by the SQL text, so they are judged by that name.
NAMED_FUNCTION_CLASSES: tuple[type[exp.Func], ...] = (
    exp.Anonymous,
    exp.AnonymousAggFunc,
    exp.CombinedAggFunc,
    exp.ParameterizedAgg,
    exp.CombinedParameterizedAgg,
)


def function_name(node: exp.Func) -> str:
    """The name a function was written with, lower-cased (`pg_sleep`, `read_csv`, `sum`)."""
    if isinstance(node, NAMED_FUNCTION_CLASSES):
        return str(node.name).lower()
    return node.sql_name().lower()


def is_allowed_class(cls: type[exp.Func]) -> bool:
    """True when every call of this typed function class is side-effect free."""
    name = cls.__name__
    if name in _DENIED_CLASSES:
        return False
    return name in _SAFE_CLASSES or cls.__module__ in _PURE_MODULES


def is_allowed_function(node: exp.Func) -> bool:
    """True when calling this function cannot write, sleep, read files or reach the network."""
    if isinstance(node, NAMED_FUNCTION_CLASSES):
        return function_name(node) in SAFE_FUNCTION_NAMES
    return is_allowed_class(type(node))
