"""Lexical scoring for context retrieval: a tokenizer for identifiers and prose, and BM25."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_WORD = re.compile(r"[a-z0-9]+")
_STOP_WORDS = (
    "a an and are as at be by for from has have how i in is it many me much of on or per show "
    "the to was were what when where which who with give list tell our my all each than that "
    "this there their them do does did get"
)
_STOP = frozenset(_STOP_WORDS.split())


def stem(word: str) -> str:
    """A tiny English stemmer: plural endings only, so 'categories' meets 'category'."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_SEEN: dict[str, str] = {}  # word -> stem ("" for a stop word); bounded below


def tokens(text: str) -> list[str]:
    """Lower-cased, stemmed word tokens; identifiers split at `_`, `.` and camelCase."""
    if not text:
        return []
    lowered = text.lower()
    if lowered != text:
        lowered = _CAMEL.sub(" ", text).lower()
    if len(_SEEN) > 200_000:
        _SEEN.clear()
    get = _SEEN.get
    found = [get(word) or _learn(word) for word in _WORD.findall(lowered)]
    return [tok for tok in found if tok]


def _learn(word: str) -> str:
    tok = _SEEN[word] = "" if word in _STOP else stem(word)
    return tok


class BM25:
    """Okapi BM25 over small documents (token lists), with an inverted index for speed."""

    def __init__(self, docs: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.n = len(docs)
        self.lengths = [len(d) for d in docs]
        self.avgdl = (sum(self.lengths) / self.n) if self.n else 1.0
        postings: dict[str, dict[int, int]] = {}
        for i, doc in enumerate(docs):
            for tok in doc:
                per_doc = postings.get(tok)
                if per_doc is None:
                    postings[tok] = {i: 1}
                else:
                    per_doc[i] = per_doc.get(i, 0) + 1
        self.postings = postings

    def idf(self, tok: str) -> float:
        df = len(self.postings.get(tok, ()))
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def scores(self, query: Iterable[str]) -> dict[int, float]:
        """Score of every document sharing at least one query token."""
        out: dict[int, float] = {}
        avgdl = self.avgdl or 1.0
        for tok in set(query):
            per_doc = self.postings.get(tok)
            if not per_doc:
                continue
            idf = self.idf(tok)
            for i, tf in per_doc.items():
                norm = tf + self.k1 * (1 - self.b + self.b * self.lengths[i] / avgdl)
                out[i] = out.get(i, 0.0) + idf * tf * (self.k1 + 1) / norm
        return out


def ranked(scores: dict[int, float], limit: int | None = None) -> list[int]:
    """Document indices by descending score (ties by index, so results are deterministic)."""
    order = sorted(scores, key=lambda i: (-scores[i], i))
    return order[:limit] if limit is not None else order
