"""ARCHITECTURE.md's module index names every module of the package with its docstring: a new
module, a rename or a changed docstring without `scripts/module_index.py --write` fails here."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "module_index.py"


def test_module_index_is_current() -> None:
    spec = importlib.util.spec_from_file_location("module_index", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.DOC.read_text("utf-8")
    assert module.refreshed(text) == text, "run: python scripts/module_index.py --write"
    assert "(no docstring)" not in text, "every module says what it holds in a docstring"
