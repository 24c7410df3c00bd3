"""What one plan allows, as a pydantic model. It depends on nothing else in the package, so the
settings can check NEXATRON_PLANS when they are built: a typo stops the start, not every
question later."""

from __future__ import annotations

from typing import Literal

from limits import parse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

Feature = Literal["llm", "sso", "scim", "audit_export"]
FEATURES: tuple[Feature, ...] = ("llm", "sso", "scim", "audit_export")


class PlanSpec(BaseModel):
    """One plan. None means unlimited."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rate_limit: str | None = None  # per user, like NEXATRON_RATE_LIMIT_PLANS (which it updates)
    questions_per_month: int | None = Field(default=None, ge=0)
    llm_tokens_per_month: int | None = Field(default=None, ge=0)  # tokens in + out
    seats: int | None = Field(default=None, ge=0)  # enabled users
    connections: int | None = Field(default=None, ge=0)
    features: tuple[Feature, ...] = FEATURES

    @field_validator("rate_limit")
    @classmethod
    def _rate_limit_parses(cls, value: str | None) -> str | None:
        if value is not None:
            parse(value)  # ValueError on e.g. "100/minut"
        return value


def plan_problem(name: str, raw: object) -> str | None:
    """Why `raw` is not a valid plan, in one line naming the plan and the field; None if valid."""
    try:
        PlanSpec.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"])
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                message = "unknown field (known: " + ", ".join(PlanSpec.model_fields) + ")"
            where = f"field {field!r}" if field else "the plan"
            problems.append(f"{where}: {message}")
        return f"plan {name!r}: " + "; ".join(problems)
    return None
