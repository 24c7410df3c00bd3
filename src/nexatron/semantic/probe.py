"""Bounded checks on a connection's data, for bootstrap to verify relationships before it
declares them: is a key unique, are a column's values contained in another table's key?

Every check is one read-only statement through the engine (`Engine.execute`: read-only session,
statement timeout, row cap). Uniqueness is checked over the whole table when that finishes within
the timeout, else over a sample; containment always over a sample of the child's values.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

from sqlglot import exp

from nexatron.semantic.exprs import ident, table_ref
from nexatron.warehouse.base import Engine

SAMPLE_ROWS = 100_000  # uniqueness over a sample when the full check times out
CONTAINMENT_ROWS = 10_000  # child values checked for containment


class Probe(Protocol):
    """Runs one bounded read-only query; raises on any failure (timeout included)."""

    dialect: str

    def rows(self, sql: str) -> list[list[Any]]: ...

    def spent(self) -> bool:
        """True once the probe's time budget is used up (later checks are not run)."""
        ...


class EngineProbe:
    """A Probe over a warehouse engine: each statement bounded by `timeout_s`, all of them by
    `budget_s`."""

    def __init__(self, engine: Engine, *, timeout_s: float = 10.0, budget_s: float = 60.0) -> None:
        self.engine = engine
        self.dialect = engine.dialect
        self.timeout_s = timeout_s
        self._deadline = time.monotonic() + budget_s

    def rows(self, sql: str) -> list[list[Any]]:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("bootstrap's time budget for checks is spent")
        result = self.engine.execute(sql, timeout_s=min(self.timeout_s, remaining), row_cap=10)
        return [list(r) for r in result.rows]

    def spent(self) -> bool:
        return time.monotonic() >= self._deadline


@dataclass(frozen=True)
class Check:
    """What a check found: `ok` (None when it could not run) and how it was run."""

    ok: bool | None
    how: str


def _cols(names: list[str], alias: str | None = None) -> list[exp.Column]:
    return [exp.Column(this=ident(n), table=ident(alias) if alias else None) for n in names]


def _present(columns: list[exp.Column]) -> exp.Expr:
    return exp.and_(
        *[exp.Not(this=exp.Is(this=c.copy(), expression=exp.Null())) for c in columns], copy=False
    )


def _error(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:200]


def unique(probe: Probe, table: str, columns: list[str]) -> Check:
    """Do `columns` hold each (non-null) value at most once in `table`?"""
    cols = _cols(columns)
    full = (
        exp.select(*[c.copy() for c in cols])
        .from_(table_ref(table, "t"))
        .where(_present(cols))
        .group_by(*[c.copy() for c in cols])
        .having(exp.GT(this=exp.Count(this=exp.Star()), expression=exp.Literal.number(1)))
        .limit(1)
    )
    try:
        return Check(not probe.rows(full.sql(dialect=probe.dialect)), "whole table")
    except Exception as exc:  # a timeout on a big table: fall back to a sample
        first = _error(exc)
    if probe.spent():
        return Check(None, f"not checked ({first})")
    sample = (
        exp.select(*[c.copy() for c in cols])
        .from_(table_ref(table, "t"))
        .where(_present(cols))
        .limit(SAMPLE_ROWS)
        .subquery("s")
    )
    dup = (
        exp.select(*_cols(columns, "s"))
        .from_(sample)
        .group_by(*_cols(columns, "s"))
        .having(exp.GT(this=exp.Count(this=exp.Star()), expression=exp.Literal.number(1)))
        .limit(1)
    )
    try:
        rows = probe.rows(dup.sql(dialect=probe.dialect))
    except Exception as exc:
        return Check(None, f"not checked ({_error(exc)})")
    return Check(not rows, f"a sample of {SAMPLE_ROWS:,} rows")


@dataclass(frozen=True)
class Containment:
    """Of `checked` non-null child values (a sample), `missing` have no parent row."""

    checked: int
    missing: int
    error: str | None = None


def contained(
    probe: Probe, child: str, child_cols: list[str], parent: str, parent_cols: list[str]
) -> Containment:
    """How many of the child's values (a sample) are missing from the parent's columns."""
    kids = _cols(child_cols)
    sample = (
        exp.select(*[exp.alias_(c.copy(), f"k{i}") for i, c in enumerate(kids)])
        .from_(table_ref(child, "c"))
        .where(_present(kids))
        .limit(CONTAINMENT_ROWS)
        .subquery("s")
    )
    on = exp.and_(
        *[
            exp.EQ(
                this=exp.Column(this=ident(f"k{i}"), table=ident("s")),
                expression=exp.Column(this=ident(p), table=ident("p")),
            )
            for i, p in enumerate(parent_cols)
        ],
        copy=False,
    )
    first_parent = exp.Column(this=ident(parent_cols[0]), table=ident("p"))
    sql = (
        exp.select(exp.Count(this=exp.Star()), exp.Count(this=first_parent))
        .from_(sample)
        .join(table_ref(parent, "p"), on=on, join_type="left")
    )
    try:
        rows = probe.rows(sql.sql(dialect=probe.dialect))
    except Exception as exc:
        return Containment(0, 0, _error(exc))
    total, matched = (int(v or 0) for v in rows[0][:2])
    return Containment(total, total - matched)
