"""Date parts ('by day of week', 'hour of day') are not periods: refused, never read as grains."""

from __future__ import annotations

from nexatron.nlq.abbreviated_words import spelled_out
from nexatron.nlq.errors import refusal
from nexatron.nlq.lexicon import Lexicon
from nexatron.nlq.text import Token
from nexatron.nlq.unit_words import unit_named

_PARTS: tuple[tuple[str, ...], ...] = (
    ("day", "of", "week"),
    ("day", "of", "the", "week"),
    ("days", "of", "the", "week"),
    ("days", "of", "week"),
    ("day", "of", "month"),
    ("day", "of", "the", "month"),
    ("day", "of", "year"),
    ("day", "of", "the", "year"),
    ("month", "of", "year"),
    ("month", "of", "the", "year"),
    ("week", "of", "year"),
    ("week", "of", "the", "year"),
    ("hour", "of", "day"),
    ("hour", "of", "the", "day"),
    ("time", "of", "day"),
    ("time", "of", "the", "day"),
    ("weekday",),
    ("weekdays",),
    ("weekend",),
    ("weekends",),
    ("hourly",),
    ("by", "hour"),
    ("per", "hour"),
    ("each", "hour"),
    ("every", "hour"),
    ("dow",),
)


def _named(tokens: list[Token], i: int, n: int, lex: Lexicon | None) -> bool:
    """The date-part words belong to a longer name of the layer ('average hourly rate'), or
    spell out one ('hourly rate' for `hrly_rt`), or are the unit of a measure's name
    ('per hour' where a column is `sheets_per_hour`)."""
    if lex is None:
        return False
    if any(lo <= i < hi for lo, hi, _ in spelled_out(tokens, lex)) or unit_named(tokens, i, lex):
        return True
    for lo in range(max(0, i - 3), i + 1):
        for hi in range(i + n, min(len(tokens), i + n + 3) + 1):
            if hi - lo > n and lex.lookup(tuple(t.stem for t in tokens[lo:hi])):
                return True
    return False


_FIRST_WORDS = frozenset(part[0] for part in _PARTS)


def check_date_parts(tokens: list[Token], lex: Lexicon | None = None) -> None:
    """Refuse a breakdown by a part of a date (weekday, hour): the compiler offers periods only."""
    lows = [t.low for t in tokens]
    for i in range(len(lows)):
        if lows[i] not in _FIRST_WORDS:
            continue
        for part in _PARTS:
            if tuple(lows[i : i + len(part)]) == part and not _named(tokens, i, len(part), lex):
                phrase = " ".join(t.text for t in tokens[i : i + len(part)])
                raise refusal(
                    f"'{phrase}' is a part of a date; only periods (day, week,"
                    " month, quarter, year) can be grouped or filtered.",
                    unmatched=[phrase],
                )
