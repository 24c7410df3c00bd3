"""Date parts ('by day of week', 'hour of day') are not periods: refused, never read as grains."""

from __future__ import annotations

from nexatron.nlq.errors import Refusal
from nexatron.nlq.text import Token

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


def check_date_parts(tokens: list[Token]) -> None:
    """Refuse a breakdown by a part of a date (weekday, hour): the compiler offers periods only."""
    lows = [t.low for t in tokens]
    for i in range(len(lows)):
        for part in _PARTS:
            if tuple(lows[i : i + len(part)]) == part:
                phrase = " ".join(t.text for t in tokens[i : i + len(part)])
                raise Refusal(
                    {
                        "message": f"'{phrase}' is a part of a date; only periods (day, week,"
                        " month, quarter, year) can be grouped or filtered.",
                        "unmatched": [phrase],
                        "suggestions": {"metrics": [], "dimensions": []},
                    }
                )
