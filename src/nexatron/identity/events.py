"""Audit events of SCIM provisioning and single sign-on, emitted from this one place.

Callers describe what happened (`Event`) and pass the connection of the change, so the event is
written in the same transaction as the change it records (`nexatron.audit.record`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection

from nexatron import audit
from nexatron.audit.model import ActorType, Outcome


@dataclass(frozen=True, slots=True)
class Event:
    action: str  # dotted resource.verb: scim.user.deactivate, sso.login.failed, ...
    tenant_id: str | None
    actor_type: ActorType
    actor_id: str
    actor_display: str | None = None
    target_type: str | None = None
    target_id: str | None = None
    target_name: str | None = None
    outcome: Outcome = "success"
    reason: str | None = None
    changed_fields: tuple[str, ...] = field(default_factory=tuple)  # names only, never values


def record(conn: Connection, event: Event) -> None:
    """Record one event in `conn`'s transaction."""
    audit.record(
        conn,
        tenant_id=event.tenant_id,
        action=event.action,
        target=audit.Target(event.target_type or "none", event.target_id, event.target_name),
        outcome=event.outcome,
        reason=event.reason,
        actor=audit.Actor(event.actor_type, event.actor_id, event.actor_display),
        changed_fields=event.changed_fields,
    )


def role_change(
    tenant_id: str,
    user_id: str,
    email: str | None,
    roles: tuple[str, str],
    actor: audit.Actor,
    via: str,
) -> Event:
    """`user.role_change` for a role that SCIM groups or SSO claims set: who, from what to what
    (`viewer -> admin`) and through which path, as `reason` (roles are not secrets)."""
    return Event(
        "user.role_change",
        tenant_id,
        actor.type,
        actor.id,
        actor.display,
        target_type="user",
        target_id=user_id,
        target_name=email,
        reason=f"{roles[0]} -> {roles[1]} ({via})",
        changed_fields=("role",),
    )
