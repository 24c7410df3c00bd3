"""Deleting a tenant: export its metadata, then erase every row it owns in one transaction.

"Every row" is found from the table definitions, not a list kept by hand: each table with a
`tenant_id` column, each table whose foreign key points at one of those (refresh tokens hang
off sessions), the tenant's audit chain, and the tenant row itself. A table added later is
covered when it follows the rule every tenant-owned table follows (a `tenant_id`, or a foreign
key to a table with one); tests/tenants/test_operator.py::test_delete_exports_then_erases_every_row
checks that nothing is left.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, delete, select

from nexatron import audit
from nexatron.store.tables import audit_chain_heads, metadata, tenants
from nexatron.tenants.export import export_tenant
from nexatron.tenants.service import get_row, public


def _owned(table: Table) -> bool:
    return "tenant_id" in table.c and table.name != "tenants"


def erase_rows(conn: Connection, tenant_id: str) -> dict[str, int]:
    """Delete the tenant's rows in every table (children first); returns counts per table."""
    counts: dict[str, int] = {}
    for table in reversed(metadata.sorted_tables):
        if table.name == "tenants":
            continue
        if _owned(table):
            clause: Any = table.c.tenant_id == tenant_id
        else:
            parents = [
                (fk.parent, fk.column.table)
                for fk in table.foreign_keys
                if isinstance(fk.column.table, Table) and _owned(fk.column.table)
            ]
            if not parents:
                continue
            column, parent = parents[0]
            key = next(iter(fk.column for fk in table.foreign_keys if fk.parent is column))
            clause = column.in_(select(key).where(parent.c.tenant_id == tenant_id))
        removed = conn.execute(delete(table).where(clause)).rowcount
        if removed:
            counts[table.name] = int(removed)
    conn.execute(delete(audit_chain_heads).where(audit_chain_heads.c.chain == tenant_id))
    conn.execute(delete(tenants).where(tenants.c.id == tenant_id))
    return counts


def delete_tenant(
    conn: Connection, services: Any, tenant_id: str, actor: audit.Actor | None = None
) -> dict[str, Any]:
    """The export (returned to the operator), then the erasure and its `tenant.delete` event in
    the operator's chain (the tenant's own chain is erased with it), all in `conn`'s
    transaction."""
    row = get_row(conn, tenant_id)
    document = export_tenant(conn, services, row.id)
    counts = erase_rows(conn, row.id)
    audit.record(
        conn,
        tenant_id=None,
        actor=actor,
        action="tenant.delete",
        target=audit.Target("tenant", row.id, row.slug),
        reason=f"exported and erased {sum(counts.values())} rows",
    )
    document["erased"] = {"tenant": public(row), "rows": counts}
    return document
