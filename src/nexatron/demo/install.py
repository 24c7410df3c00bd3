"""Installs the demo for a tenant: the DuckDB file, its connection and its semantic layer."""

from __future__ import annotations

import datetime as dt
import os

from sqlalchemy import select, update

from nexatron.connections import service as connections
from nexatron.demo import generate_demo, load_demo_layer
from nexatron.identity.roles import Principal
from nexatron.semantic import repository as repo
from nexatron.services import Services
from nexatron.store.tables import connections as conn_table

DEMO_NAME = "Demo sales"


def install_demo(services: Services, principal: Principal) -> str:
    """Generate the database (dates end today) in the tenant's own file area unless present;
    return the new connection id. Other tenants cannot open it (warehouse/policy.py)."""
    area = connections.connection_policy(services).tenant_dir(principal.tenant_id)
    path = area / "demo.duckdb"
    if not path.exists():
        area.mkdir(mode=0o700, parents=True, exist_ok=True)
        generate_demo(path, today=dt.date.today())
        os.chmod(path, 0o600)
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


def adopt_shared_demo(services: Services) -> str | None:
    """Data dirs made before per-tenant file areas kept the demo in `files/demo.duckdb`, open
    to every tenant. Move it into the area of the tenant whose demo connection came first and
    point that connection at it; any other connection to the old path is refused from now on.
    Returns the owning tenant's id, or None when there was nothing to move."""
    legacy = services.settings.data_dir.resolve() / "files" / "demo.duckdb"
    if not legacy.is_file():
        return None
    with services.db.begin() as conn:
        rows = [
            r
            for r in conn.execute(
                select(conn_table)
                .where(conn_table.c.type == "duckdb")
                .order_by(conn_table.c.created_at)
            )
            if r.config.get("path") == str(legacy)
        ]
        if not rows:
            return None
        owner = next((r for r in rows if r.name == DEMO_NAME), rows[0])
        area = connections.connection_policy(services).tenant_dir(owner.tenant_id)
        area.mkdir(mode=0o700, parents=True, exist_ok=True)
        target = area / "demo.duckdb"
        if not target.exists():
            os.replace(legacy, target)
            os.chmod(target, 0o600)
        conn.execute(
            update(conn_table)
            .where(conn_table.c.id == owner.id)
            .values(
                config={**owner.config, "path": str(target)},
                layer_version=owner.layer_version + 1,
            )
        )
    return str(owner.tenant_id)
