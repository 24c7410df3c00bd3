"""Helpers for SCIM tests: a SCIM token per tenant and SCIM requests through the in-process app."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import httpx

from nexatron.testing import Harness, Tenant

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
MEDIA = "application/scim+json"


@dataclass
class Scim:
    harness: Harness
    token: str
    token_id: str

    async def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        if "json" in kwargs:
            headers.setdefault("Content-Type", MEDIA)
            import json

            kwargs["content"] = json.dumps(kwargs.pop("json"))
        return await self.harness.client.request(
            method, "/scim/v2" + path, headers=headers, **kwargs
        )


async def scim_for(harness: Harness, tenant: Tenant) -> Scim:
    r = await harness.as_(tenant.admin, "POST", "/api/v1/scim/tokens", json={"name": "idp"})
    assert r.status_code == 201, r.text
    return Scim(harness, r.json()["token"], r.json()["id"])


def tag() -> str:
    return secrets.token_hex(4)


def okta_user(user_name: str, given: str = "Barbara", family: str = "Jensen") -> dict[str, Any]:
    """What Okta POSTs to /Users (Okta's SCIM 2.0 guide)."""
    return {
        "schemas": [USER_SCHEMA],
        "userName": user_name,
        "name": {"givenName": given, "familyName": family},
        "emails": [{"primary": True, "value": user_name, "type": "work"}],
        "displayName": f"{given} {family}",
        "locale": "en-US",
        "externalId": "00u" + tag(),
        "groups": [],
        "password": "1mz050nq",
        "active": True,
    }


def entra_user(user_name: str) -> dict[str, Any]:
    """What Microsoft Entra POSTs to /Users (Entra's SCIM provisioning reference)."""
    return {
        "schemas": [USER_SCHEMA, ENTERPRISE],
        "externalId": tag(),
        "userName": user_name,
        "active": True,
        "displayName": "Test User",
        "emails": [{"primary": True, "type": "work", "value": user_name}],
        "meta": {"resourceType": "User"},
        "name": {
            "formatted": "givenName familyName",
            "familyName": "familyName",
            "givenName": "givenName",
        },
        "roles": [],
        ENTERPRISE: {"department": "Analytics", "employeeNumber": "E-" + tag()},
    }
