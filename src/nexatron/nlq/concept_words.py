"""Everyday names of a column's concept that its own name does not say.

A column measuring how long something lasts (`runtime_minutes`, `duration_sec`, `call_hrs`) is
asked about as its 'running time', 'duration' or 'length'. When exactly one number column of
the layer is named with a duration unit, and no name of the layer already says the phrase, the
phrases of `DURATION_PHRASES` read as that column (a derived reading, strength 2).
"""

from __future__ import annotations

from collections.abc import Container, Iterable

from nexatron.nlq.text import stem, words_of
from nexatron.semantic.model import Dimension

DURATION_PHRASES = ("running time", "run time", "runtime", "duration", "length", "time taken")
_DURATION_WORDS = frozenset(
    stem(w)
    for w in (
        "minutes",
        "minute",
        "mins",
        "min",
        "seconds",
        "second",
        "secs",
        "sec",
        "hours",
        "hour",
        "hrs",
        "hr",
        "duration",
        "runtime",
    )
)
# a point in time, not a length of time ('start_hour', 'hour_of_day')
_POINT_WORDS = frozenset(stem(w) for w in ("start", "end", "of", "at", "until", "from", "to"))


def _measures_duration(dim: Dimension) -> bool:
    if dim.type != "number" or dim.via is not None:
        return False
    words = {stem(w) for w in words_of(dim.name)}
    return bool(words & _DURATION_WORDS) and not words & _POINT_WORDS


def duration_phrases(
    dimensions: Iterable[Dimension], known: Container[tuple[str, ...]]
) -> list[tuple[list[str], str]]:
    """(phrase words, dimension name) for each duration phrase the layer does not name yet,
    when exactly one column measures a duration."""
    found = [d for d in dimensions if _measures_duration(d)]
    if len(found) != 1:
        return []
    out: list[tuple[list[str], str]] = []
    for phrase in DURATION_PHRASES:
        words = words_of(phrase)
        if tuple(stem(w) for w in words) not in known:
            out.append((words, found[0].name))
    return out
