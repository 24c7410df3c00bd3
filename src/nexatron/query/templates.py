"""Compiled SQL per plan shape: a new question that differs from an earlier one only in its filter
values or its dates reuses that question's SQL with the new literals put in.

A shape is the semantic query with placeholders for each string value filtered with `=`, `!=`,
`in` or `not_in` on a string dimension, and for each plain-date bound of the time range. A shape is
compiled and guarded once, and used only when every placeholder appears in its SQL as a quoted
literal (once per source that filters on it). Filling it in quotes each value as the dialect's
string literal (sqlglot's own quoting), substitutes all of them in one pass (a value can never be
read as a placeholder), and checks the values with the guard's text rule; the structure was
guarded with the shape. Anything else (numbers, timestamps, contains, metric filters) stays in the
shape as it is. The tests compare filled-in SQL with a full compile, byte for byte, in every
dialect.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from nexatron.guard.prechecks import check_text
from nexatron.lru import LRU
from nexatron.semantic.compiler import compile_query
from nexatron.semantic.model import CompiledQuery, OutputColumn, SemanticLayer, SemanticQuery

_TOKEN = secrets.token_hex(4)  # per process: a placeholder no question could guess
_DATE_BASE = dt.date(1111, 11, 1)
_TEMPLATED_OPS = frozenset({"=", "!=", "in", "not_in"})
_UNUSABLE = object()

Guard = Callable[[exp.Expr], None]


@dataclass(frozen=True)
class _Template:
    sql: str
    columns: list[OutputColumn]
    dialect: str
    pattern: re.Pattern[str]  # the quoted placeholders, any of them
    order: dict[str, int]  # quoted placeholder -> position among the values


@dataclass(frozen=True)
class _Shape:
    query: SemanticQuery
    placeholders: list[str]  # as given to the compiler
    values: list[str]  # what each stands for (ISO text for dates)


def _shape(layer: SemanticLayer, query: SemanticQuery) -> _Shape | None:
    placeholders: list[str] = []
    values: list[str] = []
    filters = []
    for f in query.filters:
        d = layer.dimension(f.field)
        plain = (
            d is not None
            and d.type == "string"
            and f.op in _TEMPLATED_OPS
            and bool(f.values)
            and all(isinstance(v, str) for v in f.values)
        )
        if not plain:
            filters.append(f)
            continue
        marks = []
        for v in f.values:
            marks.append(f"nxtpl{_TOKEN}v{len(values)}")
            placeholders.append(marks[-1])
            values.append(v)
        filters.append(f.model_copy(update={"values": marks}))
    time = query.time
    if time is not None and time.range is not None:
        changes: dict[str, Any] = {"label": None}  # the label never reaches the SQL
        for side in ("start", "end"):
            bound = getattr(time.range, side)
            if type(bound) is dt.date:  # not a datetime: its literal is the ISO date alone
                stand_in = _DATE_BASE + dt.timedelta(days=len(values))
                changes[side] = stand_in
                placeholders.append(stand_in.isoformat())
                values.append(bound.isoformat())
        time = time.model_copy(update={"range": time.range.model_copy(update=changes)})
    if not values:
        return None
    shape = query.model_copy(update={"filters": filters, "time": time})
    return _Shape(shape, placeholders, values)


class SqlTemplates:
    def __init__(self, size: int = 2048) -> None:
        self._lru: LRU[tuple[str, str, str], Any] = LRU(size)

    def compile(
        self, layer: SemanticLayer, query: SemanticQuery, dialect: str, guard: Guard
    ) -> CompiledQuery | None:
        """The SQL of `query` from its shape's template (compiled and guarded on first use), or
        None when the query has no usable shape (compile it in full)."""
        shape = _shape(layer, query)
        if shape is None:
            return None
        key = (layer.version, dialect, shape.query.model_dump_json())
        template = self._lru.get(key)
        if template is None:
            template = self._build(layer, shape, dialect, guard)
            self._lru.put(key, template)
        if template is _UNUSABLE:
            return None
        assert isinstance(template, _Template)
        for value in shape.values:
            check_text(value)  # what the guard asks of a literal's text
        quoted = [exp.Literal.string(v).sql(dialect=dialect) for v in shape.values]
        sql = template.pattern.sub(lambda m: quoted[template.order[m.group(0)]], template.sql)
        return CompiledQuery(sql=sql, dialect=template.dialect, columns=template.columns)

    @staticmethod
    def _build(layer: SemanticLayer, shape: _Shape, dialect: str, guard: Guard) -> object:
        compiled = compile_query(layer, shape.query, dialect)
        if compiled.tree is None:
            return _UNUSABLE
        guard(compiled.tree)
        order: dict[str, int] = {}
        for i, mark in enumerate(shape.placeholders):
            literal = exp.Literal.string(mark).sql(dialect=dialect)
            if literal not in compiled.sql:
                return _UNUSABLE  # rewritten by the compiler: compile such queries in full
            order[literal] = i  # (a filter repeated in each source is filled in each)
        pattern = re.compile("|".join(re.escape(q) for q in order))
        return _Template(compiled.sql, compiled.columns, compiled.dialect, pattern, order)
