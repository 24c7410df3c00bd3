"""Sign-in failures (kept apart from `oidc.py`, whose libraries load on the first sign-in)."""

from __future__ import annotations

from nexatron.errors import ServiceUnavailable, Unauthorized


class ProviderUnavailable(ServiceUnavailable):
    """The identity provider did not answer (or answered nonsense)."""


class LoginRejected(Unauthorized):
    """The provider's answer does not prove who the user is."""
