"""What segmentation produces: items (runs of tokens and what they were read as)."""

from __future__ import annotations

from dataclasses import dataclass, field

from nexatron.nlq.lexicon import Entry
from nexatron.nlq.text import Token
from nexatron.semantic.model import Grain, TimeRange


@dataclass
class Item:
    """A run of tokens `[start, end)` and what it was read as."""

    kind: str  # lexicon | time | grain | number | cue | word | unknown
    start: int
    end: int
    text: str
    entries: list[Entry] = field(default_factory=list)
    values: list[tuple[str, str]] = field(default_factory=list)
    time: TimeRange | None = None
    grain: Grain | None = None
    number: float | None = None
    currency: str = ""
    percent: bool = False
    cue: str = ""
    negated: bool = False  # 'untenured', 'nonprofit': a negating prefix on a boolean's name


@dataclass
class Segmented:
    tokens: list[Token]
    items: list[Item]
    corrections: list[tuple[str, str]]
    text: str = ""
