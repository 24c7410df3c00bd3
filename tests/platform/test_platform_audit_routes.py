"""Every state-changing route writes exactly one audit event: generated from the app's route
table (like the cross-tenant matrix), so a new route without auditing fails here.

For each POST/PUT/PATCH/DELETE route under /api/v1, and of the SCIM app at /scim/v2 (called with
a SCIM token), it checks that the route declares its action (`openapi_extra=audit.action(...)`),
that a successful call writes exactly one event with that action, and that a failed or refused
call writes exactly one event saying so. (A SCIM change that moves a user's role through the
group mapping also writes one `user.role_change` per such user: tests/identity/test_scim_api.py.)
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select

from nexatron.audit import ACTION_KEY
from nexatron.identity.operators import create_operator_key
from nexatron.store.tables import audit_events
from nexatron.testing import Harness

from .factories import PARAM, Ctx, factory_key, fill
from .test_platform_tenancy import api_routes

pytestmark = pytest.mark.anyio
API = "/api/v1"
CHANGING = {"POST", "PUT", "PATCH", "DELETE"}

# Routes that change state but are not audit events, and why.
EXEMPT = {
    f"POST {API}/query": "a question: kept in query history, not the audit log",
    f"POST {API}/query/stream": "a question: kept in query history, not the audit log",
    f"POST {API}/semantic/query": "a structured query: kept in query history, not the audit log",
}
# Actions a route may record instead of the one it declares (a more specific one).
SPECIFIC = {"user.update": {"user.role_change", "user.disable", "user.enable"}}
# Collection creates: the factory that creates through exactly that route (parents made first).
CREATES = {
    f"POST {API}/connections": ("connection_id", ()),
    f"POST {API}/users": ("user_id", ()),
    f"POST {API}/files": ("file_id", ()),
    f"POST {API}/api-keys": ("key_id", ()),
    f"POST {API}/semantic/metrics": ("metrics/{object_id}", ("connection_id",)),
    f"POST {API}/semantic/dimensions": ("dimensions/{object_id}", ("connection_id",)),
    f"POST {API}/semantic/relationships": ("relationships/{object_id}", ("connection_id",)),
}


@dataclass
class Call:
    """One request: who sends it (headers), and the httpx kwargs."""

    method: str
    url: str
    headers: dict[str, str]
    kwargs: dict[str, Any] = field(default_factory=dict)


Sample = Callable[[Ctx, dict[str, str]], Awaitable[Call]]  # (ctx, operator headers) -> Call


async def _login(ctx: Ctx) -> dict[str, Any]:
    admin = ctx.tenant.admin
    r = await ctx.harness.client.post(
        f"{API}/auth/login", json={"email": admin.email, "password": admin.password}
    )
    assert r.status_code == 200, r.text
    tokens: dict[str, Any] = r.json()
    return tokens


async def _new_tenant(ctx: Ctx, op: dict[str, str], *, suspended: bool = False) -> str:
    slug = "aud-" + secrets.token_hex(4)
    r = await ctx.harness.client.post(
        f"{API}/operator/tenants",
        json={"name": slug, "slug": slug, "admin_email": f"a@{slug}.test"},
        headers=op,
    )
    assert r.status_code == 201, r.text
    tenant_id = str(r.json()["tenant"]["id"])
    if suspended:
        r = await ctx.harness.client.post(f"{API}/operator/tenants/{tenant_id}/suspend", headers=op)
        assert r.status_code == 200
    return tenant_id


async def _connection(ctx: Ctx) -> str:
    return (await ctx.make("connection_id")).params["connection_id"]


def _admin(ctx: Ctx) -> dict[str, str]:
    return ctx.tenant.admin.headers


async def s_login(ctx: Ctx, _op: dict[str, str]) -> Call:
    admin = ctx.tenant.admin
    body = {"email": admin.email, "password": admin.password}
    return Call("POST", f"{API}/auth/login", {}, {"json": body})


async def s_refresh(ctx: Ctx, _op: dict[str, str]) -> Call:
    tokens = await _login(ctx)
    body = {"refresh_token": tokens["refresh_token"]}
    return Call("POST", f"{API}/auth/refresh", {}, {"json": body})


async def s_logout(ctx: Ctx, _op: dict[str, str]) -> Call:
    tokens = await _login(ctx)
    return Call("POST", f"{API}/auth/logout", {"Authorization": f"Bearer {tokens['access_token']}"})


async def s_bootstrap(ctx: Ctx, _op: dict[str, str]) -> Call:
    body = {"connection_id": await _connection(ctx), "apply": True}
    return Call("POST", f"{API}/semantic/bootstrap", _admin(ctx), {"json": body})


async def s_import(ctx: Ctx, _op: dict[str, str]) -> Call:
    body = {"connection_id": await _connection(ctx), "yaml": "metrics: []\n", "dry_run": False}
    return Call("POST", f"{API}/semantic/import", _admin(ctx), {"json": body})


LLM = {"provider": "openai", "base_url": "https://api.openai.com/v1", "model": "gpt-4o-mini"}


async def s_llm_put(ctx: Ctx, _op: dict[str, str]) -> Call:
    body = {**LLM, "api_key": "sk-" + secrets.token_hex(8)}
    return Call("PUT", f"{API}/llm/settings", _admin(ctx), {"json": body})


async def s_llm_delete(ctx: Ctx, _op: dict[str, str]) -> Call:
    await ctx.ok("PUT", f"{API}/llm/settings", json=LLM)
    return Call("DELETE", f"{API}/llm/settings", _admin(ctx))


async def s_scim_token(ctx: Ctx, _op: dict[str, str]) -> Call:
    return Call("POST", f"{API}/scim/tokens", _admin(ctx), {"json": {"name": "idp"}})


async def s_scim_roles(ctx: Ctx, _op: dict[str, str]) -> Call:
    body = {"group_roles": {"Admins": "admin"}, "default_role": "viewer"}
    return Call("PUT", f"{API}/scim/role-mapping", _admin(ctx), {"json": body})


def _sso() -> dict[str, Any]:  # a public address literal: nothing is called when saving
    domain = f"aud-{secrets.token_hex(4)}.example.com"
    return {"issuer": "https://8.8.8.8", "client_id": "x", "allowed_domains": [domain]}


async def s_sso_put(ctx: Ctx, _op: dict[str, str]) -> Call:
    return Call("PUT", f"{API}/sso/settings", _admin(ctx), {"json": _sso()})


async def s_sso_delete(ctx: Ctx, _op: dict[str, str]) -> Call:
    await ctx.ok("PUT", f"{API}/sso/settings", json=_sso())
    return Call("DELETE", f"{API}/sso/settings", _admin(ctx))


async def s_tenant_create(ctx: Ctx, op: dict[str, str]) -> Call:
    slug = "aud-" + secrets.token_hex(4)
    body = {"name": slug, "slug": slug, "admin_email": f"a@{slug}.test"}
    return Call("POST", f"{API}/operator/tenants", op, {"json": body})


async def s_tenant_plan(ctx: Ctx, op: dict[str, str]) -> Call:
    tenant = await _new_tenant(ctx, op)
    return Call("PATCH", f"{API}/operator/tenants/{tenant}", op, {"json": {"plan": "free"}})


async def s_tenant_suspend(ctx: Ctx, op: dict[str, str]) -> Call:
    return Call("POST", f"{API}/operator/tenants/{await _new_tenant(ctx, op)}/suspend", op)


async def s_tenant_resume(ctx: Ctx, op: dict[str, str]) -> Call:
    tenant = await _new_tenant(ctx, op, suspended=True)
    return Call("POST", f"{API}/operator/tenants/{tenant}/resume", op)


async def s_tenant_delete(ctx: Ctx, op: dict[str, str]) -> Call:
    return Call("DELETE", f"{API}/operator/tenants/{await _new_tenant(ctx, op)}", op)


async def s_unverify(ctx: Ctx, _op: dict[str, str]) -> Call:
    query_id = (await ctx.make("query_id")).params["query_id"]
    await ctx.ok("PUT", f"{API}/query/{query_id}/verified")
    return Call("DELETE", f"{API}/query/{query_id}/verified", _admin(ctx))


# Routes whose successful call needs more than a factory's object and body.
SAMPLES: dict[str, Sample] = {
    f"DELETE {API}/query/{{query_id}}/verified": s_unverify,
    f"POST {API}/auth/login": s_login,
    f"POST {API}/auth/refresh": s_refresh,
    f"POST {API}/auth/logout": s_logout,
    f"POST {API}/semantic/bootstrap": s_bootstrap,
    f"POST {API}/semantic/import": s_import,
    f"PUT {API}/llm/settings": s_llm_put,
    f"DELETE {API}/llm/settings": s_llm_delete,
    f"POST {API}/scim/tokens": s_scim_token,
    f"PUT {API}/scim/role-mapping": s_scim_roles,
    f"PUT {API}/sso/settings": s_sso_put,
    f"DELETE {API}/sso/settings": s_sso_delete,
    f"POST {API}/operator/tenants": s_tenant_create,
    f"PATCH {API}/operator/tenants/{{tenant_id}}": s_tenant_plan,
    f"POST {API}/operator/tenants/{{tenant_id}}/suspend": s_tenant_suspend,
    f"POST {API}/operator/tenants/{{tenant_id}}/resume": s_tenant_resume,
    f"DELETE {API}/operator/tenants/{{tenant_id}}": s_tenant_delete,
}


def changing_routes(app: Any) -> list[tuple[str, str, str | None]]:
    out = []
    for path, route in api_routes(app):
        if not path.startswith(API + "/"):
            continue
        action = (route.openapi_extra or {}).get(ACTION_KEY)
        out.extend((m, path, action) for m in sorted(route.methods & CHANGING))
    return out


def event_ids(harness: Harness) -> set[str]:
    with harness.services.db.connect() as conn:
        return set(conn.execute(select(audit_events.c.id)).scalars())


def events_since(harness: Harness, before: set[str]) -> list[dict[str, Any]]:
    with harness.services.db.connect() as conn:
        rows = conn.execute(select(audit_events).where(audit_events.c.id.not_in(before)))
        return [dict(r) for r in rows.mappings()]


def missing_action(label: str) -> str:
    resource = label.split()[1].removeprefix(API + "/").split("/")[0].replace("-", "_")
    return (
        f"{label} declares no audit action. Add `openapi_extra=audit.action('{resource}.<verb>')` "
        "to its decorator and call `audit.record(conn, tenant_id=..., action=..., target="
        "audit.Target(...), changed_fields=[...])` in the transaction that makes the change "
        "(src/nexatron/audit/__init__.py); or, if it is not an auditable change, list it in "
        "EXEMPT in tests/platform/test_platform_audit_routes.py with the reason."
    )


def check(
    label: str,
    action: str,
    events: list[dict[str, Any]],
    outcome: str,
    specific: dict[str, set[str]] = SPECIFIC,
) -> list[str]:
    allowed = {action} | specific.get(action, set())
    if len(events) != 1:
        found = [(e["action"], e["outcome"]) for e in events]
        return [f"{label}: expected exactly one {outcome} event {action!r}, found {found}"]
    [event] = events
    problems = []
    if event["action"] not in allowed:
        problems.append(f"{label}: recorded {event['action']!r}, declared {action!r}")
    if event["outcome"] != outcome:
        problems.append(f"{label}: outcome {event['outcome']!r}, expected {outcome!r}")
    if not event["request_id"]:
        problems.append(f"{label}: the event has no request_id")
    return problems


async def success_call(ctx: Ctx, op: dict[str, str], method: str, template: str) -> Call | str:
    label = f"{method} {template}"
    if label in SAMPLES:
        return await SAMPLES[label](ctx, op)
    params = PARAM.findall(template)
    if not params:
        return (
            f"{label}: no sample request. Add one to SAMPLES in "
            "tests/platform/test_platform_audit_routes.py (or to CREATES when a factory "
            "creates through this route)."
        )
    key = factory_key(template, params[-1])
    if key is None:
        return f"{label}: no factory for {params[-1]!r} (see tests/platform/factories.py)"
    made = await ctx.make(key)
    kwargs = made.request_kwargs(method, template, has_body=method in {"POST", "PUT", "PATCH"})
    if method == "POST" and template.endswith("/test"):
        kwargs = {}
    if kwargs is None:
        return f"{label}: the factory has no body for it (Made.body or Made.requests)"
    return Call(method, fill(template, made.params), _admin(ctx), kwargs)


async def test_every_state_changing_route_writes_exactly_one_event(harness, tmp_path) -> None:
    routes = changing_routes(harness.app.app)
    assert len(routes) >= 25
    with harness.services.db.begin() as conn:
        _rec, key = create_operator_key(conn, harness.services.settings.secret_key, "audit")
    op = {"Authorization": f"Bearer {key}"}
    failures: list[str] = []
    for method, template, action in routes:
        label = f"{method} {template}"
        if label in EXEMPT:
            continue
        if action is None:
            failures.append(missing_action(label))
            continue
        ctx = Ctx(harness, harness.tenant, tmp_path)  # fresh objects for every route
        if label in CREATES:
            made_by, parents = CREATES[label]
            for parent in parents:
                await ctx.make(parent)
            before = event_ids(harness)
            await ctx.make(made_by)
            failures += check(label, action, events_since(harness, before), "success")
        else:
            call = await success_call(ctx, op, method, template)
            if isinstance(call, str):
                failures.append(call)
                continue
            before = event_ids(harness)
            r = await harness.client.request(
                call.method, call.url, headers=call.headers, **call.kwargs
            )
            if not r.is_success:
                failures.append(f"{label}: the sample call failed: {r.status_code} {r.text[:200]}")
                continue
            failures += check(label, action, events_since(harness, before), "success")
        failures += await failure_check(harness, ctx, op, method, template, action)
    assert not failures, "\n".join(failures)


async def failure_check(
    harness: Harness, ctx: Ctx, op: dict[str, str], method: str, template: str, action: str
) -> list[str]:
    """A refused or failed call records exactly one event saying so (401s excepted: no tenant)."""
    label = f"{method} {template}"
    kwargs: dict[str, Any] = {}
    if template.startswith(f"{API}/operator/"):
        url, headers = fill(template, {"tenant_id": "ten_missing"}), op
        if not PARAM.findall(template):
            kwargs = {"json": {}}
    elif template == f"{API}/auth/login":
        admin = ctx.tenant.admin
        url, headers = template, {}
        kwargs = {"json": {"email": admin.email, "password": "wrong-password"}}
    elif template in {f"{API}/auth/refresh", f"{API}/auth/logout"}:
        return []  # an unknown refresh token or credential is a 401: no tenant to record in
    elif PARAM.findall(template):
        # Another tenant's admin on this tenant's object: a 404, recorded in their own log.
        ids = {p: f"missing_{p}" for p in PARAM.findall(template)}
        url, headers = fill(template, ids), harness.other.admin.headers
        if method in {"PATCH", "PUT"}:
            kwargs = {"json": {}}
    else:
        url, headers = template, harness.tenant.viewer.headers
        if method in {"POST", "PUT", "PATCH"}:
            kwargs = {"json": {}}
    before = event_ids(harness)
    r = await harness.client.request(method, url, headers=headers, **kwargs)
    if r.is_success:
        return [f"{label}: the failure probe succeeded ({r.status_code}); cannot check"]
    outcome = "denied" if r.status_code == 403 else "failure"
    events = events_since(harness, before)
    if template == f"{API}/auth/login":
        action = "auth.login.failed"
    return check(f"{label} (refused: {r.status_code})", action, events, outcome)


async def test_a_route_without_an_action_is_named_with_the_fix() -> None:
    from fastapi import APIRouter, FastAPI

    app, router = FastAPI(), APIRouter(prefix="/widgets")

    @router.post("")
    def create_widget() -> dict[str, str]:
        return {}

    app.include_router(router, prefix=API)
    [(method, path, action)] = changing_routes(app)
    assert (method, path, action) == ("POST", f"{API}/widgets", None)
    message = missing_action(f"{method} {path}")
    assert "audit.action('widgets.<verb>')" in message and "audit.record(conn" in message


SCIM = "/scim/v2"
SCIM_CORE = "urn:ietf:params:scim:schemas:core:2.0:"
SCIM_PATCH = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}
# SCIM routes that take a POST but change nothing.
SCIM_EXEMPT = {
    f"POST {SCIM}/.search": "a search (refused: one resource type at a time)",
    f"POST {SCIM}/Users/.search": "a search: reads",
    f"POST {SCIM}/Groups/.search": "a search: reads",
}
# A replace or patch that flips `active` is recorded as what it does.
SCIM_SPECIFIC = {
    "scim.user.replace": {"scim.user.deactivate", "scim.user.reactivate"},
    "scim.user.patch": {"scim.user.deactivate", "scim.user.reactivate"},
}


def scim_bodies(kind: str) -> dict[str, dict[str, Any]]:
    """A valid POST, PUT and PATCH body for Users or Groups (no role changes: no group is in
    the tenant's role mapping, so each call writes its own event and no user.role_change)."""
    t = secrets.token_hex(4)
    if kind == "Users":
        user = {"schemas": [SCIM_CORE + "User"], "userName": f"aud-{t}@example.com"}
        return {
            "POST": user,
            "PUT": {**user, "userName": f"aud-{t}-2@example.com", "displayName": "Put"},
            "PATCH": {
                **SCIM_PATCH,
                "Operations": [{"op": "replace", "path": "displayName", "value": "Patched"}],
            },
        }
    group = {"schemas": [SCIM_CORE + "Group"], "displayName": f"aud-{t}"}
    return {
        "POST": group,
        "PUT": {**group, "displayName": f"aud-{t}-2"},
        "PATCH": {
            **SCIM_PATCH,
            "Operations": [{"op": "replace", "path": "displayName", "value": f"aud-{t}-3"}],
        },
    }


async def test_every_state_changing_scim_route_writes_exactly_one_event(harness) -> None:
    """The SCIM app's route table (the one /scim/v2 serves), with a SCIM token: one event per
    successful call, one per failed call (an unknown id, an invalid body)."""
    from nexatron.api.scim import create_scim_app

    routes = [
        (method, SCIM + route.path, (route.openapi_extra or {}).get(ACTION_KEY))
        for _path, route in api_routes(create_scim_app(harness.services))
        for method in sorted(route.methods & CHANGING)
    ]
    assert len(routes) >= 8
    r = await harness.as_(harness.tenant.admin, "POST", f"{API}/scim/tokens", json={"name": "a"})
    token = {"Authorization": f"Bearer {r.json()['token']}", "Content-Type": "application/json"}
    # A token's use is recorded at most once a minute, by authentication: use it once first.
    assert (await harness.client.get(f"{SCIM}/Users", headers=token)).status_code == 200
    failures: list[str] = []
    for method, template, action in routes:
        label = f"{method} {template}"
        if label in SCIM_EXEMPT:
            continue
        if action is None:
            failures.append(f"{label} declares no audit action (openapi_extra=changes(...))")
            continue
        kind = template.removeprefix(SCIM + "/").split("/")[0]
        bodies = scim_bodies(kind)
        url = f"{SCIM}/{kind}"
        if "{object_id}" in template:
            made = await harness.client.post(url, headers=token, json=bodies["POST"])
            assert made.status_code == 201, made.text
            url += "/" + made.json()["id"]
        calls = [
            ("success", url, bodies.get(method)),
            ("failure", url.rsplit("/", 1)[0] + "/missing", bodies.get(method))
            if "{object_id}" in template
            else ("failure", url, {"schemas": bodies["POST"]["schemas"]}),  # no name
        ]
        for outcome, call_url, body in calls:
            before = event_ids(harness)
            r = await harness.client.request(method, call_url, headers=token, json=body)
            if r.is_success != (outcome == "success"):
                failures.append(f"{label}: the {outcome} call answered {r.status_code} {r.text}")
                continue
            events = events_since(harness, before)
            failures += check(f"{label} ({r.status_code})", action, events, outcome, SCIM_SPECIFIC)
            if events and events[0]["actor_type"] != "scim":
                failures.append(f"{label}: actor {events[0]['actor_type']!r}, not the token")
    assert not failures, "\n".join(failures)
