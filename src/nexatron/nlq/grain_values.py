"""A bare grain adverb ('monthly', 'annual') that is also a dimension's value: grain or value?

The grain reading wins unless a word of the dimension's name, label or synonyms stands next to
it ('monthly billing', 'cycle monthly'); after a preposition ('on the monthly') both readings are
plausible, so the question is sent back for clarification.
"""

from __future__ import annotations

from nexatron.nlq.errors import clarification
from nexatron.nlq.lexicon import Entry, Lexicon
from nexatron.nlq.text import Token, stem, words_of
from nexatron.nlq.word_lists import FUNCTION, GRAIN_WORDS

_ADVERBS = frozenset(w for w in GRAIN_WORDS if w.endswith("ly") or w == "annual")
_PREPOSITIONS = frozenset(["on", "for", "with", "under", "in", "of", "at"])
_ARTICLES = frozenset(["the", "a", "an", "their", "our", "its"])
_WINDOW = 2


def _dim_stems(dim: str, lex: Lexicon) -> set[str]:
    d = lex.dimensions[dim]
    texts = [d.name, d.label or "", *d.synonyms]
    words = {w for t in texts for w in words_of(t.replace("_", " "))}
    return {stem(w) for w in words if w not in FUNCTION and w not in GRAIN_WORDS}


def is_grain_value(
    tokens: list[Token], i: int, length: int, entries: list[Entry], values: list[tuple[str, str]]
) -> bool:
    """A one-word value match of a grain adverb that names no schema object fully (at most one
    word of a longer name: 'monthly' of 'monthly recurring revenue')."""
    weak = all(e.strength <= 1 for e in entries)
    return length == 1 and bool(values) and weak and tokens[i].low in _ADVERBS


def _modifies_dimension(tokens: list[Token], i: int, lex: Lexicon) -> bool:
    """The adverb stands before another dimension's noun ('annual plans'): plans that are annual."""
    if i + 1 >= len(tokens):
        return False
    entries = lex.lookup((tokens[i + 1].stem,))
    return any(e.kind == "dimension" and e.strength >= 2 for e in entries)


def grain_wins(tokens: list[Token], i: int, values: list[tuple[str, str]], lex: Lexicon) -> bool:
    """True to read token `i` as a grain, False to keep it as a value; raise when unclear."""
    near = {t.stem for t in tokens[max(0, i - _WINDOW) : i] + tokens[i + 1 : i + 1 + _WINDOW]}
    named = [dim for dim, _ in values if _dim_stems(dim, lex) & near]
    if named or _modifies_dimension(tokens, i, lex):
        return False
    j = i - 1
    while j >= 0 and tokens[j].low in _ARTICLES:
        j -= 1
    if j >= 0 and tokens[j].low in _PREPOSITIONS:
        word = tokens[i].text
        raise clarification(
            f"'{word}' could be a period grain or a value; say 'by month' or name the dimension.",
            ambiguous=word,
            candidates=[{"kind": "grain", "grain": GRAIN_WORDS[tokens[i].low]}]
            + [{"kind": "value", "dimension": d, "value": v} for d, v in values],
        )
    return True
