"""Per-engine SQL differences the compiler needs, one small class per dialect, registered by name.

Everything else is plain sqlglot expression trees rendered with `expr.sql(dialect=...)`. Weeks start
on Monday everywhere; truncated dates are returned as DATE.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import ClassVar, Literal

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect

from nexatron.semantic.exprs import CompileError, cast
from nexatron.semantic.model import Grain

LiteralKind = Literal["date", "timestamp"]


def fn(name: str, *args: exp.Expr) -> exp.Expr:
    """A function call rendered exactly as named (no sqlglot dialect rewriting)."""
    return exp.Anonymous(this=name, expressions=list(args))


def num(value: float) -> exp.Expr:
    return exp.Literal.number(value)


def _date(x: exp.Expr) -> exp.Expr:
    return cast(x, "DATE")


class SqlDialect:
    """Defaults follow PostgreSQL; subclasses override what their engine does differently."""

    name: ClassVar[str] = "postgres"
    case_insensitive_like: ClassVar[bool] = True  # ILIKE available
    median_supported: ClassVar[bool] = True

    def trunc(self, grain: Grain, x: exp.Expr) -> exp.Expr:
        if grain == "day":
            return _date(x)
        return _date(fn("DATE_TRUNC", exp.Literal.string(grain), x))

    def date_literal(self, value: dt.date, kind: LiteralKind) -> exp.Expr:
        return cast(
            exp.Literal.string(_iso(value, kind)), "DATE" if kind == "date" else "TIMESTAMP"
        )

    def median(self, x: exp.Expr) -> exp.Expr:
        order = exp.Order(expressions=[exp.Ordered(this=x)])
        return exp.WithinGroup(this=exp.PercentileCont(this=num(0.5)), expression=order)

    def avg(self, x: exp.Expr) -> exp.Expr:
        return exp.Avg(this=x)

    def ci_like(self, x: exp.Expr, pattern: str) -> exp.Expr:
        """Case-insensitive LIKE with a pattern free of escape needs."""
        if self.case_insensitive_like:
            return exp.ILike(this=x, expression=exp.Literal.string(pattern))
        return exp.Like(this=exp.Lower(this=x), expression=exp.Literal.string(pattern.lower()))

    def finish(self, select: exp.Select) -> exp.Select:
        """Last touches on the outermost SELECT."""
        return select

    def render(self, expression: exp.Expr) -> str:
        """SQL text; consumes `expression` (the generator may rewrite it in place)."""
        return _sqlglot_dialect(self.name).generate(expression, copy=False)

    def check_median(self) -> None:
        if not self.median_supported:
            raise CompileError(
                f"An exact median cannot be computed as an aggregate in {self.name}; "
                "use avg, or define the metric on an engine with a median aggregate.",
                code="unsupported",
            )


@functools.cache
def _sqlglot_dialect(name: str) -> Dialect:
    return Dialect.get_or_raise(name)  # one instance per name: building one costs ~10 us


def _iso(value: dt.date, kind: LiteralKind) -> str:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        if kind == "date" and value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    return value.isoformat() if kind == "date" else f"{value.isoformat()} 00:00:00"


class Postgres(SqlDialect):
    name = "postgres"


class Redshift(SqlDialect):
    name = "redshift"


class DuckDB(SqlDialect):
    name = "duckdb"

    def median(self, x: exp.Expr) -> exp.Expr:
        return fn("MEDIAN", cast(x, "DOUBLE"))  # MEDIAN of a DECIMAL keeps (rounds to) its scale


class Snowflake(SqlDialect):
    name = "snowflake"

    def trunc(self, grain: Grain, x: exp.Expr) -> exp.Expr:
        if grain == "week":  # DATE_TRUNC('week') depends on the WEEK_START session parameter
            back = exp.Sub(this=num(1), expression=fn("DAYOFWEEKISO", x))
            return fn("DATEADD", exp.Var(this="DAY"), back, _date(x))
        return super().trunc(grain, x)

    def median(self, x: exp.Expr) -> exp.Expr:
        return fn("MEDIAN", cast(x, "DOUBLE"))  # MEDIAN of a DECIMAL keeps (rounds to) its scale


class BigQuery(SqlDialect):
    name = "bigquery"
    case_insensitive_like = False
    median_supported = False  # PERCENTILE_CONT is analytic-only; APPROX_QUANTILES is approximate

    def trunc(self, grain: Grain, x: exp.Expr) -> exp.Expr:
        if grain == "day":
            return _date(x)
        unit = "ISOWEEK" if grain == "week" else grain.upper()
        return fn("DATE_TRUNC", _date(x), exp.Var(this=unit))


class MySQL(SqlDialect):
    name = "mysql"
    case_insensitive_like = False
    median_supported = False  # MariaDB's MEDIAN/PERCENTILE_CONT are window functions only

    def trunc(self, grain: Grain, x: exp.Expr) -> exp.Expr:
        def days_back(n: exp.Expr) -> exp.Expr:
            return fn("DATE_SUB", fn("DATE", x), exp.Interval(this=n, unit=exp.Var(this="DAY")))

        if grain == "day":
            return fn("DATE", x)
        if grain == "week":
            return days_back(fn("WEEKDAY", x))
        if grain == "month":
            return days_back(exp.Paren(this=exp.Sub(this=fn("DAYOFMONTH", x), expression=num(1))))
        year_start = fn("MAKEDATE", fn("YEAR", x), num(1))
        if grain == "year":
            return year_start
        months = exp.Paren(
            this=exp.Sub(this=exp.Mul(this=fn("QUARTER", x), expression=num(3)), expression=num(3))
        )
        return fn("DATE_ADD", year_start, exp.Interval(this=months, unit=exp.Var(this="MONTH")))


class SQLite(SqlDialect):
    name = "sqlite"
    case_insensitive_like = False
    median_supported = False

    def trunc(self, grain: Grain, x: exp.Expr) -> exp.Expr:
        s = exp.Literal.string
        if grain == "day":
            return fn("DATE", x)
        if grain == "week":
            return fn("DATE", x, s("weekday 0"), s("-6 days"))
        if grain == "month":
            return fn("DATE", x, s("start of month"))
        if grain == "year":
            return fn("DATE", x, s("start of year"))
        month = cast(fn("STRFTIME", s("%m"), x), "INTEGER")
        back = exp.Mod(
            this=exp.Paren(this=exp.Sub(this=month, expression=num(1))), expression=num(3)
        )
        shift = exp.DPipe(
            this=exp.DPipe(this=s("-"), expression=exp.Paren(this=back)), expression=s(" months")
        )
        return fn("DATE", x, s("start of month"), shift)

    def date_literal(self, value: dt.date, kind: LiteralKind) -> exp.Expr:
        return exp.Literal.string(_iso(value, kind))  # SQLite stores dates as ISO text


class TSQL(SqlDialect):
    name = "tsql"
    case_insensitive_like = False
    median_supported = False  # PERCENTILE_CONT is a window function only

    def trunc(self, grain: Grain, x: exp.Expr) -> exp.Expr:
        if grain == "day":
            return _date(x)
        if grain == "week":  # days since 1900-01-01 (a Monday), independent of @@DATEFIRST
            epoch = cast(exp.Literal.string("1900-01-01"), "DATE")
            days = fn("DATEDIFF", exp.Var(this="DAY"), epoch, x)
            wd = exp.Mod(
                this=exp.Paren(
                    this=exp.Add(this=exp.Mod(this=days, expression=num(7)), expression=num(7))
                ),
                expression=num(7),
            )
            return fn("DATEADD", exp.Var(this="DAY"), exp.Neg(this=exp.Paren(this=wd)), _date(x))
        year = fn("YEAR", x)
        if grain == "year":
            return fn("DATEFROMPARTS", year, num(1), num(1))
        if grain == "month":
            return fn("DATEFROMPARTS", year, fn("MONTH", x), num(1))
        quarter = fn("DATEPART", exp.Var(this="QUARTER"), x)
        first_month = exp.Sub(this=exp.Mul(this=quarter, expression=num(3)), expression=num(2))
        return fn("DATEFROMPARTS", year, first_month, num(1))

    def avg(self, x: exp.Expr) -> exp.Expr:
        return exp.Avg(this=cast(x, "DOUBLE"))  # AVG of an INT column is an INT in SQL Server


class ClickHouse(SqlDialect):
    name = "clickhouse"

    _TRUNC: ClassVar[dict[str, str]] = {
        "day": "toDate",
        "week": "toMonday",
        "month": "toStartOfMonth",
        "quarter": "toStartOfQuarter",
        "year": "toStartOfYear",
    }

    def trunc(self, grain: Grain, x: exp.Expr) -> exp.Expr:
        return fn(self._TRUNC[grain], x)

    def date_literal(self, value: dt.date, kind: LiteralKind) -> exp.Expr:
        return fn(
            "toDate" if kind == "date" else "toDateTime", exp.Literal.string(_iso(value, kind))
        )

    def median(self, x: exp.Expr) -> exp.Expr:
        # quantileExactInclusive interpolates like PERCENTILE_CONT; plain median() is approximate
        value = cast(x, "DOUBLE")  # it rejects DECIMAL arguments
        return exp.ParameterizedAgg(
            this="quantileExactInclusive", expressions=[num(0.5)], params=[value]
        )

    def finish(self, select: exp.Select) -> exp.Select:
        # unmatched LEFT JOIN rows get NULLs instead of type defaults ('' or 0)
        setting = exp.EQ(this=exp.var("join_use_nulls"), expression=num(1))
        select.set("settings", [setting])
        return select


DIALECTS: dict[str, SqlDialect] = {
    d.name: d()
    for d in (Postgres, Redshift, DuckDB, Snowflake, BigQuery, MySQL, SQLite, TSQL, ClickHouse)
}
DIALECTS["mariadb"] = DIALECTS["mysql"]
DIALECTS["mssql"] = DIALECTS["tsql"]
DIALECTS["sqlserver"] = DIALECTS["tsql"]


def get_dialect(name: str) -> SqlDialect:
    """The dialect registered under `name`, or a CompileError listing the supported ones."""
    try:
        return DIALECTS[name.lower()]
    except KeyError:
        known = ", ".join(sorted(DIALECTS))
        raise CompileError(
            f"Unknown SQL dialect {name!r}; supported: {known}.", code="unknown_dialect"
        ) from None
