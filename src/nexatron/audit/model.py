"""What an audit event says: who (Actor) did what (`resource.verb`) to what (Target), and how it
ended (Outcome). Modelled on GitHub's and Okta's audit events."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

ActorType = Literal["user", "api_key", "scim", "operator", "system"]
Outcome = Literal["success", "failure", "denied"]
OUTCOMES: tuple[Outcome, ...] = ("success", "failure", "denied")

# `resource.verb` or `resource.sub.verb`: lowercase words joined by dots (auth.login.failed).
ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
# A changed field is a name (`config.password`), never a value: anything else is refused.
FIELD_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-\[\]]{0,98}\??$")  # `config.?`: unnamed
MAX_TEXT = 500


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acted. `display` is for people reading the log (an email, a key's prefix)."""

    type: ActorType
    id: str
    display: str | None = None


SYSTEM = Actor("system", "system", "nexatron")


@dataclass(frozen=True, slots=True)
class Target:
    """What was acted on (`connection`, `conn_...`, `warehouse`)."""

    type: str
    id: str | None = None
    name: str | None = None


def clip(text: str | None) -> str | None:
    """Free text kept short (reasons, user agents, display names)."""
    if text is None:
        return None
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


# A key a client sent is kept only when it looks like one of our field names (snake_case);
# anything else (a value pasted as a key, say) becomes `?`.
IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,63}$")


def field_names(prefix: str, keys: object, known: object = None) -> list[str]:
    """`prefix.key` for each key; a key outside `known` (when given) or not snake_case becomes
    `prefix.?`, so the audit log holds names, never what a client typed as one."""
    out = []
    for key in keys if isinstance(keys, list | tuple | set | dict) else ():
        plain = isinstance(key, str) and IDENTIFIER.fullmatch(key) is not None
        listed = known is None or (isinstance(known, set | frozenset | dict) and key in known)
        out.append(f"{prefix}.{key}" if plain and listed else f"{prefix}.?")
    return out
