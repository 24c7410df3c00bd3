"""Bootstrap a small DuckDB database of a test's own and read its links and rows."""

from __future__ import annotations

from pathlib import Path

import duckdb

from nexatron.semantic.bootstrap import BootstrapResult, bootstrap
from nexatron.semantic.model import SemanticLayer
from nexatron.semantic.probe import EngineProbe
from nexatron.warehouse.engines.duckdb import DuckDBConfig, DuckDBEngine


def boot(tmp_path: Path, ddl: str) -> tuple[BootstrapResult, Path]:
    """Run `ddl` into a new file under `tmp_path` and bootstrap a layer from it."""
    path = tmp_path / "db.duckdb"
    con = duckdb.connect(str(path))
    con.execute(ddl)
    con.close()
    engine = DuckDBEngine(DuckDBConfig(path=str(path)))
    try:
        return bootstrap(engine.introspect(), SemanticLayer(), EngineProbe(engine)), path
    finally:
        engine.dispose()


def sorted_rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    """The rows of `sql` on the file, in a stable order."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return sorted(con.execute(sql).fetchall(), key=repr)
    finally:
        con.close()


def declared_links(result: BootstrapResult) -> set[tuple[str, str, str, str]]:
    """Each declared relationship as (from table, from column, to table, to column)."""
    return {
        (r.from_table, r.from_columns[0], r.to_table, r.to_columns[0])
        for r in result.layer.relationships
    }
