"""Values named by part: one whole word of a value ('Okafor' for 'Dr. Okafor') or a prefix
of one ('grad' for 'Graduate'), accepted only when exactly one value fits."""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING

from nexatron.nlq.common_words import ENGLISH
from nexatron.nlq.errors import clarification
from nexatron.nlq.text import Token
from nexatron.nlq.word_lists import FUNCTION

if TYPE_CHECKING:
    from nexatron.nlq.items import Item
    from nexatron.nlq.lexicon import Lexicon


def _candidates(low: str, lex: Lexicon) -> list[tuple[str, str]]:
    index, words = lex.value_words()
    hits = list(index.get(low, ()))
    if not hits and len(low) >= 4:
        at = bisect_left(words, low)
        while at < len(words) and words[at].startswith(low):
            hits.extend(index[words[at]])
            at += 1
    return list(dict.fromkeys(hits))


def partial_value(tok: Token, i: int, lex: Lexicon) -> Item | None:
    """A value item for a word that is part of exactly one value; ask when several fit."""
    from nexatron.nlq.items import Item

    low = tok.low
    if len(low) < 3 or not low.isalpha() or low in FUNCTION or low in ENGLISH:
        return None
    if tok.stem in lex.known_stems and not lex.truncated(low):
        return None
    hits = _candidates(low, lex)
    if not hits:
        return None
    if len(hits) > 1:
        raise clarification(
            f"'{tok.text}' is part of several values.",
            ambiguous=tok.text,
            candidates=[
                {"kind": "dimension_value", "dimension": d, "value": v} for d, v in hits[:10]
            ],
        )
    return Item("lexicon", i, i + 1, tok.text, values=hits)
