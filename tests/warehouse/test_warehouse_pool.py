"""EnginePool: reuse per connection and config, dispose on change and evict, thread-safe."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

from nexatron.warehouse import EnginePool, parse_config


def test_pool_reuses_and_evicts(tmp_path: Path) -> None:
    path = tmp_path / "p.duckdb"
    duckdb.connect(str(path)).close()
    pool = EnginePool()
    config = parse_config("duckdb", {"path": str(path)})
    with ThreadPoolExecutor(8) as ex:
        engines = list(ex.map(lambda _: pool.get("conn_1", "duckdb", config), range(32)))
    assert len({id(e) for e in engines}) == 1 and len(pool) == 1
    first = engines[0]
    assert first.execute("SELECT 1 AS x", timeout_s=5, row_cap=1).rows == [[1]]
    assert pool.get("conn_1", "duckdb", parse_config("duckdb", {"path": str(path)})) is first
    other = tmp_path / "q.duckdb"
    duckdb.connect(str(other)).close()
    second = pool.get("conn_1", "duckdb", parse_config("duckdb", {"path": str(other)}))
    assert second is not first and first._root is None  # type: ignore[attr-defined]  # disposed
    pool.get("conn_2", "sqlite", parse_config("sqlite", {"path": str(tmp_path / "s.db")}))
    assert len(pool) == 2
    second.execute("SELECT 1", timeout_s=5, row_cap=1)
    pool.evict("conn_1")
    assert len(pool) == 1 and second._root is None  # type: ignore[attr-defined]
    pool.evict("missing")
    pool.close()
    assert len(pool) == 0
