"""Errors of the LLM planner."""

from __future__ import annotations

from nexatron.errors import BadRequest, ServiceUnavailable


class LLMUnavailable(ServiceUnavailable):
    """503: the LLM provider timed out, was unreachable, or kept failing after bounded retries."""

    @classmethod
    def default_detail(cls) -> str:
        return "The language model provider is unavailable; try again shortly."


def missing_sdk(package: str) -> BadRequest:
    """The error for an optional SDK that is not installed."""
    return BadRequest(f"The LLM planner needs the '{package}' package: pip install nexatron[llm]")
