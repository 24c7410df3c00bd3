"""Closest metrics and dimensions to unmatched words, for refusals."""

from __future__ import annotations

from nexatron.nlq.lexicon import Lexicon
from nexatron.nlq.text import stem, words_of

Indexed = tuple[str, str, frozenset[str], frozenset[str]]


def _index(lex: Lexicon) -> list[Indexed]:
    """(kind, name, words, stems) per metric and dimension, built once per lexicon."""
    if lex.suggest_index is None:
        out: list[Indexed] = []
        objs = [("metric", m.name, m.label, m.synonyms) for m in lex.metrics.values()]
        objs += [("dimension", d.name, d.label, d.synonyms) for d in lex.dimensions.values()]
        for kind, name, label, synonyms in objs:
            words = frozenset(w for t in (name, label or "", *synonyms) for w in words_of(t))
            out.append((kind, name, words, frozenset(stem(w) for w in words)))
        lex.suggest_index = out
    return lex.suggest_index


def _score(words: list[str], own: frozenset[str], stems: frozenset[str]) -> int:
    score = 0
    for w in words:
        if stem(w) in stems:
            score += 3
        elif len(w) >= 4 and any(o.startswith(w[:4]) or w.startswith(o[:4]) for o in own):
            score += 1
    return score


def suggestions(lex: Lexicon, unmatched: list[str], limit: int = 5) -> dict[str, list[str]]:
    """Up to `limit` metric and dimension names nearest to the unmatched words (else the first)."""
    words = [w for u in unmatched for w in words_of(u)][:6]
    scored = [
        (-_score(words, own, stems) if words else 0, i, kind, name)
        for i, (kind, name, own, stems) in enumerate(_index(lex))
    ]
    scored.sort()
    return {
        "metrics": [n for _, _, k, n in scored if k == "metric"][:limit],
        "dimensions": [n for _, _, k, n in scored if k == "dimension"][:limit],
    }
