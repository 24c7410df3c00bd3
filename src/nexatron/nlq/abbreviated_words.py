"""Question words spelled out where the schema abbreviates them: 'groomers' for `grmr`,
'members' for `membs`, 'amount paid' for `amount_pd`, 'recommended retail price' for `rrp`.

A word the layer does not know is read as a layer word whose letters it spells out: a consonant
skeleton ('hourly' -> `hrly`, 'books' -> `bks`), a prefix cut before a vowel ('authors' ->
`auths`, 'loyalty' -> `loy`), or, for a run of words, their initials ('recommended retail
price' -> `rrp`). Only when exactly one layer word fits; the reading is announced like a typo fix.
"""

from __future__ import annotations

from typing import NamedTuple

from nexatron.nlq.lexicon import Lexicon
from nexatron.nlq.text import Token, stem
from nexatron.nlq.word_lists import (
    AGG_CUES,
    ASC_WORDS,
    DESC_WORDS,
    FUNCTION,
    GROUP,
    NEGATION,
    TREND,
)

_VOWELS = frozenset("aeiou")
_CLOSED = FUNCTION | set(AGG_CUES) | ASC_WORDS | DESC_WORDS | GROUP | NEGATION | TREND
# Endings that make a word of a word: 'book' + 'ing' is no spelling-out of `book`.
_INFLECTIONS = frozenset({"s", "es", "ed", "er", "ers", "ing", "ings", "ly"})
_MAX_RUN = 4
# A participle names an event, not the column that abbreviates its stem ('installed', `inst_dt`).
_VERB_FORMS = ("ed", "ing")


def _skeleton(word: str) -> str:
    """The first letter and the consonants after it ('hourly' -> 'hrly', 'paid' -> 'pd')."""
    return word[0] + "".join(c for c in word[1:] if c not in _VOWELS)


def _subsequence(short: str, long: str) -> bool:
    letters = iter(long)
    return all(c in letters for c in short)


def _skeleton_fits(short: str, word: str) -> bool:
    """`short` is `word` with letters left out, first and last kept: consonants of its skeleton
    ('hrly', 'mthly'), or all its consonants and some vowels ('ridr'; never 'city' for
    'capacity'). Two letters must be the whole skeleton ('pd' for 'paid', 'rt' for 'rate')."""
    if short[0] != word[0] or short[-1] != word[-1] or len(short) >= len(word):
        return False
    if len(short) <= 2 or not any(c in _VOWELS for c in short[1:]):
        return short == _skeleton(word) if len(short) <= 2 else _subsequence(short, _skeleton(word))
    return _skeleton(short) == _skeleton(word) and _subsequence(short, word)  # vowels only


def _prefix_fits(short: str, word: str) -> bool:
    """`short` is `word` cut before a vowel ('memb|ers', 'loy|alty'), never before an ending."""
    if len(short) < 3 or len(word) < len(short) + 2 or not word.startswith(short):
        return False
    rest = word[len(short) :]
    if short[-1] in _VOWELS or rest[0] not in _VOWELS:
        return False
    return rest not in _INFLECTIONS or (short[-2] not in _VOWELS and short[-1] != "y")


def _singular(short: str) -> str:
    return short[:-1] if short.endswith("s") and len(short) > 2 else short


def fits(short: str, word: str) -> bool:
    """`short` (a layer word) abbreviates `word` (a question word), both in the singular
    ('bks' and 'books' as 'bk' and 'book')."""
    a, w = _singular(short), stem(word)
    return a != w and (_skeleton_fits(a, w) or _prefix_fits(a, w))


class _Words(NamedTuple):
    by_letter: dict[str, tuple[str, ...]]  # every layer word, by its first letter
    short: frozenset[str]  # those a run of words' initials could spell


def _layer_words(lex: Lexicon) -> _Words:
    """Every word written in the layer's names, labels and synonyms, once."""

    def build() -> _Words:
        words = {w for forms in lex.surfaces.values() for w in forms}
        by_letter: dict[str, list[str]] = {}
        for w in sorted(words):
            if w.isalpha() and len(w) >= 2 and w not in _CLOSED:
                by_letter.setdefault(w[0], []).append(w)
        short = frozenset(w for ws in by_letter.values() for w in ws if 3 <= len(w) <= _MAX_RUN)
        return _Words({k: tuple(ws) for k, ws in by_letter.items()}, short)

    return lex.layer.derived("abbreviated_words", len(lex.phrases), build)  # type: ignore[no-any-return]


def _unknown(tok: Token, lex: Lexicon) -> bool:
    low = tok.low
    return (
        tok.stem not in lex.known_stems
        and low not in _CLOSED
        and len(low) >= 3
        and low.isalpha()
        and not (len(low) >= 5 and low.endswith(_VERB_FORMS))
        and low not in lex.values
        and low not in lex.value_words()[0]
    )


def _one(found: list[str], plural: bool) -> str | None:
    """The one layer word found (its forms counted once), as the question's number wants it."""
    if len({stem(w).rstrip("s") for w in found}) != 1:
        return None
    plurals = [w for w in found if w.endswith("s")]
    return sorted(plurals if plural and plurals else found, key=len)[0]


def _initials(tokens: list[Token], n: int, lex: Lexicon, words: _Words) -> int:
    """The longest run of words from `n` whose initials spell one layer word; its length."""
    if not words.short or tokens[n].low[:1] not in words.by_letter:
        return 0
    for length in range(min(_MAX_RUN, len(tokens) - n), 2, -1):
        run = tokens[n : n + length]
        if not all(t.low.isalpha() and t.low not in FUNCTION for t in run):
            continue
        if all(t.stem in lex.known_stems for t in run):
            continue
        letters = "".join(t.low[0] for t in run)
        if letters in words.short and not lex.lookup(tuple(t.stem for t in run)):
            return length
    return 0


def _named(
    reads: list[tuple[int, int, str]], tokens: list[Token], lex: Lexicon
) -> list[tuple[int, int, str]]:
    """The readings that complete a name of the layer with the words around them."""
    stems: list[str] = []
    at: dict[int, int] = {}
    n = 0
    starts = {lo: (hi, word) for lo, hi, word in reads}
    while n < len(tokens):
        if n in starts:
            hi, word = starts[n]
            at[n] = len(stems)
            stems.append(stem(word))
            n = hi
            continue
        stems.append(tokens[n].stem)
        n += 1
    width = min(lex.max_len, _MAX_RUN)
    kept = []
    for lo, hi, word in reads:
        i = at[lo]
        windows = (
            tuple(stems[a:b])
            for a in range(max(0, i - width + 1), i + 1)
            for b in range(i + 1, min(len(stems), a + width) + 1)
        )
        if any(lex.lookup(key) for key in windows):
            kept.append((lo, hi, word))
    return kept


def spelled_out(tokens: list[Token], lex: Lexicon) -> list[tuple[int, int, str]]:
    """The runs of `tokens` that spell out one layer word and complete a layer name with the
    words around them: (start, end, layer word)."""
    words = _layer_words(lex)
    if not words.by_letter:
        return []
    reads: list[tuple[int, int, str]] = []
    n = 0
    while n < len(tokens):
        run = _initials(tokens, n, lex, words)
        if run:
            reads.append((n, n + run, "".join(t.low[0] for t in tokens[n : n + run])))
            n += run
            continue
        tok = tokens[n]
        if _unknown(tok, lex):
            found = [w for w in words.by_letter.get(tok.low[0], ()) if fits(w, tok.low)]
            one = _one(found, tok.low.endswith("s")) if found else None
            if one is not None:
                reads.append((n, n + 1, one))
        n += 1
    return _named(reads, tokens, lex) if reads else []


def read_abbreviations(
    text: str, tokens: list[Token], lex: Lexicon
) -> tuple[str, list[tuple[str, str]]]:
    """`text` with spelled-out words replaced by the layer word they abbreviate, and the
    (question words, layer word) pairs replaced. `tokens`: those of `text`."""
    out, pairs = text, []
    for lo, hi, word in reversed(spelled_out(tokens, lex)):
        start, end = tokens[lo].start, tokens[hi - 1].end
        pairs.append((text[start:end], word))
        out = out[:start] + word + out[end:]
    return out, list(reversed(pairs))
