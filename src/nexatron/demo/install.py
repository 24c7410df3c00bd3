"""Installs the demo for a tenant: the DuckDB file, its connection and its semantic layer."""

from __future__ import annotations

import datetime as dt

from nexatron.connections import service as connections
from nexatron.demo import generate_demo, load_demo_layer
from nexatron.identity.roles import Principal
from nexatron.semantic import repository as repo
from nexatron.services import Services

DEMO_NAME = "Demo sales"


def install_demo(services: Services, principal: Principal) -> str:
    """Generate the database (dates end today) unless present; return the new connection id."""
    path = services.settings.data_dir.resolve() / "files" / "demo.duckdb"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        generate_demo(path, today=dt.date.today())
    created = connections.create(
        services,
        principal.tenant_id,
        principal.user_id,
        name=DEMO_NAME,
        type_name="duckdb",
        # Its tables are small: one thread per query answers in less time than starting more
        # takes, and leaves the other cores to the other questions being answered.
        config={"path": str(path), "threads": 1},
        is_default=True,
    )
    layer = load_demo_layer()
    with services.db.begin() as conn:
        for kind, objs in (
            ("dimension", layer.dimensions),
            ("relationship", layer.relationships),
            ("metric", layer.metrics),
        ):
            for obj in objs:
                repo.insert_object(conn, principal.tenant_id, created["id"], kind, obj)  # type: ignore[arg-type]
    return str(created["id"])
