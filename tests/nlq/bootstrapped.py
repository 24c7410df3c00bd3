"""A small DuckDB database of a test's own, bootstrapped with no hand edits, to ask questions of.

Shared by the day-one rule tests: each builds its schema and rows, then asks through the
deterministic parser and compares the executed SQL's rows with hand-written gold SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pytest

from nexatron.evaluation.compare import rows_match
from nexatron.evaluation.datasets import bootstrap_duckdb
from nexatron.evaluation.run import value_index
from nexatron.nlq import Clarification, DateContext, Lexicon, Refusal, build_lexicon
from nexatron.nlq.plan import Plan
from nexatron.nlq.understand import understand
from nexatron.semantic.compiler import compile_query
from nexatron.semantic.model import SemanticLayer

Fill = Callable[[duckdb.DuckDBPyConnection], None]


class BootstrappedDb:
    """The bootstrapped layer, its lexicon and a read-only connection to the data."""

    def __init__(
        self, layer: SemanticLayer, con: duckdb.DuckDBPyConnection, ctx: DateContext
    ) -> None:
        self.layer, self.con, self.ctx = layer, con, ctx
        self.lex: Lexicon = build_lexicon(layer, value_index(con, layer))

    def plan(self, question: str) -> Plan:
        return understand(question, self.lex, ctx=self.ctx)

    def rows(self, question: str) -> list[tuple[Any, ...]]:
        compiled = compile_query(self.layer, self.plan(question).query, "duckdb")
        return self.con.execute(compiled.sql).fetchall()

    def matches(self, question: str, gold_sql: str) -> bool:
        gold = self.con.execute(gold_sql).fetchall()
        return rows_match(self.rows(question), gold, ordered=False)

    def refused(self, question: str) -> list[str]:
        """Assert the question is refused or asked back; return the words it names as unmatched."""
        with pytest.raises((Refusal, Clarification)) as caught:
            self.plan(question)
        detail = caught.value.detail
        return list(detail.get("unmatched") or []) if isinstance(detail, dict) else []


def open_bootstrapped(
    root: Path, schema: Sequence[str], fills: Sequence[Fill], ctx: DateContext
) -> Iterator[BootstrappedDb]:
    """Create the database under `root`, bootstrap its layer, yield it open read-only."""
    path = root / "db.duckdb"
    con = duckdb.connect(str(path))
    for statement in schema:
        con.execute(statement)
    for fill in fills:
        fill(con)
    con.close()
    layer = bootstrap_duckdb(path).layer
    read_only = duckdb.connect(str(path), read_only=True)
    try:
        yield BootstrappedDb(layer, read_only, ctx)
    finally:
        read_only.close()
