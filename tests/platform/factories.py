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
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nexatron.testing import Harness, Tenant

PARAM = re.compile(r"{(\w+)(?::\w+)?}")


@dataclass
class Made:
    """An object created in the victim tenant and how to address, read and poke it."""

    params: dict[str, str]  # every path parameter needed to address it (parents included)
    snapshot: Callable[[], Awaitable[Any]]  # the owner's view of it; compared before/after
    body: dict[str, Any] | None = None  # a valid body for PATCH/PUT/POST routes on the object
    requests: dict[str, dict[str, Any]] = field(default_factory=dict)  # "METHOD /template" ->
    # httpx kwargs (json=..., params=...) for routes needing something other than `body`
    secrets: list[str] = field(default_factory=list)  # must never appear in an intruder's reply

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
