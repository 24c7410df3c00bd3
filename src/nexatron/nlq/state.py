"""The typed state every interpretation pass reads and writes.

`ParseState` holds the segmented question, the lexicon, one reading per item and the `Draft`
(everything the question said so far). Passes (`nexatron.nlq.passes.PASSES`) are plain functions
`(state) -> None` run in order; they import this module, never each other's driver, so the pass
modules form no import cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nexatron.nlq.items import Item, Segmented
from nexatron.nlq.lexicon import Lexicon
from nexatron.nlq.plan import Explained
from nexatron.nlq.readings import Reading, read_items
from nexatron.semantic.model import Absent, ColumnAggregate, Grain, OrderBy, QueryFilter, TimeRange


@dataclass
class Draft:
    """Everything a question said, before follow-up merging and final checks."""

    metrics: list[str] = field(default_factory=list)
    aggregates: list[ColumnAggregate] = field(default_factory=list)  # no metric defines them
    dimensions: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # grouped by, not shown (an entity's key)
    time_dim: str | None = None
    time_grouped: bool = False
    date_before_noun: bool = False  # the date word qualifies the table's noun ('closed accounts')
    grain: Grain | None = None
    trend: bool = False
    range: TimeRange | None = None
    range_grain: Grain | None = None
    filters: dict[tuple[str, bool], list[Any]] = field(default_factory=dict)
    metric_filters: list[QueryFilter] = field(default_factory=list)
    dim_filters: list[QueryFilter] = field(default_factory=list)
    order_metric: str | None = None
    order_desc: bool | None = None
    limit: int | None = None
    rank_single: bool = False
    rank_exact: int | None = None  # 'the second highest': only the rows at that dense rank
    explanation: list[Explained] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    cues: set[str] = field(default_factory=set)
    entities: list[tuple[str, str]] = field(default_factory=list)  # (text, table)
    counted_entity: str | None = None
    described: set[str] = field(default_factory=set)  # entity tables right after a used value
    # row-level questions (nlq.row_queries): anti-joins, the table whose rows are asked for, a
    # row-level order ('the 2 youngest singers'), and the columns once the question is read as
    # a listing (None: an aggregate question)
    absent: list[Absent] = field(default_factory=list)
    row_entity: str | None = None
    row_order: list[OrderBy] = field(default_factory=list)
    columns: list[str] | None = None


class ParseState:
    """A segmented question being interpreted left to right: its items, their readings, which
    items are used, and the draft the passes fill in."""

    def __init__(self, seg: Segmented, lex: Lexicon) -> None:
        self.seg = seg
        self.lex = lex
        self.items: list[Item] = seg.items
        self.readings: list[Reading | None] = read_items(seg.items, seg.tokens, lex)
        self.draft = Draft()
        self.used: set[int] = set()
        self.metric_at: dict[int, str] = {}  # item position -> metric read there
        self.metric_uses: dict[str, int] = {}
        self.carried: set[int] = set()  # filtered metrics read as their filter
        self.aggregate_words: set[int] = set()  # 'highest', 'average' read as aggregates
        self.context_words: set[int] = set()  # accepted unmapped: part of a name, a light verb

    def metric_count(self, name: str) -> int:
        """How many items were read as metric `name`."""
        return self.metric_uses.get(name, 0)

    def low(self, position: int) -> str:
        """The lower-cased text of the item at `position` ('' outside the question)."""
        return self.items[position].text.lower() if 0 <= position < len(self.items) else ""

    def reading(self, position: int) -> Reading | None:
        """The reading of the item at `position` (None outside the question)."""
        return self.readings[position] if 0 <= position < len(self.readings) else None


Pass = Callable[[ParseState], None]
