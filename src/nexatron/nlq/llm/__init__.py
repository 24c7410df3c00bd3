"""Optional LLM planner: used when the deterministic parser refuses and an LLM is configured.

Its output is untrusted: semantic queries are validated against the layer, SQL goes to the guard.
"""

from nexatron.nlq.llm.config import LLMConfig
from nexatron.nlq.llm.errors import LLMUnavailable
from nexatron.nlq.llm.planner import LLMCall, LLMPlan, LLMPlanner, LLMUsage
from nexatron.nlq.llm.providers import ChatClient, Completion, make_client
from nexatron.nlq.llm.retrieval import ContextIndex, ContextSlice

__all__ = [
    "ChatClient",
    "Completion",
    "ContextIndex",
    "ContextSlice",
    "LLMCall",
    "LLMConfig",
    "LLMPlan",
    "LLMPlanner",
    "LLMUnavailable",
    "LLMUsage",
    "make_client",
]
