"""Closest metrics and dimensions to unmatched words, for refusals."""

from __future__ import annotations

from difflib import SequenceMatcher

from nexatron.nlq.lexicon import Lexicon
from nexatron.nlq.text import words_of


def _score(words: list[str], name: str, label: str | None) -> float:
    target = " ".join(words_of(name) + words_of(label or ""))
    best = 0.0
    for w in words:
        for t in target.split():
            best = max(best, SequenceMatcher(None, w, t).ratio())
    return best


def suggestions(lex: Lexicon, unmatched: list[str], limit: int = 5) -> dict[str, list[str]]:
    """Up to `limit` metric and dimension names nearest to the unmatched words (or the first ones)."""
    words = [w for u in unmatched for w in words_of(u)][:10]
    metrics = list(lex.metrics.values())[:500]
    dims = list(lex.dimensions.values())[:500]
    if words:
        metrics.sort(key=lambda m: -_score(words, m.name, m.label))
        dims.sort(key=lambda x: -_score(words, x.name, x.label))
    return {"metrics": [m.name for m in metrics[:limit]], "dimensions": [x.name for x in dims[:limit]]}
