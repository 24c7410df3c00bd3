"""An evaluation set's data: a DuckDB file or a generator script, and a layer bootstrapped from it.

`bootstrap_duckdb` is what a new user gets: introspect with the DuckDB engine, then
`POST /semantic/bootstrap`'s proposal (relationships verified on the data), no hand edits.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from nexatron.semantic.bootstrap import BootstrapResult, bootstrap
from nexatron.semantic.model import SemanticLayer
from nexatron.semantic.probe import EngineProbe
from nexatron.warehouse.engines.duckdb import DuckDBConfig, DuckDBEngine


def load_module(path: Path) -> ModuleType:
    """A dataset generator (or any script) loaded from its path."""
    spec = importlib.util.spec_from_file_location(f"_eval_{path.parent.name}_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_dataset(generator: Path, target: Path) -> Path:
    """Run a generator's `build(path)` into `target`."""
    load_module(generator).build(str(target))
    return target


def bootstrap_duckdb(path: Path) -> BootstrapResult:
    """Introspect a DuckDB file and bootstrap a layer from nothing, verifying on the data."""
    engine = DuckDBEngine(DuckDBConfig(path=str(path)))
    try:
        schema = engine.introspect()
        return bootstrap(schema, SemanticLayer(), EngineProbe(engine))
    finally:
        engine.dispose()
