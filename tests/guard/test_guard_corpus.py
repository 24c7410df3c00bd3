"""The attack corpus is refused for the stated reason, and nothing in it reaches a database."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pytest

from nexatron.guard import GuardRejected, check_sql

from .guard_support import (
    ALLOWED,
    CORPUS,
    duckdb_snapshot,
    pg_connect,
    pg_snapshot,
    sqlite_snapshot,
)

IDS = [f"{a['dialect']}-{i}" for i, a in enumerate(CORPUS)]


def test_corpus_is_large_and_covers_every_dialect() -> None:
    dialects = Counter(a["dialect"] for a in CORPUS)
    assert len(CORPUS) >= 40
    assert set(dialects) >= {
        "postgres",
        "mysql",
        "duckdb",
        "sqlite",
        "tsql",
        "snowflake",
        "bigquery",
        "clickhouse",
    }


@pytest.mark.parametrize("attack", CORPUS, ids=IDS)
def test_attack_is_rejected_for_its_reason(attack: dict[str, Any]) -> None:
    with pytest.raises(GuardRejected) as info:
        check_sql(attack["sql"], attack["dialect"], allowed_tables=ALLOWED)
    assert info.value.reason == attack["reason"], info.value.detail
    assert info.value.status_code == 400
    assert isinstance(info.value.detail, str) and info.value.detail


def test_zero_executions(duckdb_path: Path, sqlite_path: Path, pg_schema: str) -> None:
    """Run every attack through the guard and execute only what passes: nothing may pass."""
    before = (duckdb_snapshot(duckdb_path), sqlite_snapshot(sqlite_path), pg_snapshot(pg_schema))
    executed: list[str] = []
    duck = duckdb.connect(str(duckdb_path))
    lite = sqlite3.connect(sqlite_path)
    pg = pg_connect(pg_schema)
    runners = {
        "duckdb": lambda sql: duck.execute(sql),
        "sqlite": lambda sql: lite.executescript(sql),
        "postgres": lambda sql: pg.cursor().execute(sql),
    }
    try:
        for attack in CORPUS:
            try:
                expr = check_sql(attack["sql"], attack["dialect"], allowed_tables=ALLOWED)
            except GuardRejected:
                continue
            executed.append(attack["sql"])
            runner = runners.get(attack["dialect"])
            if runner is not None:
                runner(expr.sql(dialect=attack["dialect"]))
    finally:
        duck.close()
        lite.close()
        pg.close()
    assert executed == []
    after = (duckdb_snapshot(duckdb_path), sqlite_snapshot(sqlite_path), pg_snapshot(pg_schema))
    assert after == before
