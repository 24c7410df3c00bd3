"""Does an answer account for every content word of its question?

A content word is any word that is not a listed function word (`word_lists.FUNCTION` minus
the ones that carry meaning, `MUST_MAP`; the light verbs `segment.VERB_STEMS`; the edit objects),
a number or punctuation. An answered question must
name each in its plan's explanation (as a metric, dimension, value, date, limit, context...):
otherwise a word was dropped silently. The check runs over every evaluation set
(tests/nlq/test_accounting.py).
"""

from __future__ import annotations

from nexatron.nlq.plan import Plan
from nexatron.nlq.segment import VERB_STEMS
from nexatron.nlq.text import stem, tokenize
from nexatron.nlq.word_lists import EDIT_OBJECTS, FUNCTION, MUST_MAP

NEUTRAL = FUNCTION - MUST_MAP


def content_words(question: str) -> list[str]:
    """The question's words that must each be accounted for, lower-cased, in order."""
    return [
        t.low
        for t in tokenize(question)
        if any(ch.isalpha() for ch in t.low)
        and t.low not in NEUTRAL
        and t.low not in EDIT_OBJECTS
        and stem(t.low) not in VERB_STEMS
    ]


def unaccounted_words(question: str, plan: Plan) -> list[str]:
    """Content words of `question` that no part of `plan`'s explanation names."""
    named = {w.low for e in plan.explanation for w in tokenize(e.text)}
    named |= {w.low for e in plan.explanation for w in tokenize(e.target)}
    if plan.time_range_text:
        named |= {w.low for w in tokenize(plan.time_range_text)}
    return [w for w in content_words(question) if w not in named]
