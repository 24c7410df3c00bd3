"""A tenant's OpenID provider settings (admin-managed): stored with the client secret encrypted,
and the email domains that sign in through it (each domain belongs to one tenant)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import Connection, delete, select, update

from nexatron.clock import now
from nexatron.crypto import SecretBox
from nexatron.errors import Conflict, NotFound, ValidationFailed
from nexatron.identity import events
from nexatron.identity.roles import ROLES, Role
from nexatron.netcheck import is_private_host
from nexatron.store.tables import sso_domains, sso_providers, tenants

MASK = "********"
DEFAULT_SCOPES = "openid email profile"


@dataclass(frozen=True, slots=True)
class Provider:
    tenant_id: str
    issuer: str
    client_id: str
    client_secret: str | None
    scopes: str
    allowed_domains: tuple[str, ...]
    role_claim: str | None
    role_mapping: dict[str, Role] = field(default_factory=dict)
    default_role: Role = "viewer"
    jit_provisioning: bool = True
    password_login_disabled: bool = False

    def public_view(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "client_id": self.client_id,
            "has_client_secret": bool(self.client_secret),
            "scopes": self.scopes,
            "allowed_domains": list(self.allowed_domains),
            "role_claim": self.role_claim,
            "role_mapping": dict(self.role_mapping),
            "default_role": self.default_role,
            "jit_provisioning": self.jit_provisioning,
            "password_login_disabled": self.password_login_disabled,
        }


def _aad(tenant_id: str) -> str:
    return f"sso:{tenant_id}"


def check_issuer(issuer: str, *, allow_private: bool) -> None:
    parsed = urlparse(issuer)
    problem = None
    if parsed.scheme not in {"https", "http"} or not parsed.hostname:
        problem = "must be an absolute https URL"
    elif not allow_private and parsed.scheme != "https":
        problem = "must use https"
    elif not allow_private and is_private_host(parsed.hostname):
        problem = (
            "resolves to a private address (or not at all); the server will not call it "
            "unless NEXATRON_SSO_ALLOW_PRIVATE_HOSTS=1"
        )
    if problem:
        raise ValidationFailed([{"loc": ["body", "issuer"], "msg": problem, "type": "value_error"}])


def load(conn: Connection, box: SecretBox, tenant_id: str) -> Provider | None:
    row = conn.execute(select(sso_providers).where(sso_providers.c.tenant_id == tenant_id)).first()
    if row is None:
        return None
    domains = conn.execute(
        select(sso_domains.c.domain)
        .where(sso_domains.c.tenant_id == tenant_id)
        .order_by(sso_domains.c.domain)
    )
    secret = box.decrypt_json(row.secrets, _aad(tenant_id)) if row.secrets else {}
    return Provider(
        tenant_id=tenant_id,
        issuer=row.issuer,
        client_id=row.client_id,
        client_secret=secret.get("client_secret"),
        scopes=row.scopes,
        allowed_domains=tuple(d.domain for d in domains),
        role_claim=row.role_claim,
        role_mapping=dict(row.role_mapping),
        default_role=row.default_role,
        jit_provisioning=row.jit_provisioning,
        password_login_disabled=row.password_login_disabled,
    )


def save(
    conn: Connection, box: SecretBox, tenant_id: str, actor_id: str, body: dict[str, Any]
) -> Provider:
    """Create or replace the tenant's provider. `client_secret` of `********` (or omitted on an
    update) keeps the stored one; an empty string removes it (a public client)."""
    current = load(conn, box, tenant_id)
    secret = body.get("client_secret")
    if secret in (None, MASK):
        secret = current.client_secret if current else None
    secret = secret or None
    domains = sorted({d.strip().lower().lstrip("@") for d in body.get("allowed_domains", [])})
    if any(not d or "." not in d or "/" in d for d in domains):
        raise ValidationFailed(
            [
                {
                    "loc": ["body", "allowed_domains"],
                    "msg": "each must be a domain such as example.com",
                    "type": "value_error",
                }
            ]
        )
    taken = conn.execute(
        select(sso_domains.c.domain).where(
            sso_domains.c.domain.in_(domains), sso_domains.c.tenant_id != tenant_id
        )
    ).first()
    if taken is not None:
        raise Conflict(f"The domain {taken.domain} signs in through another tenant already.")
    mapping = body.get("role_mapping") or {}
    if any(r not in ROLES for r in mapping.values()):
        raise ValidationFailed("role_mapping values must be admin, analyst or viewer.")
    at = now()
    values = {
        "issuer": str(body["issuer"]).rstrip("/"),
        "client_id": body["client_id"],
        "secrets": box.encrypt_json({"client_secret": secret}, _aad(tenant_id)) if secret else None,
        "scopes": body.get("scopes") or DEFAULT_SCOPES,
        "role_claim": body.get("role_claim"),
        "role_mapping": mapping,
        "default_role": body.get("default_role") or "viewer",
        "jit_provisioning": bool(body.get("jit_provisioning", True)),
        "password_login_disabled": bool(body.get("password_login_disabled", False)),
        "updated_at": at,
    }
    if current is None:
        conn.execute(sso_providers.insert().values(tenant_id=tenant_id, created_at=at, **values))
    else:
        conn.execute(
            update(sso_providers).where(sso_providers.c.tenant_id == tenant_id).values(**values)
        )
    conn.execute(delete(sso_domains).where(sso_domains.c.tenant_id == tenant_id))
    for domain in domains:
        conn.execute(sso_domains.insert().values(domain=domain, tenant_id=tenant_id))
    changed = [k for k in body if k != "client_secret"] + (
        ["client_secret"] if "client_secret" in body else []
    )
    events.record(
        conn,
        events.Event(
            "sso.settings.update",
            tenant_id,
            "user",
            actor_id,
            target_type="sso_provider",
            target_id=tenant_id,
            target_name=values["issuer"],
            changed_fields=tuple(sorted(changed)),
        ),
    )
    provider = load(conn, box, tenant_id)
    assert provider is not None
    return provider


def remove(conn: Connection, tenant_id: str, actor_id: str) -> None:
    gone = conn.execute(delete(sso_providers).where(sso_providers.c.tenant_id == tenant_id))
    if not gone.rowcount:
        raise NotFound("Single sign-on is not set up for this tenant.")
    conn.execute(delete(sso_domains).where(sso_domains.c.tenant_id == tenant_id))
    events.record(
        conn,
        events.Event(
            "sso.settings.delete", tenant_id, "user", actor_id, target_type="sso_provider"
        ),
    )


def tenant_for_domain(conn: Connection, domain: str) -> str | None:
    row = conn.execute(
        select(sso_domains.c.tenant_id).where(sso_domains.c.domain == domain.lower())
    ).first()
    return row.tenant_id if row else None


def tenant_for_slug(conn: Connection, slug: str) -> str | None:
    """The tenant named by its slug (or its id)."""
    row = conn.execute(
        select(tenants.c.id).where((tenants.c.slug == slug.lower()) | (tenants.c.id == slug))
    ).first()
    return row.id if row else None


def password_login_disabled(conn: Connection, tenant_id: str) -> bool:
    row = conn.execute(
        select(sso_providers.c.password_login_disabled).where(
            sso_providers.c.tenant_id == tenant_id
        )
    ).first()
    return bool(row and row.password_login_disabled)
