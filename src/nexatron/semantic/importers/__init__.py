"""Import other semantic layers: dbt MetricFlow (`dbt.py`) and Cube (`cube.py`) YAML into a
SemanticLayer, with every item that cannot be mapped listed with the reason (`Unmapped`)."""

from __future__ import annotations

from typing import Literal

from nexatron.semantic.importers.common import Converted, Unmapped
from nexatron.semantic.importers.cube import from_cube
from nexatron.semantic.importers.dbt import from_dbt

Format = Literal["nexatron", "dbt", "cube"]

__all__ = ["Converted", "Format", "Unmapped", "from_cube", "from_dbt"]
