"""The demo: a deterministic DuckDB sales database and its semantic layer (data, not code paths)."""

from __future__ import annotations

from pathlib import Path

import yaml

from nexatron.demo.generate import build_rows, generate_demo
from nexatron.semantic.model import SemanticLayer

DEMO_LAYER_PATH = Path(__file__).with_name("layer.yaml")


def load_demo_layer() -> SemanticLayer:
    """The demo database's semantic layer, validated."""
    return SemanticLayer.model_validate(yaml.safe_load(DEMO_LAYER_PATH.read_text("utf-8")))


__all__ = ["DEMO_LAYER_PATH", "build_rows", "generate_demo", "load_demo_layer"]
