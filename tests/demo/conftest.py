"""One demo database per test session (generation takes about a second and a half)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from nexatron.demo import generate_demo

DEMO_TODAY = dt.date(2026, 3, 15)


@pytest.fixture(scope="session")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    generate_demo(path, today=DEMO_TODAY)
    return path
