"""Tokens, light stemming, number reading and bounded edit distance."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_TOKEN = re.compile(
    r"[$€£]?\d[\d,]*(?:\.\d+)?(?:k|m|mm|bn|b|%)?(?![^\W_])"
    r"|[^\W\d_]+\d[^\W_]*|[^\W\d_]+(?:[-'\u2019][^\W\d_]+)*|\d+[^\W_]+|[<>]=?|!=|=|&|#|\+"
)
IRREGULAR = {
    "people": "person",
    "children": "child",
    "men": "man",
    "women": "woman",
    "staff": "staff",
    "data": "data",
    "media": "media",
    "criteria": "criterion",
}


@dataclass(frozen=True)
class Token:
    """One word of a question: original text, lowercase form, stem and character span."""

    text: str
    low: str
    stem: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Split a question into word/number/operator tokens; hyphens and apostrophes are split off."""
    out: list[Token] = []
    for m in _TOKEN.finditer(text[:20000]):
        raw = m.group()
        if raw[0].isalpha() and ("-" in raw or "'" in raw or "\u2019" in raw):
            out.extend(_split_word(raw, m.start()))
            continue
        low = raw.lower()
        out.append(Token(raw, low, stem(low), m.start(), m.end()))
    return out


# Contractions: "haven't" reads "have not", "we've" reads "we have" (the clitic's own words).
_NOT_STEMS = {"won": "will", "can": "can", "shan": "shall", "ain": "is"}
_CLITICS = {"ve": "have", "re": "are", "ll": "will", "d": "would", "m": "am"}


def _split_word(raw: str, start: int) -> list[Token]:
    """A hyphenated or apostrophed word: its parts, possessive 's dropped, contractions read
    as their words ('don't' -> 'do not', 'who've' -> 'who have')."""
    parts = re.split(r"[-'\u2019]", raw)
    out: list[Token] = []
    pos = start
    for n, part in enumerate(parts):
        low = part.lower()
        apostrophe = n > 0 and raw[pos - start - 1] in "'\u2019"
        if apostrophe and low == "t" and out and out[-1].low.endswith("n") and n == len(parts) - 1:
            verb = out.pop()
            base = _NOT_STEMS.get(verb.low, verb.low[:-1])
            out.append(Token(verb.text[: len(base)] or base, base, stem(base), verb.start, pos - 2))
            out.append(Token("not", "not", "not", pos - 2, pos + 1))
        elif apostrophe and low in _CLITICS and n == len(parts) - 1 and out:
            word = _CLITICS[low]
            out.append(Token(word, word, stem(word), pos - 1, pos + len(part)))
        elif part and not (low in {"s", "t"} and pos > start):
            out.append(Token(part, low, stem(low), pos, pos + len(part)))
        pos += len(part) + 1
    return out


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A crude but symmetric stem: plural and past-tense endings, final e, doubled consonant."""
    w = word.lower()
    if w in IRREGULAR:
        return IRREGULAR[w]
    if len(w) < 4 or not w.isalpha():
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(("sses", "xes", "ches", "shes", "zes", "uses")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    elif w.endswith("ied") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("ed") and len(w) >= 5 and not w.endswith("eed"):
        w = w[:-2]
    if len(w) >= 4 and w.endswith("e") and not w.endswith(("ee", "ie")):
        w = w[:-1]
    if (len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "aeiouls") or (
        len(w) >= 5 and w[-1] == w[-2] == "l"
    ):
        w = w[:-1]
    return w


def words_of(text: str) -> list[str]:
    """Lowercase word tokens of an identifier or label: splits snake_case, dots and camelCase."""
    return list(_words_of(text))


@lru_cache(maxsize=50_000)
def _words_of(text: str) -> tuple[str, ...]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    spaced = spaced.replace("&", " and ")
    return tuple(t.low for t in tokenize(re.sub(r"[_.\-/]+", " ", spaced)))


def key_of(text: str) -> tuple[str, ...]:
    """The lexicon key of a phrase: the stems of its words."""
    return tuple(stem(w) for w in words_of(text))


_NUM = re.compile(r"([$€£]?)(\d[\d,]*(?:\.\d+)?)\s?(k|m|mm|bn|b|%|percent)?$")


def read_number(text: str) -> tuple[float, str, bool] | None:
    """`$1,200` -> (1200.0, '$', False); `10%` -> (10.0, '', True); `2.5k` -> 2500.0."""
    m = _NUM.match(text.lower())
    if not m:
        return None
    try:
        value = float(m[2].replace(",", ""))
    except ValueError:
        return None
    scale = {"k": 1e3, "m": 1e6, "mm": 1e6, "bn": 1e9, "b": 1e9}.get(m[3] or "", 1.0)
    return value * scale, m[1], m[3] in {"%", "percent"}


def within(a: str, b: str, limit: int) -> bool:
    """Optimal-string-alignment distance between `a` and `b` is at most `limit`."""
    if abs(len(a) - len(b)) > limit:
        return False
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return False
        prev2, prev = prev, cur
    return prev[-1] <= limit
