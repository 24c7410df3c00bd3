"""What one question needs about its connection: the row, the layer, value index, lexicon.

Layers and lexicons are cached in-process by layer version, so a repeated question costs one
metadata read; any edit of the layer or the connection bumps the version.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlglot import exp

from nexatron.connections.schema import introspector
from nexatron.connections.service import engine_for
from nexatron.errors import NotFound, ValidationFailed
from nexatron.identity.roles import Principal
from nexatron.lru import LRU
from nexatron.nlq import Lexicon, build_lexicon
from nexatron.nlq.errors import refusal
from nexatron.semantic import repository as repo
from nexatron.semantic.exprs import parse_expr, table_ref
from nexatron.semantic.model import SemanticLayer
from nexatron.services import Services
from nexatron.store.records import ConnectionRecord
from nexatron.store.tables import connections
from nexatron.warehouse.registry import get_engine_class

log = logging.getLogger("nexatron.values")
VALUE_LIMIT = 500  # a dimension with more distinct values is not indexed
VALUE_TOTAL = 50_000
VALUE_SAMPLE = 10_000  # rows read to rule out a high-cardinality column cheaply


class NotCached(Exception):
    """What was asked for needs slow work (a store or warehouse read): do it off the loop."""


@dataclass(frozen=True)
class QueryContext:
    connection: ConnectionRecord
    dialect: str
    layer: SemanticLayer
    lexicon: Lexicon


# What answering needs of a connection row: not its schema snapshot or value index, which can be
# megabytes of JSON on a large warehouse.
_LIVE = select(*ConnectionRecord.columns(connections))
_ONE = _LIVE.where(connections.c.tenant_id == bindparam("t"), connections.c.id == bindparam("c"))
_ALL = _LIVE.where(connections.c.tenant_id == bindparam("t"))
_VALUES = select(connections.c.value_index).where(connections.c.id == bindparam("c"))


def resolve_connection(
    services: Services, principal: Principal, connection_id: str | None
) -> ConnectionRecord:
    """The connection asked for, or the tenant's default. Its rows may be cached under the
    metadata version the request's authentication read (no write of the request in between)."""
    tenant = principal.tenant_id

    def read_one() -> ConnectionRecord | None:
        with services.db.connect() as conn:
            row = conn.execute(_ONE, {"t": tenant, "c": connection_id}).first()
        return None if row is None else ConnectionRecord.from_row(row)

    def read_all() -> list[ConnectionRecord]:
        with services.db.connect() as conn:
            return [ConnectionRecord.from_row(row) for row in conn.execute(_ALL, {"t": tenant})]

    if connection_id:
        row = services.rows.get(("connection", tenant, connection_id), read_one, same_request=True)
        if row is None:
            raise NotFound("Connection not found.")
        return row
    rows = services.rows.get(("connections", tenant), read_all, same_request=True)
    defaults = [r for r in rows if r.is_default] or (rows if len(rows) == 1 else [])
    if len(defaults) == 1:
        return defaults[0]
    if not rows:
        raise NotFound("No connection yet: create one with POST /api/v1/connections.")
    raise ValidationFailed(
        [
            {
                "loc": ["body", "connection_id"],
                "type": "missing",
                "msg": "Several connections and none is the default: pass "
                "connection_id (one of: " + ", ".join(r.id for r in rows[:20]) + ").",
            }
        ]
    )


class ContextLoader:
    def __init__(self, services: Services) -> None:
        self._services = services
        self._layers: LRU[str, SemanticLayer] = LRU(256)
        self._lexicons: LRU[str, Lexicon] = LRU(64)

    def load(self, row: ConnectionRecord, *, cached_only: bool = False) -> QueryContext:
        """The context of a connection row; `cached_only` raises NotCached instead of reading the
        layer or building the value index (which queries the warehouse)."""
        version = f"{row.id}:{row.layer_version}"
        layer: SemanticLayer | None = self._layers.get(version)
        if layer is None and cached_only:
            raise NotCached(version)
        if layer is None:
            with self._services.db.connect() as conn:
                layer = repo.load_layer(conn, row.tenant_id, row.id)
            self._layers.put(version, layer)
        if not layer.metrics:
            raise refusal(
                "This connection has no metrics yet, so there is nothing to answer "
                "with. Define metrics (POST /api/v1/semantic/metrics) or propose a "
                "layer from the schema (POST /api/v1/semantic/bootstrap)."
            )
        lexicon = self._lexicons.get(version)
        if lexicon is None and cached_only:
            raise NotCached(version)
        if lexicon is None:
            values = self.value_index(row, layer)
            lexicon = build_lexicon(layer, values)
            self._lexicons.put(version, lexicon)
        return QueryContext(row, get_engine_class(row.type).dialect, layer, lexicon)

    def value_index(self, row: ConnectionRecord, layer: SemanticLayer) -> dict[str, list[str]]:
        """Distinct values of low-cardinality string dimensions, stored with the layer version."""
        with self._services.db.connect() as conn:
            stored = conn.execute(_VALUES, {"c": row.id}).scalar()
        if stored and stored.get("layer_version") == row.layer_version:
            return dict(stored["values"])
        # It connects: on the bounded pool, within the tenant's share (429 beyond), one build
        # per layer version (a question arriving during the build gets a 429 at once instead
        # of holding a query worker for it).
        return introspector(self._services).run(
            row.tenant_id,
            lambda: self._build_value_index(row, layer),
            key=f"values:{row.id}:{row.layer_version}",
        )

    def _build_value_index(
        self, row: ConnectionRecord, layer: SemanticLayer
    ) -> dict[str, list[str]]:
        dialect = get_engine_class(row.type).dialect
        engine = engine_for(self._services, row)
        values: dict[str, list[str]] = {}
        total = 0
        settings = self._services.settings
        deadline = time.monotonic() + settings.value_index_budget_s
        for dim in layer.dimensions:
            if dim.type not in ("string", "boolean") or total >= VALUE_TOTAL:
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                log.warning(
                    "value index budget spent; %s and later dimensions not indexed", dim.name
                )
                break
            try:
                column = parse_expr(dim.expr)  # as the compiler reads it (quoted names kept)
                present = exp.Not(this=exp.Is(this=column.copy(), expression=exp.Null()))
                timeout = min(settings.value_index_timeout_s, remaining)
                # A sample with more distinct values than the limit proves the column is not
                # indexable without the full DISTINCT, whose hash table over millions of values
                # costs the warehouse (and an in-process DuckDB this server) real memory.
                probe = engine.execute(
                    _sample_distinct_sql(column, present, dim.table, dialect),
                    timeout_s=timeout,
                    row_cap=1,
                )
                if probe.rows and int(probe.rows[0][0] or 0) > VALUE_LIMIT:
                    continue
                sql = (
                    exp.select(column)
                    .distinct()
                    .from_(table_ref(dim.table, "t"))
                    .where(present)
                    .limit(VALUE_LIMIT + 1)
                    .sql(dialect=dialect)
                )
                result = engine.execute(sql, timeout_s=timeout, row_cap=VALUE_LIMIT + 1)
            except Exception as exc:  # an unindexable dimension is simply not indexed
                log.info("value index skipped %s: %s", dim.name, type(exc).__name__)
                continue
            if len(result.rows) > VALUE_LIMIT:
                continue
            found = sorted({str(r[0]) for r in result.rows if r[0] is not None})
            values[dim.name] = found
            total += len(found)
        with self._services.db.begin() as conn:
            conn.execute(
                update(connections)
                .where(connections.c.id == row.id)
                .values(value_index={"layer_version": row.layer_version, "values": values})
            )
        return values


def _sample_distinct_sql(column: exp.Expr, present: exp.Expr, table: str, dialect: str) -> str:
    """COUNT(DISTINCT v) over the first VALUE_SAMPLE non-null values of the column."""
    sample = (
        exp.select(exp.alias_(column.copy(), "v"))
        .from_(table_ref(table, "t"))
        .where(present.copy())
        .limit(VALUE_SAMPLE)
    )
    distinct = exp.Count(this=exp.Distinct(expressions=[exp.column("v")]))
    return exp.select(distinct).from_(sample.subquery("s")).sql(dialect=dialect)
