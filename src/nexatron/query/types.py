"""What the pipeline stages hand each other: a prepared question and its answer."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from nexatron.identity.roles import Principal
from nexatron.nlq import Plan
from nexatron.nlq.llm import LLMUsage
from nexatron.query.context import QueryContext
from nexatron.semantic.model import CompiledQuery


@dataclass
class Prepared:
    """Everything known before the database is touched."""

    id: str
    principal: Principal
    question: str
    context: QueryContext
    conversation_id: str
    plan: Plan
    compiled: CompiledQuery
    planner: str = "deterministic"
    llm_usage: LLMUsage | None = None
    llm_stages: list[str] = field(default_factory=list)
    new_conversation: bool = False
    llm_sql: bool = False  # the LLM wrote the SQL (no semantic plan behind it)
    llm_model: str | None = None  # the model that planned, when the LLM did
    quota: Any = None  # the question's quota ticket (usage/quota.py), when the plan has a quota
    started: float = field(default_factory=time.perf_counter)
    created_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    verified: bool = False  # planned from an admin-verified answer (query/verified.py)

    @property
    def sql(self) -> str:
        return self.compiled.sql


@dataclass
class Answer:
    data: list[dict[str, Any]]
    rows: list[list[Any]]
    summary: str
    chart: dict[str, Any] | None
    warnings: list[str]
    row_count: int
    truncated: bool
    cached: bool
    execution_time_ms: float
