"""Factories for the cross-tenant matrix: each creates one object of a kind in a tenant.

A factory is registered under the path parameter that addresses its object: `@factory("user_id")`.
When several collections share a parameter name (e.g. `/semantic/metrics/{object_id}` and
`/semantic/dimensions/{object_id}`), register it for the collection, the path segment just before
the parameter: `@factory("object_id", collection="metrics")`. A collection-specific factory wins
over a plain one. A factory creates its object through the API as the tenant's admin (it may call
`ctx.make("connection_id")` for a parent) and returns a `Made`.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nexatron.testing import Harness, Tenant, tenant_files

PARAM = re.compile(r"{(\w+)(?::\w+)?}")


@dataclass
class Made:
    """An object created in the victim tenant and how to address, read and poke it.

    `requests` maps "METHOD /api/v1/full/{template}" to httpx kwargs (json=..., params=...) for
    routes that need something other than `body` (a sub-resource body, required query params).
    The body must be valid: a 422 instead of the expected 404 fails the matrix.
    """

    params: dict[str, str]  # every path parameter needed to address it (parents included)
    snapshot: Callable[[], Awaitable[Any]]  # the owner's view of it; compared before/after
    body: dict[str, Any] | None = None  # a valid body for PATCH/PUT/POST routes on the object
    requests: dict[str, dict[str, Any]] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)  # must never appear in an intruder's reply
    extra: dict[str, Any] = field(default_factory=dict)  # for dependent factories

    def request_kwargs(self, method: str, template: str, has_body: bool) -> dict[str, Any] | None:
        """The httpx kwargs for one route, or None when a body is needed but none is known."""
        special = self.requests.get(f"{method} {template}")
        if special is not None:
            return dict(special)
        if not has_body:
            return {}
        return None if self.body is None else {"json": self.body}


@dataclass
class Ctx:
    harness: Harness
    tenant: Tenant
    tmp_path: Path
    cache: dict[str, Made] = field(default_factory=dict)

    async def make(self, key: str) -> Made:
        """The object for a factory key (one per test, created on first use)."""
        if key not in self.cache:
            self.cache[key] = await FACTORIES[key](self)
        return self.cache[key]

    async def ok(self, method: str, url: str, **kwargs: Any) -> Any:
        """Call as the owning tenant's admin; anything but 2xx fails the test."""
        r = await self.harness.as_(self.tenant.admin, method, url, **kwargs)
        assert r.is_success, f"factory call {method} {url} failed: {r.status_code} {r.text}"
        return r.json() if r.content else None


Factory = Callable[[Ctx], Awaitable[Made]]
FACTORIES: dict[str, Factory] = {}


def factory(param: str, *, collection: str | None = None) -> Callable[[Factory], Factory]:
    key = f"{collection}/{{{param}}}" if collection else param

    def register(fn: Factory) -> Factory:
        FACTORIES[key] = fn
        return fn

    return register


def factory_key(template: str, param: str) -> str | None:
    """The registered factory for a parameter of a route template, most specific first."""
    before = template.split("{" + param)[0].rstrip("/").rsplit("/", 1)[-1]
    for key in (f"{before}/{{{param}}}", param):
        if key in FACTORIES:
            return key
    return None


def missing_factory(template: str, param: str) -> str:
    collection = template.split("{" + param)[0].rstrip("/").rsplit("/", 1)[-1]
    return (
        f"{template}: no factory for path parameter {param!r}. Add one in "
        f"tests/platform/factories.py: @factory({param!r}) (or @factory({param!r}, "
        f"collection={collection!r}) when the name is shared) creating the object through the API."
    )


def fill(template: str, params: dict[str, str]) -> str:
    return PARAM.sub(lambda m: params[m.group(1)], template)


def tag() -> str:
    return secrets.token_hex(5)


@factory("user_id")
async def make_user(ctx: Ctx) -> Made:
    t = tag()
    email, name = f"victim-{t}@acme.test", f"Victim Person {t}"
    user = await ctx.ok(
        "POST",
        "/api/v1/users",
        json={"email": email, "password": f"victim-pw-{t}", "role": "analyst", "name": name},
    )

    async def snapshot() -> Any:
        return await ctx.ok("GET", f"/api/v1/users/{user['id']}")

    return Made(
        params={"user_id": user["id"]},
        snapshot=snapshot,
        body={"role": "viewer", "disabled": True, "name": "hijacked"},
        secrets=[email, name],
    )


@factory("key_id")
async def make_api_key(ctx: Ctx) -> Made:
    name = f"victim-key-{tag()}"
    key = await ctx.ok("POST", "/api/v1/api-keys", json={"name": name, "role": "analyst"})
    auth = {"Authorization": f"Bearer {key['key']}"}
    first = await ctx.harness.client.get("/api/v1/auth/me", headers=auth)
    assert first.status_code == 200  # sets last_used_at now, so snapshots stay comparable

    async def snapshot() -> Any:
        listing = await ctx.ok("GET", "/api/v1/api-keys")
        found = [k for k in listing["data"] if k["id"] == key["id"]]
        me = await ctx.harness.client.get("/api/v1/auth/me", headers=auth)
        return {"record": found, "still_authenticates": me.status_code}

    return Made(
        params={"key_id": key["id"]},
        snapshot=snapshot,
        body={"name": "hijacked", "role": "viewer"},
        secrets=[name, key["prefix"], key["key"]],
    )


@factory("connection_id")
async def make_connection(ctx: Ctx) -> Made:
    t = tag()
    folder = tenant_files(ctx.harness.services, ctx.tenant.id)  # the tenant's own area
    path = folder / f"victim-{t}.db"
    with sqlite3.connect(path) as db:
        db.execute(f"CREATE TABLE customers_{t} (id INTEGER PRIMARY KEY, name_{t} TEXT)")
        db.execute(
            f"CREATE TABLE orders_{t} (id INTEGER PRIMARY KEY, amount REAL, "
            f"customer_id INTEGER REFERENCES customers_{t}(id))"
        )
    name = f"victim-conn-{t}"
    made = await ctx.ok(
        "POST",
        "/api/v1/connections",
        json={"name": name, "type": "sqlite", "config": {"path": str(path)}},
    )

    async def snapshot() -> Any:
        return await ctx.ok("GET", f"/api/v1/connections/{made['id']}")

    return Made(
        params={"connection_id": made["id"]},
        snapshot=snapshot,
        body={"name": "hijacked", "is_default": False},
        secrets=[name, str(path), f"customers_{t}", f"orders_{t}", f"name_{t}"],
        extra={"tag": t, "path": path},
    )


async def make_semantic(ctx: Ctx, plural: str, body: Callable[[str], dict[str, Any]]) -> Made:
    """A semantic object on the tenant's connection (tables `orders_<tag>`, `customers_<tag>`)."""
    connection = await ctx.make("connection_id")
    t = connection.extra["tag"]
    fields = body(t)
    made = await ctx.ok(
        "POST",
        f"/api/v1/semantic/{plural}",
        json={"connection_id": connection.params["connection_id"], **fields},
    )

    async def snapshot() -> Any:
        return await ctx.ok("GET", f"/api/v1/semantic/{plural}/{made['id']}")

    return Made(
        params={"object_id": made["id"]},
        snapshot=snapshot,
        body={"name": f"hijacked_{t}"},
        secrets=[str(fields["name"])],
    )


@factory("object_id", collection="metrics")
async def make_metric(ctx: Ctx) -> Made:
    return await make_semantic(
        ctx,
        "metrics",
        lambda t: {
            "name": f"victim_revenue_{t}",
            "table": f"orders_{t}",
            "agg": "sum",
            "expr": "amount",
            "description": f"Victim metric {t}",
        },
    )


@factory("object_id", collection="dimensions")
async def make_dimension(ctx: Ctx) -> Made:
    return await make_semantic(
        ctx,
        "dimensions",
        lambda t: {
            "name": f"victim_customer_{t}",
            "table": f"customers_{t}",
            "expr": f"name_{t}",
            "type": "string",
        },
    )


@factory("object_id", collection="relationships")
async def make_relationship(ctx: Ctx) -> Made:
    return await make_semantic(
        ctx,
        "relationships",
        lambda t: {
            "name": f"victim_orders_customers_{t}",
            "from_table": f"orders_{t}",
            "from_columns": ["customer_id"],
            "to_table": f"customers_{t}",
            "to_columns": ["id"],
        },
    )


@factory("query_id")
async def make_query(ctx: Ctx) -> Made:
    """An answered question about the tenant's metric (asked by the tenant's admin)."""
    metric = await ctx.make("metrics/{object_id}")
    connection = await ctx.make("connection_id")
    t = connection.extra["tag"]
    with sqlite3.connect(connection.extra["path"]) as db:
        db.execute(f"INSERT INTO customers_{t} VALUES (1, 'Victim Customer {t}')")
        db.execute(f"INSERT INTO orders_{t} VALUES (1, 4242.5, 1)")
    assert metric.params["object_id"]
    answer = await ctx.ok(
        "POST",
        "/api/v1/query",
        json={
            "question": f"victim revenue {t}",
            "connection_id": connection.params["connection_id"],
        },
    )

    async def snapshot() -> Any:
        return await ctx.ok("GET", f"/api/v1/query/{answer['id']}")

    return Made(
        params={"query_id": answer["id"]},
        snapshot=snapshot,
        requests={
            "POST /api/v1/query/{query_id}/feedback": {"json": {"vote": "down", "comment": "x"}},
            "PUT /api/v1/query/{query_id}/verified": {"json": {"question": "victim question"}},
        },
        secrets=[f"victim revenue {t}", "4242.5", f"Victim Customer {t}"],
    )


@factory("tenant_id")
async def make_tenant(ctx: Ctx) -> Made:
    """Operator routes address a tenant: the victim is the owning tenant itself. Tenant
    credentials (the intruder's included) are refused there with a 403 (the matrix expects it)."""
    from sqlalchemy import select

    from nexatron.store.tables import tenants

    async def snapshot() -> Any:
        with ctx.harness.services.db.connect() as conn:
            row = conn.execute(select(tenants).where(tenants.c.id == ctx.tenant.id)).one()
        return dict(row._mapping)

    return Made(params={"tenant_id": ctx.tenant.id}, snapshot=snapshot, body={"plan": "free"})


@factory("token_id")
async def make_scim_token(ctx: Ctx) -> Made:
    """A SCIM token of the tenant (DELETE /scim/tokens/{token_id} revokes it)."""
    name = f"victim-scim-{tag()}"
    made = await ctx.ok("POST", "/api/v1/scim/tokens", json={"name": name})
    auth = {"Authorization": f"Bearer {made['token']}"}

    async def snapshot() -> Any:
        listing = await ctx.ok("GET", "/api/v1/scim/tokens")
        found = [
            {k: v for k, v in t.items() if k != "last_used_at"}
            for t in listing["data"]
            if t["id"] == made["id"]
        ]
        works = await ctx.harness.client.get("/scim/v2/ServiceProviderConfig", headers=auth)
        return {"record": found, "still_authenticates": works.status_code}

    return Made(
        params={"token_id": made["id"]},
        snapshot=snapshot,
        secrets=[name, made["prefix"], made["token"]],
    )


@factory("file_id")
async def make_file(ctx: Ctx) -> Made:
    """An uploaded CSV (no connection over it, so DELETE would succeed for its owner)."""
    t = tag()
    body = f"victim_col_{t},amount\nvictim-row-{t},42\n".encode()
    made = await ctx.ok(
        "POST",
        "/api/v1/files",
        files={"file": (f"victim-{t}.csv", body, "text/csv")},
        data={"create_connection": "false"},
    )

    async def snapshot() -> Any:
        listing = await ctx.ok("GET", "/api/v1/files")
        return [f for f in listing["data"] if f["id"] == made["id"]]

    return Made(
        params={"file_id": made["id"]},
        snapshot=snapshot,
        secrets=[f"victim-{t}.csv", made["path"], made["sha256"], f"victim_col_{t}"],
    )
