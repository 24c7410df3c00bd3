"""Semantic-layer operations behind the API: validated create/update, bootstrap, YAML import."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel, ValidationError

from nexatron import audit
from nexatron.connections.schema import get_schema, introspector
from nexatron.connections.service import engine_for, get_row
from nexatron.errors import Conflict, ValidationFailed
from nexatron.semantic import repository as repo
from nexatron.semantic.bootstrap import bootstrap as bootstrap_from_schema
from nexatron.semantic.importers import Format, from_cube, from_dbt
from nexatron.semantic.model import SemanticLayer
from nexatron.semantic.probe import EngineProbe
from nexatron.semantic.validate import validate_import, validate_layer, validate_layer_object
from nexatron.semantic.yaml_io import diff_layers, dump_layer, load_layer, object_key
from nexatron.services import Services
from nexatron.warehouse.types import SchemaSnapshot

PROBE_TIMEOUT_S = 10.0  # one uniqueness or containment check
PROBE_BUDGET_S = 60.0  # all checks of one bootstrap; later ones are reported as not checked


def _parse(kind: repo.Kind, data: dict[str, Any]) -> BaseModel:
    try:
        return repo.MODELS[kind].model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(
            [{"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        ) from None


def _without(layer: SemanticLayer, kind: repo.Kind, object_id: str | None) -> SemanticLayer:
    if object_id is None:
        return layer
    return layer.model_copy(
        update={
            "metrics": [m for m in layer.metrics if not (kind == "metric" and m.id == object_id)],
            "dimensions": [
                d for d in layer.dimensions if not (kind == "dimension" and d.id == object_id)
            ],
            "relationships": [
                r for r in layer.relationships if not (kind == "relationship" and r.id == object_id)
            ],
        }
    )


def _schema(services: Services, tenant_id: str, connection_id: str) -> SchemaSnapshot:
    return get_schema(services, tenant_id, connection_id)


def _check(
    services: Services,
    tenant_id: str,
    connection_id: str,
    kind: repo.Kind,
    obj: BaseModel,
    exclude_id: str | None,
) -> None:
    with services.db.connect() as conn:
        layer = repo.load_layer(conn, tenant_id, connection_id)
    schema = _schema(services, tenant_id, connection_id)
    errors = validate_layer_object(kind, obj, _without(layer, kind, exclude_id), schema)
    if errors:
        raise ValidationFailed(errors)


def _reference_problems(layer: SemanticLayer) -> set[str]:
    """Reference problems (metrics, dimensions; not tables) per object, as readable lines."""
    out = set()
    for err in validate_layer(layer, None):
        _body, plural, index, *rest = err["loc"]
        owner = object_key(getattr(layer, plural)[index])
        field = ".".join(map(str, rest))
        out.add(f"{plural[:-1]} {owner!r} ({field}): {err['msg']}")
    return out


def _broken_by(before: SemanticLayer, after: SemanticLayer) -> list[str]:
    """What a change breaks in the other objects (e.g. a ratio whose numerator is deleted)."""
    return sorted(_reference_problems(after) - _reference_problems(before))


def _with(layer: SemanticLayer, kind: repo.Kind, obj: BaseModel) -> SemanticLayer:
    plural = f"{kind}s"
    return layer.model_copy(update={plural: [*getattr(layer, plural), obj]})


def create_object(
    services: Services, tenant_id: str, kind: repo.Kind, data: dict[str, Any]
) -> dict[str, Any]:
    connection_id = data.pop("connection_id", None)
    data.pop("id", None)
    if not connection_id:
        raise ValidationFailed(
            [{"loc": ["body", "connection_id"], "msg": "Field required", "type": "missing"}]
        )
    obj = _parse(kind, data)
    with services.db.connect() as conn:
        get_row(conn, tenant_id, connection_id)
        layer = repo.load_layer(conn, tenant_id, connection_id)
    check_counts(_with(layer, kind, obj), services.settings.semantic_max_objects, ["body"])
    _check(services, tenant_id, connection_id, kind, obj, None)
    with services.db.begin() as conn:
        object_id = repo.insert_object(conn, tenant_id, connection_id, kind, obj)
        created = repo.to_public(repo.get_object(conn, tenant_id, kind, object_id))
        _record(conn, tenant_id, f"semantic.{kind}.create", kind, object_id, created, list(data))
        return created


def update_object(
    services: Services, tenant_id: str, kind: repo.Kind, object_id: str, changes: dict[str, Any]
) -> dict[str, Any]:
    with services.db.connect() as conn:
        row = repo.get_object(conn, tenant_id, kind, object_id)
    for frozen in ("id", "connection_id"):
        if frozen in changes and changes[frozen] != (
            row.id if frozen == "id" else row.connection_id
        ):
            raise ValidationFailed(
                [{"loc": ["body", frozen], "msg": "cannot be changed", "type": "value_error"}]
            )
        changes.pop(frozen, None)
    merged = {**row.body, **changes, "origin": "user"}
    obj = _parse(kind, merged)
    _check(services, tenant_id, row.connection_id, kind, obj, object_id)
    with services.db.connect() as conn:
        layer = repo.load_layer(conn, tenant_id, row.connection_id)
    after = _with(_without(layer, kind, object_id), kind, obj.model_copy(update={"id": object_id}))
    broken = _broken_by(layer, after)
    if broken:
        raise ValidationFailed(
            [
                {"loc": ["body"], "msg": f"This change would break {line}", "type": "dependency"}
                for line in broken
            ]
        )
    with services.db.begin() as conn:
        repo.replace_object(conn, row, kind, obj)
        updated = repo.to_public(repo.get_object(conn, tenant_id, kind, object_id))
        fields = [k for k in changes if row.body.get(k) != merged.get(k)]
        _record(conn, tenant_id, f"semantic.{kind}.update", kind, object_id, updated, fields)
        return updated


def delete_object(services: Services, tenant_id: str, kind: repo.Kind, object_id: str) -> None:
    """Delete one object; 409 while other objects still refer to it."""
    with services.db.begin() as conn:
        row = repo.get_object(conn, tenant_id, kind, object_id)
        layer = repo.load_layer(conn, tenant_id, row.connection_id)
        broken = _broken_by(layer, _without(layer, kind, object_id))
        if broken:
            raise Conflict(
                f"{row.name!r} is still used; change or delete these first: " + "; ".join(broken)
            )
        repo.delete_object(conn, row)
        _record(conn, tenant_id, f"semantic.{kind}.delete", kind, object_id, {"name": row.name}, [])


def _record(
    conn: Any,
    tenant_id: str,
    action: str,
    kind: str,
    object_id: str,
    public: dict[str, Any],
    fields: list[str],
) -> None:
    name = public.get("name")
    audit.record(
        conn,
        tenant_id=tenant_id,
        action=action,
        target=audit.Target(kind, object_id, name if isinstance(name, str) else None),
        changed_fields=audit.field_names(kind, fields),
    )


def _record_layer(conn: Any, tenant_id: str, action: str, connection_id: str, reason: str) -> None:
    audit.record(
        conn,
        tenant_id=tenant_id,
        action=action,
        target=audit.Target("connection", connection_id),
        reason=reason,
    )


def bootstrap(
    services: Services, tenant_id: str, connection_id: str, *, apply: bool
) -> dict[str, Any]:
    """Propose a layer from the schema, relationships verified on the data (bounded read-only
    checks through the connection's engine); with apply, add what is new (never overwriting
    edits). The report says what was declared, what was refused and why."""
    schema = _schema(services, tenant_id, connection_id)
    with services.db.connect() as conn:
        existing = repo.load_layer(conn, tenant_id, connection_id)
        row = get_row(conn, tenant_id, connection_id)
    timeout = min(services.settings.statement_timeout_s, PROBE_TIMEOUT_S)
    probe = EngineProbe(engine_for(services, row), timeout_s=timeout, budget_s=PROBE_BUDGET_S)
    result = bootstrap_from_schema(schema, existing, probe)
    proposed = result.layer
    diff = diff_layers(existing, proposed)
    if apply:
        check_counts(proposed, services.settings.semantic_max_objects, ["body", "apply"])
        _apply_additions(services, tenant_id, connection_id, existing, proposed)
    else:
        with services.db.begin() as conn:
            _record_layer(conn, tenant_id, "semantic.bootstrap", connection_id, "proposal only")
    return {
        "applied": apply,
        "diff": diff,
        "layer": proposed.model_dump(mode="json"),
        "report": result.report.as_json(),
    }


async def bootstrap_async(
    services: Services, tenant_id: str, connection_id: str, *, apply: bool
) -> dict[str, Any]:
    """`bootstrap` on the bounded introspection pool: it connects (introspection, probes), so a
    tenant's bootstraps to a silent host hold no request thread and cannot starve others."""
    job = introspector(services).submit(
        tenant_id, lambda: bootstrap(services, tenant_id, connection_id, apply=apply)
    )
    return await asyncio.wrap_future(job)


def _apply_additions(
    services: Services,
    tenant_id: str,
    connection_id: str,
    existing: SemanticLayer,
    proposed: SemanticLayer,
) -> int:
    have = {("metric", m.name) for m in existing.metrics}
    have |= {("dimension", d.name) for d in existing.dimensions}
    have |= {("relationship", repo.object_name("relationship", r)) for r in existing.relationships}
    added = 0
    with services.db.begin() as conn:
        for kind, objs in (
            ("dimension", proposed.dimensions),
            ("relationship", proposed.relationships),
            ("metric", proposed.metrics),
        ):
            for obj in objs:
                if (kind, repo.object_name(kind, obj)) in have:  # type: ignore[arg-type]
                    continue
                repo.insert_object(conn, tenant_id, connection_id, kind, obj)  # type: ignore[arg-type]
                added += 1
        _record_layer(
            conn, tenant_id, "semantic.bootstrap", connection_id, f"{added} objects added"
        )
    return added


def export_yaml(services: Services, tenant_id: str, connection_id: str) -> str:
    with services.db.connect() as conn:
        return dump_layer(repo.load_layer(conn, tenant_id, connection_id))


def check_counts(layer: SemanticLayer, cap: int, loc: list[Any]) -> None:
    """422 naming the cap when a kind holds more objects than NEXATRON_SEMANTIC_MAX_OBJECTS."""
    errors = [
        {
            "loc": [*loc, kind],
            "msg": f"{len(getattr(layer, kind))} {kind} is more than the {cap} allowed per "
            "connection (NEXATRON_SEMANTIC_MAX_OBJECTS).",
            "type": "too_many",
        }
        for kind in ("metrics", "dimensions", "relationships")
        if len(getattr(layer, kind)) > cap
    ]
    if errors:
        raise ValidationFailed(errors)


def import_yaml(
    services: Services,
    tenant_id: str,
    connection_id: str,
    text: str,
    *,
    dry_run: bool,
    source: Format = "nexatron",
) -> dict[str, Any]:
    """Replace the layer with the YAML's (Nexatron's own, dbt MetricFlow or Cube); a dry run only
    reports the diff. `unmapped` lists what an imported layer could not carry over, and why.
    Linear in the size of the layer (see validate_import); at most NEXATRON_SEMANTIC_MAX_OBJECTS
    objects per kind."""
    unmapped: list[dict[str, str]] = []
    if source == "nexatron":
        incoming = load_layer(text)
    else:
        converted = from_dbt(text) if source == "dbt" else from_cube(text)
        incoming, unmapped = converted.layer, [u.view() for u in converted.unmapped]
    check_counts(incoming, services.settings.semantic_max_objects, ["body", "yaml"])
    schema = _schema(services, tenant_id, connection_id)
    errors = validate_import(incoming, schema)
    seen: set[str] = set()
    for index, rel in enumerate(incoming.relationships):  # the validator checks names only
        key = repo.object_name("relationship", rel)
        if key in seen:
            errors.append(
                {
                    "loc": ["body", "relationships", index],
                    "msg": f"The relationship {key} is listed twice.",
                    "type": "duplicate",
                }
            )
        seen.add(key)
    if errors:
        raise ValidationFailed(errors)
    with services.db.connect() as conn:
        current = repo.load_layer(conn, tenant_id, connection_id)
    diff = diff_layers(current, incoming)
    if not dry_run:
        objects: list[tuple[repo.Kind, BaseModel]] = [
            *(("dimension", d) for d in incoming.dimensions),
            *(("relationship", r) for r in incoming.relationships),
            *(("metric", m) for m in incoming.metrics),
        ]
        with services.db.begin() as conn:
            repo.replace_layer(conn, tenant_id, connection_id, objects)
            _record_layer(conn, tenant_id, "semantic.import", connection_id, "layer replaced")
    else:
        with services.db.begin() as conn:
            _record_layer(conn, tenant_id, "semantic.import", connection_id, "dry run: no change")
    return {"dry_run": dry_run, "diff": diff, "unmapped": unmapped}
