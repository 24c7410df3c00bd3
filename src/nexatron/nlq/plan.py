"""What understanding returns: the semantic query plus how each word was read."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from nexatron.semantic.model import SemanticQuery

ExplainKind = Literal[
    "metric",
    "dimension",
    "value",
    "time_range",
    "grain",
    "time_dimension",
    "limit",
    "order",
    "metric_filter",
    "filter",
    "entity",
    "typo",
    "follow_up",
    "context",  # a word read as part of what its neighbour names, a ranking word, a light verb
]


class Explained(BaseModel):
    """One reading: `text` (the words) was taken as `kind` -> `target` (with optional detail)."""

    text: str
    kind: ExplainKind
    target: str
    detail: str | None = None


class Plan(BaseModel):
    """A question understood: the query, the explanation of every mapped phrase, resolved dates."""

    query: SemanticQuery
    explanation: list[Explained] = Field(default_factory=list)
    time_range_text: str | None = None
    is_follow_up: bool = False
    assumptions: list[str] = Field(default_factory=list)
