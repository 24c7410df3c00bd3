"""Bounded typo matching: a single-deletion index (SymSpell-style), checked by edit distance."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from nexatron.nlq.text import within


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def typo_limit(word: str) -> int:
    """How many edits a word of this length may carry: none below 5 letters, 2 from 9."""
    return 0 if len(word) < 5 else 1 if len(word) < 9 else 2


class FuzzyIndex:
    """Maps every word and its one-letter deletions to the words they came from."""

    def __init__(self, words: Iterable[str] = ()) -> None:
        self._index: defaultdict[str, set[str]] = defaultdict(set)
        self._words: set[str] = set()
        for w in words:
            if len(w) >= 4 and w.isalpha():
                self._words.add(w)
                self._index[w].add(w)
                for d in _deletes(w):
                    self._index[d].add(w)

    def __contains__(self, word: str) -> bool:
        return word in self._words

    def closest(self, word: str) -> list[str]:
        """Words within the typo limit of `word`, nearest first (ties keep every candidate)."""
        limit = typo_limit(word)
        if limit == 0 or not word.isalpha():
            return []
        probes = {word} | _deletes(word)
        found: set[str] = set()
        for p in probes:
            found |= self._index.get(p, set())
        found.discard(word)
        one = sorted(w for w in found if within(word, w, 1))
        if one or limit == 1:
            return one
        return sorted(w for w in found if within(word, w, 2))

    def short(self, word: str) -> list[str]:
        """For a four-letter word: known words one adjacent swap ('teir') or one missing letter
        ('clas', 'toal') away; substitutions are too often other real words."""
        if len(word) != 4 or not word.isalpha():
            return []
        found = {w for w in self._index.get(word, set()) if len(w) == 5}
        for i in range(3):
            swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            if swapped != word and swapped in self._words:
                found.add(swapped)
        return sorted(found)
