"""Units written inside a measure's name: 'per hour' or 'hourly' where a numeric column is
`hourly_rate`, `sheets_per_hour` or `capacity_per_hr` names a rate's unit, not a date part."""

from __future__ import annotations

from nexatron.nlq.lexicon import Lexicon
from nexatron.nlq.text import Token, words_of

_HOUR_WORDS = frozenset({"hour", "hours", "hr", "hrs", "hourly", "hrly"})
# The question's wording of the unit: 'hourly', 'per hour', 'an hour', 'per hr'.
_UNIT_PHRASES: tuple[tuple[str, ...], ...] = (
    ("hourly",),
    ("per", "hour"),
    ("per", "hr"),
    ("an", "hour"),
    ("a", "hour"),
)


def _hour_measures(lex: Lexicon) -> tuple[str, ...]:
    """Numeric dimensions whose name holds an hour unit."""

    def build() -> tuple[str, ...]:
        return tuple(
            d.name
            for d in lex.dimensions.values()
            if d.type == "number" and set(words_of(f"{d.name} {d.expr}")) & _HOUR_WORDS
        )

    return lex.layer.derived("hour_measures", len(lex.dimensions), build)  # type: ignore[no-any-return]


def unit_named(tokens: list[Token], i: int, lex: Lexicon) -> bool:
    """The unit phrase at `i` ('per hour', 'hourly') is the unit of a numeric column's name."""
    lows = tuple(t.low for t in tokens[i : i + 2])
    if not any(lows[: len(p)] == p for p in _UNIT_PHRASES):
        return False
    return bool(_hour_measures(lex))
