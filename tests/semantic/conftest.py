"""Session fixtures: the fixture schema on four engines, its layer and schema snapshot."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nexatron.semantic.model import SemanticLayer
from nexatron.warehouse.types import SchemaSnapshot

from .engines import Db, open_all
from .shop import layer, schema


@pytest.fixture(scope="session")
def dbs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Db]]:
    with open_all(tmp_path_factory.mktemp("semantic")) as engines:
        yield engines


@pytest.fixture(scope="session")
def shop_layer() -> SemanticLayer:
    return layer()


@pytest.fixture(scope="session")
def shop_schema() -> SchemaSnapshot:
    return schema()
