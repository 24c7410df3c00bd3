"""Cross-tenant matrix generated from the app's route table: another tenant's object is a 404
(on operator routes, which no tenant credential may call, a 403)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from .factories import (
    PARAM,
    Ctx,
    factory_key,
    fill,
    missing_factory,
)

pytestmark = pytest.mark.anyio

API = "/api/v1"


@dataclass(frozen=True)
class Target:
    method: str
    template: str
    params: tuple[str, ...]
    has_body: bool


def api_routes(app: FastAPI) -> Iterator[tuple[str, APIRoute]]:
    """(full path, route) for every APIRoute, flattening included routers (FastAPI >= 0.165
    keeps them as `_IncludedRouter` entries with per-route contexts)."""
    for entry in app.routes:
        if isinstance(entry, APIRoute):
            yield entry.path, entry
        elif hasattr(entry, "effective_route_contexts"):
            for context in entry.effective_route_contexts():
                if isinstance(context.original_route, APIRoute):
                    yield context.path, context.original_route


def targets(app: FastAPI) -> list[Target]:
    """Every (method, route) under /api/v1 that addresses an object through a path parameter."""
    out = []
    for path, route in api_routes(app):
        params = tuple(PARAM.findall(path))
        if not path.startswith(API + "/") or not params:
            continue
        for method in sorted(route.methods):
            out.append(Target(method, path, params, route.body_field is not None))
    return out


def strings(value: Any) -> set[str]:
    """Distinctive string values inside a JSON document (candidates for a leak)."""
    if isinstance(value, dict):
        return set().union(*(strings(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(strings(v) for v in value)) if value else set()
    return {value} if isinstance(value, str) and len(value) >= 8 else set()


def test_matrix_reports_a_missing_factory() -> None:
    """A new router with an unregistered path parameter makes the matrix fail, naming the fix."""
    app, router = FastAPI(), APIRouter(prefix="/widgets")

    @router.get("/{widget_id}")
    def get_widget(widget_id: str) -> dict[str, str]:
        return {"id": widget_id}

    app.include_router(router, prefix=API)
    [target] = targets(app)
    assert (target.method, target.template, target.params) == (
        "GET",
        API + "/widgets/{widget_id}",
        ("widget_id",),
    )
    assert factory_key(target.template, "widget_id") is None
    message = missing_factory(target.template, "widget_id")
    assert "@factory('widget_id')" in message and "tests/platform/factories.py" in message
    assert factory_key(API + "/users/{user_id}", "user_id") == "user_id"


async def test_cross_tenant_matrix(harness, tmp_path) -> None:
    found = targets(harness.app.app)
    covered = {(t.method, t.template) for t in found}
    assert {
        ("GET", API + "/users/{user_id}"),
        ("PATCH", API + "/users/{user_id}"),
        ("DELETE", API + "/api-keys/{key_id}"),
    } <= covered

    ctx = Ctx(harness, harness.tenant, tmp_path)
    intruder = harness.other.admin
    failures: list[str] = []
    unfactored: dict[str, list[str]] = {}  # message -> methods of that route
    checked = 0
    for target in found:
        label = f"{target.method} {target.template}"
        keys = {p: factory_key(target.template, p) for p in target.params}
        missing = [p for p, k in keys.items() if k is None]
        if missing:
            for p in missing:
                unfactored.setdefault(missing_factory(target.template, p), []).append(target.method)
            continue
        made = await ctx.make(keys[target.params[-1]])  # the addressed object (parents inside)
        absent = set(target.params) - made.params.keys()
        if absent:
            failures.append(f"{label}: the factory's Made.params lacks {sorted(absent)}")
            continue
        kwargs = made.request_kwargs(target.method, target.template, target.has_body)
        if kwargs is None:
            failures.append(
                f"{label}: needs a body; set Made.body or Made.requests in the "
                "factory for this route"
            )
            continue
        before = await made.snapshot()
        r = await harness.as_(intruder, target.method, fill(target.template, made.params), **kwargs)
        after = await made.snapshot()
        checked += 1
        # Operator routes refuse every tenant credential outright (403), the owner's too.
        expected = 403 if target.template.startswith(API + "/operator/") else 404
        if r.status_code != expected:
            failures.append(
                f"{label}: tenant B got {r.status_code}, expected {expected}: {r.text[:200]}"
            )
        if after != before:
            failures.append(f"{label}: the object changed: {before!r} -> {after!r}")
        leaked = [
            s
            for s in (strings(before) | set(made.secrets) | {harness.tenant.id})
            if s not in made.params.values() and s in r.text
        ]
        if leaked:
            failures.append(f"{label}: the response leaks {leaked}")
        if "detail" not in r.json():
            failures.append(f"{label}: no detail in {r.text[:200]}")
    failures += [f"{'/'.join(methods)} {message}" for message, methods in unfactored.items()]
    assert not failures, "\n".join(failures)
    assert checked >= 3
