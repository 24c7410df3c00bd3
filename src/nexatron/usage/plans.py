"""Plans as data: what each plan allows (rate limit, monthly quotas, seats, connections,
features), read from NEXATRON_PLANS and merged over NEXATRON_RATE_LIMIT_PLANS.

`require_feature` is the one check for a plan feature (403 when outside the plan).
"""

from __future__ import annotations

from typing import Literal

from nexatron.errors import Forbidden
from nexatron.settings import Settings
from nexatron.usage.planspec import FEATURES as FEATURES  # re-exported: plans' one home
from nexatron.usage.planspec import Feature as Feature
from nexatron.usage.planspec import PlanSpec as PlanSpec

Meter = Literal[
    "questions", "llm_tokens_in", "llm_tokens_out", "rows_returned", "active_seats", "connections"
]
METERS: tuple[Meter, ...] = (
    "questions",
    "llm_tokens_in",
    "llm_tokens_out",
    "rows_returned",
    "active_seats",
    "connections",
)


_PARSED: dict[int, tuple[Settings, dict[str, PlanSpec]]] = {}


def plans_of(settings: Settings) -> dict[str, PlanSpec]:
    """Every plan known (parsed once per Settings object)."""
    cached = _PARSED.get(id(settings))
    if cached is not None and cached[0] is settings:
        return cached[1]
    plans = _parse(settings)
    if len(_PARSED) > 64:
        _PARSED.clear()
    _PARSED[id(settings)] = (settings, plans)
    return plans


def _parse(settings: Settings) -> dict[str, PlanSpec]:
    """Every plan known: those of NEXATRON_PLANS, and each rate-limit plan (no quotas, every
    feature) not named there."""
    out = {name: PlanSpec(rate_limit=spec) for name, spec in settings.rate_limit_plans.items()}
    for name, raw in settings.plans.items():
        spec = PlanSpec.model_validate(raw)
        if spec.rate_limit is None and name in settings.rate_limit_plans:
            spec = spec.model_copy(update={"rate_limit": settings.rate_limit_plans[name]})
        out[name] = spec
    return out


def plan_spec(settings: Settings, plan: str) -> PlanSpec:
    """The plan's spec; an unknown plan name is the default plan's."""
    plans = plans_of(settings)
    return plans.get(plan) or plans.get(settings.default_plan) or PlanSpec()


def has_feature(settings: Settings, plan: str, feature: Feature) -> bool:
    return feature in plan_spec(settings, plan).features


def require_feature(settings: Settings, plan: str, feature: Feature) -> None:
    """403 unless the tenant's plan includes `feature` (the one place that decides it)."""
    if not has_feature(settings, plan, feature):
        raise Forbidden(
            {
                "code": "feature_not_in_plan",
                "feature": feature,
                "plan": plan,
                "message": f"The '{feature}' feature is not included in the {plan!r} plan. "
                "Ask the operator to move the tenant to a plan that includes it.",
            }
        )
