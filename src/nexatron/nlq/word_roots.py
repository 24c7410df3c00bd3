"""Word roots shared by a verb and its noun ('billed' ~ 'billing', 'departing' ~ 'departure',
'paid' ~ 'payment'): a small irregular-verb table plus suffix stripping.

A root reading is weak: it is used only for a word the lexicon does not know, and only when it
names exactly one metric or dimension.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, cast

from nexatron.nlq.text import Token, words_of
from nexatron.nlq.word_lists import FUNCTION

if TYPE_CHECKING:
    from nexatron.nlq.items import Item
    from nexatron.nlq.lexicon import Kind, Lexicon

IRREGULAR_VERBS = {
    "paid": "pay",
    "sold": "sell",
    "bought": "buy",
    "taught": "teach",
    "spent": "spend",
    "brought": "bring",
    "built": "build",
    "sent": "send",
    "kept": "keep",
    "held": "hold",
    "flew": "fly",
    "flown": "fly",
    "wrote": "write",
    "written": "write",
    "drove": "drive",
    "driven": "drive",
    "grew": "grow",
    "grown": "grow",
    "gave": "give",
    "given": "give",
    "took": "take",
    "taken": "take",
    "made": "make",
    "won": "win",
    "lost": "lose",
    "left": "leave",
    "met": "meet",
    "ran": "run",
    "began": "begin",
    "begun": "begin",
    "chose": "choose",
    "chosen": "choose",
    "thought": "think",
    "caught": "catch",
    "found": "find",
    "told": "tell",
}
# Longest first; (suffix, replacement). 'subscription' -> 'subscrib' like 'subscribed'.
_SUFFIXES = (
    ("ptions", "b"),
    ("ption", "b"),
    ("ations", ""),
    ("ation", ""),
    ("ments", ""),
    ("ment", ""),
    ("ings", ""),
    ("ing", ""),
    ("ures", ""),
    ("ure", ""),
    ("ions", ""),
    ("ion", ""),
    ("ery", "er"),
    ("ied", "y"),
    ("ies", "y"),
    ("ed", ""),
    ("es", ""),
    ("als", ""),
    ("al", ""),
    ("s", ""),
)
PARTICLES = frozenset({"up", "out"})


@lru_cache(maxsize=50_000)
def root(word: str) -> str:
    """The root of a verb or noun form: 'departing'/'departure' -> 'depart', 'paid' -> 'pay'."""
    w = word.lower()
    if w in IRREGULAR_VERBS:
        return IRREGULAR_VERBS[w]
    if not w.isalpha() or len(w) < 4:
        return w
    for suffix, rep in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and not w.endswith("ss"):
            w = w[: -len(suffix)] + rep
            break
    if len(w) >= 4 and w.endswith("e") and not w.endswith("ee"):
        w = w[:-1]
    if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "aeiou":
        w = w[:-1]
    return w


def _phrases(lex: Lexicon) -> list[tuple[str, str, list[list[str]]]]:
    """(kind, name, word lists) of every metric and dimension: name, label and synonyms."""
    from nexatron.nlq.lexicon import boolean_core, strip_agg

    out: list[tuple[str, str, list[list[str]]]] = []
    for m in lex.metrics.values():
        names = [m.name, m.label or "", *m.synonyms]
        out.append(("metric", m.name, [strip_agg(words_of(t)) for t in names if t]))
    for d in lex.dimensions.values():
        texts = [words_of(t) for t in [d.name, d.label or "", *d.synonyms] if t]
        if d.type == "time":
            texts = [_event_words(w) for w in texts]
        elif d.type == "boolean":
            texts = [boolean_core(w) for w in texts]
        out.append(("dimension", d.name, texts))
    return out


_TIME_TAIL = frozenset({"date", "at", "time", "on", "timestamp", "ts", "dt", "day", "datetime"})


def _event_words(words: list[str]) -> list[str]:
    return words[:-1] if len(words) > 1 and words[-1] in _TIME_TAIL else words


def root_index(lex: Lexicon) -> dict[str, set[tuple[str, str]]]:
    """Roots of one-word names ('billing' -> 'bill'), built on first use and kept on `lex`."""
    if lex._roots is None:
        lex._roots = build_root_index(lex)
    return lex._roots


def build_root_index(lex: Lexicon) -> dict[str, set[tuple[str, str]]]:
    """Root of each one-word name, label or synonym -> the metrics/dimensions it names."""
    index: dict[str, set[tuple[str, str]]] = {}
    for kind, name, texts in _phrases(lex):
        for words in texts:
            if len(words) == 1 and words[0] not in FUNCTION and words[0].isalpha():
                index.setdefault(root(words[0]), set()).add((kind, name))
    return index


def root_targets(lex: Lexicon, word: str) -> set[tuple[str, str]]:
    """What a word not in the lexicon names by its root (empty when nothing or unsure)."""
    if len(word) < 4 or word in FUNCTION:
        return set()
    return root_index(lex).get(root(word), set())


def shares_root(word: str, names: list[str]) -> bool:
    """`word` has the root of one of the words of `names` ('paid' and 'payment method')."""
    r = root(word)
    return len(r) >= 3 and any(root(w) == r for n in names for w in words_of(n))


_DIRECTION = frozenset({"departing", "leaving", "originating", "arriving", "bound", "destined"})


def _usable(found: set[tuple[str, str]], lex: Lexicon, before_time: bool) -> tuple[str, str] | None:
    """The one target a root names; a date before a date range wins over a count metric
    ('departing in May'); roots never name a grouping (a string dimension)."""
    if before_time and len(found) > 1:
        times = {t for t in found if t[0] == "dimension" and lex.dimensions[t[1]].type == "time"}
        found = times if len(times) == 1 else found
    if len(found) != 1:
        return None
    kind, name = next(iter(found))
    if kind == "dimension" and lex.dimensions[name].type not in {"time", "boolean"}:
        return None
    return kind, name


def _participle_counting(word: str, target: tuple[str, str], lex: Lexicon) -> bool:
    """'matches were played last month': a past participle right before a period says when
    the rows happened; it does not count another table's rows ('players')."""
    return word.endswith("ed") and target[0] == "metric" and lex.metrics[target[1]].agg == "count"


def root_item(tokens: list[Token], i: int, lex: Lexicon, before_time: bool) -> Item | None:
    """A word the lexicon lacks that names one metric or dimension by its root ('billed' for
    'billing', 'signed up' for 'signup'); a weak reading."""
    from nexatron.nlq.items import Item
    from nexatron.nlq.lexicon import Entry

    tok = tokens[i]
    if not tok.low.isalpha() or (tok.low in _DIRECTION and not before_time):
        return None
    nxt = tokens[i + 1].low if i + 1 < len(tokens) else ""
    nxt = nxt.removesuffix("s") if nxt.removesuffix("s") in PARTICLES else nxt  # 'sign-ups'
    tries = [(tok.stem + nxt, i + 2), (root(tok.low) + nxt, i + 2), (tok.low, i + 1)]
    for word, end in tries:
        if end == i + 2 and nxt not in PARTICLES:
            continue
        target = _usable(root_targets(lex, word), lex, before_time)
        if target is not None and before_time and _participle_counting(tok.low, target, lex):
            continue
        if target is not None:
            entry = Entry(cast("Kind", target[0]), target[1], strength=1, source="root")
            return Item("lexicon", i, end, tok.text, [entry])
    return None
