"""Understanding questions: lexicon from the semantic layer, deterministic parser, follow-ups."""

from nexatron.nlq.errors import Clarification, Refusal, WriteRefused
from nexatron.nlq.lexicon import Lexicon, build_lexicon
from nexatron.nlq.plan import Explained, Plan
from nexatron.nlq.understand import understand
from nexatron.semantic.dates import DateContext

__all__ = [
    "Clarification",
    "DateContext",
    "Explained",
    "Lexicon",
    "Plan",
    "Refusal",
    "WriteRefused",
    "build_lexicon",
    "understand",
]
