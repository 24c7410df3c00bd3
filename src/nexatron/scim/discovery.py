"""ServiceProviderConfig, ResourceTypes and Schemas (RFC 7644 §4), built from the models served."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    EnterpriseUser,
    ETag,
    Filter,
    Group,
    Patch,
    ResourceType,
    ScimProvider,
    ServiceProviderConfig,
    Sort,
    User,
)

from nexatron.scim.models import POLICY, UserModel
from nexatron.scim.query import MAX_COUNT


def config() -> ServiceProviderConfig:
    """What this server supports; scim2-tester is run against every feature declared here."""
    return ServiceProviderConfig(
        documentation_uri="https://github.com/nexatron/nexatron#scim-20-provisioning",
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_COUNT),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=True),
        etag=ETag(supported=False),
        authentication_schemes=[
            AuthenticationScheme(
                type="oauthbearertoken",
                name="SCIM bearer token",
                description="A tenant SCIM token (nxs_...) created by an admin with "
                "POST /api/v1/scim/tokens.",
                primary=True,
            )
        ],
    )


@lru_cache(maxsize=1)
def provider() -> ScimProvider:
    return ScimProvider(
        models=[User, EnterpriseUser, Group],
        resource_types=[ResourceType.from_resource(UserModel), ResourceType.from_resource(Group)],
        config=config(),
        policy=POLICY,
    )


def _located(data: dict[str, Any], base: str, kind: str, object_id: str) -> dict[str, Any]:
    meta = dict(data.get("meta") or {})
    meta.update(resourceType=kind, location=f"{base}/{kind}s/{object_id}")
    return {**data, "meta": meta}


@lru_cache(maxsize=16)
def service_provider_config(base: str) -> dict[str, Any]:
    data = config().model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    data["meta"] = {
        "resourceType": "ServiceProviderConfig",
        "location": f"{base}/ServiceProviderConfig",
    }
    return data


@lru_cache(maxsize=16)
def resource_types(base: str) -> list[dict[str, Any]]:
    return [
        _located(
            rt.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE),
            base,
            "ResourceType",
            str(rt.id),
        )
        for rt in provider().resource_types
    ]


@lru_cache(maxsize=16)  # per base URL (a handful); callers must not change what they get
def schemas(base: str) -> list[dict[str, Any]]:
    out = []
    for schema in provider().schemas:
        data = schema.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
        out.append(_located(data, base, "Schema", str(schema.id)))
    return out
