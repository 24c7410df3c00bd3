"""Roles and what each may do. A key never carries more than its creator's role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["admin", "analyst", "viewer"]
ROLES: tuple[Role, ...] = ("viewer", "analyst", "admin")  # ascending power

PERMISSIONS: dict[str, frozenset[Role]] = {
    "query:ask": frozenset({"admin", "analyst", "viewer"}),
    "query:read_all": frozenset({"admin"}),
    "query:verify": frozenset({"admin"}),  # mark answers verified (reused for matching questions)
    "connections:read": frozenset({"admin", "analyst", "viewer"}),
    "connections:write": frozenset({"admin"}),
    # A test opens a network connection from the server: not for viewers (issue #11, M2).
    "connections:test": frozenset({"admin", "analyst"}),
    "files:read": frozenset({"admin", "analyst", "viewer"}),
    "files:write": frozenset({"admin"}),
    "semantic:read": frozenset({"admin", "analyst", "viewer"}),
    "semantic:write": frozenset({"admin"}),
    "keys:own": frozenset({"admin", "analyst"}),
    "users:manage": frozenset({"admin"}),
    "tenant:admin": frozenset({"admin"}),
}


def rank(role: str) -> int:
    return ROLES.index(role)


def min_role(a: Role, b: Role) -> Role:
    return a if rank(a) <= rank(b) else b


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a user directly (access token), through one of their API keys, or a
    tenant's SCIM client (a SCIM token; `user_id` is then the token id and `role` the lowest)."""

    tenant_id: str
    user_id: str
    role: Role
    plan: str = "default"
    api_key_id: str | None = None
    session_id: str | None = None
    scim_token_id: str | None = None  # a SCIM client: only the /scim/v2 routes accept it

    @property
    def is_scim(self) -> bool:
        return self.scim_token_id is not None

    def can(self, permission: str) -> bool:
        return self.role in PERMISSIONS[permission]

    @property
    def rate_key(self) -> str:
        """The request budget's owner: the user, whichever of their keys or sessions calls (a
        budget per key would grow with every key a user makes)."""
        if self.scim_token_id:  # a SCIM client has a budget of its own
            return f"scim:{self.scim_token_id}"
        return f"user:{self.user_id}"
