"""Follow-up questions: detect them and apply their change to the previous turn's query."""

from __future__ import annotations

from nexatron.nlq.items import Segmented
from nexatron.nlq.state import Draft
from nexatron.nlq.word_lists import EDIT_OBJECTS, FOLLOW_UP_STARTS
from nexatron.semantic.model import OrderBy, QueryFilter, SemanticQuery

_STRONG_STARTS = (
    ("and",),
    ("what", "about"),
    ("how", "about"),
    ("only",),
    ("instead",),
    ("also",),
    ("same",),
    ("now",),
    ("just",),
    ("but",),
    ("plus",),
    ("what", "if"),
    ("and", "what", "about"),
    ("then",),
)
_ADD = frozenset({"too", "also", "additionally", "plus", "add", "well"})
_REMOVE = frozenset({"without", "remove", "drop", "clear", "reset", "no", "ignore", "unfiltered"})


def _starts(lows: list[str], options: tuple[tuple[str, ...], ...]) -> bool:
    return any(tuple(lows[: len(s)]) == s for s in options)


def is_follow_up(seg: Segmented, draft: Draft, previous: SemanticQuery | None) -> bool:
    """A follow-up starts like one, says 'instead'/'too', or names no metric of its own."""
    if previous is None:
        return False
    lows = [t.low for t in seg.tokens]
    if _starts(lows, _STRONG_STARTS) or {"instead", "too"} & set(lows):
        return True
    if not draft.metrics:
        return True
    return _starts(lows, FOLLOW_UP_STARTS) and len(lows) <= 4


def removes_something(seg: Segmented) -> bool:
    """'without the filter', 'drop the limit': the follow-up removes part of the previous query."""
    words = {t.low for t in seg.tokens}
    return bool(words & _REMOVE) and bool(words & EDIT_OBJECTS)


def merge(
    previous: SemanticQuery,
    draft: Draft,
    seg: Segmented,
    filters: list[QueryFilter],
    metric_filters: list[QueryFilter],
) -> SemanticQuery:
    """Apply the change a follow-up asks for to the previous query."""
    lows = [t.low for t in seg.tokens]
    words = set(lows)
    adding = (
        _starts(lows, (("and",), ("also",), ("plus",))) or bool(words & _ADD)
    ) and "instead" not in words
    removing = bool(words & _REMOVE) and bool(words & EDIT_OBJECTS)
    q = previous.model_copy(deep=True)
    if draft.metrics:
        old = list(q.metrics)
        q.metrics = list(dict.fromkeys(old + draft.metrics)) if adding else list(draft.metrics)
        gone = set(old) - set(q.metrics)
        q.order = [
            OrderBy(field=q.metrics[0], desc=o.desc) if o.field in gone else o for o in q.order
        ]
        q.metric_filters = [f for f in q.metric_filters if f.field not in gone]
    if removing and ("filter" in words or "filters" in words or "condition" in words):
        named = {f.field for f in filters}
        q.filters = [f for f in q.filters if named and f.field not in named]
        filters = []
    elif removing and draft.dimensions:
        q.dimensions = [x for x in q.dimensions if x not in draft.dimensions]
        draft.dimensions = []
    if draft.dimensions:
        q.dimensions = (
            list(dict.fromkeys(q.dimensions + draft.dimensions))
            if adding
            else list(draft.dimensions)
        )
    for f in filters:
        same = [g for g in q.filters if g.field == f.field]
        if same and adding and same[0].op in {"=", "in"} and f.op in {"=", "in"}:
            vals = list(dict.fromkeys(same[0].values + f.values))
            same[0].op, same[0].values = "in", vals
            continue
        q.filters = [g for g in q.filters if g.field != f.field] + [f]
    q.metric_filters += metric_filters
    _time(q, draft, words, removing)
    if draft.limit is not None or "top_no_n" in draft.cues or draft.rank_single:
        q.limit = draft.limit or (1 if draft.rank_single else q.limit or 10)
        q.rank = None
    if draft.rank_exact is not None:
        q.rank, q.limit = draft.rank_exact, None
    if draft.order_desc is not None:
        field = draft.order_metric or (
            q.order[0].field if q.order else q.metrics[0] if q.metrics else None
        )
        if field is not None:
            q.order = [OrderBy(field=field, desc=draft.order_desc)]
    if ("limit" in words and removing) or ({"show", "all"} <= words and not filters):
        q.limit = None
    return q


def _time(q: SemanticQuery, draft: Draft, words: set[str], removing: bool) -> None:
    from nexatron.semantic.model import TimeSpec

    spec = q.time.model_copy() if q.time else TimeSpec()
    if draft.range is not None:
        spec.range = draft.range
    if (
        "alltime" in draft.cues
        or (removing and words & {"range", "period", "date", "dates"})
        or "ever" in words
    ):
        spec.range = None
    if draft.grain is not None:
        spec.grain = draft.grain
    if draft.time_dim is not None:
        spec.dimension = draft.time_dim
    if "intotal" in draft.cues:
        spec.grain = None
    q.time = spec if (spec.range or spec.grain or spec.dimension) else None
