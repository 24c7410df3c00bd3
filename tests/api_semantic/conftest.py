"""The library database (built once, copied per test outside the server's data dir), a connection
to it made through the API, and its semantic layer defined entirely through the API."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nexatron.testing import Harness

from . import sem_library
from .sem_library import Library


@pytest.fixture(scope="session")
def library_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sem_library_src") / "library.duckdb"
    sem_library.build(path)
    return path


@pytest.fixture
def library_file(library_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sem_library") / "library.duckdb"
    shutil.copyfile(library_source, path)
    return path


@pytest.fixture
async def library_conn(harness: Harness, library_file: Path) -> Library:
    """A connection to the library, with no semantic objects yet."""
    response = await harness.as_(
        harness.tenant.admin,
        "POST",
        "/api/v1/connections",
        json={"name": "Library", "type": "duckdb", "config": {"path": str(library_file)}},
    )
    assert response.status_code == 201, response.text
    return Library(response.json()["id"], library_file, {})


@pytest.fixture
async def library(harness: Harness, library_conn: Library) -> Library:
    """The library with its whole layer posted object by object through the API."""
    admin = harness.tenant.admin
    posts = [
        *(("dimensions", d) for d in sem_library.DIMENSIONS),
        *(("relationships", r) for r in sem_library.RELATIONSHIPS),
        *(("metrics", m) for m in sem_library.METRICS),
    ]
    for plural, body in posts:
        response = await harness.as_(
            admin,
            "POST",
            f"/api/v1/semantic/{plural}",
            json={**body, "connection_id": library_conn.connection_id},
        )
        assert response.status_code == 201, (body, response.text)
        made = response.json()
        key = made.get("name") or f"rel:{body['from_table']}.{body['from_columns'][0]}"
        library_conn.ids[key] = made["id"]
    return library_conn
