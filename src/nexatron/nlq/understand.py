"""`understand(question, lexicon, ctx=..., previous=...)`: a Plan, or a 422 explaining why not."""

from __future__ import annotations

from nexatron.nlq.activity import check_activity
from nexatron.nlq.date_parts import check_date_parts
from nexatron.nlq.date_words import named_date
from nexatron.nlq.errors import Clarification, Refusal, WriteRefused, clarification, refusal
from nexatron.nlq.followup import is_follow_up, merge, removes_something
from nexatron.nlq.items import Segmented
from nexatron.nlq.lexicon import Lexicon
from nexatron.nlq.listing import check_listing
from nexatron.nlq.passes import interpret
from nexatron.nlq.plan import Explained, Plan
from nexatron.nlq.readings import name_dimension, reachable, tables_of
from nexatron.nlq.segment import segment
from nexatron.nlq.state import Draft
from nexatron.nlq.suggest import suggestions
from nexatron.nlq.text import Token, tokenize
from nexatron.nlq.word_lists import EDIT_OBJECTS, STRONG_WRITE, WRITE_VERBS
from nexatron.semantic.dates import DateContext, describe
from nexatron.semantic.model import (
    ColumnAggregate,
    Grain,
    OrderBy,
    QueryFilter,
    SemanticQuery,
    TimeSpec,
)

_POLITE = frozenset(
    [
        "please",
        "can",
        "could",
        "would",
        "will",
        "you",
        "i",
        "we",
        "want",
        "to",
        "lets",
        "let",
        "us",
        "need",
        "kindly",
        "go",
        "ahead",
        "and",
        "now",
        "then",
        "also",
        "just",
    ]
)
_DATA_OBJECTS = frozenset(
    [
        "table",
        "tables",
        "database",
        "schema",
        "column",
        "columns",
        "row",
        "rows",
        "record",
        "records",
        "data",
        "entries",
        "entry",
        "index",
        "view",
        "views",
        "everything",
        "all",
    ]
)
_TREND_GRAIN: dict[str | None, Grain] = {
    "day": "day",
    "week": "day",
    "month": "day",
    "quarter": "week",
    "year": "month",
    None: "month",
}


def check_write(tokens: list[Token]) -> None:
    """Refuse requests to change data before anything else happens."""
    lows = [t.low for t in tokens]
    first = next((i for i, w in enumerate(lows) if w not in _POLITE), None)
    for i, w in enumerate(lows):
        after = set(lows[i + 1 : i + 4])
        if after & EDIT_OBJECTS and not after & _DATA_OBJECTS:
            continue
        if w == "drop" and i != first and lows[i + 1 : i + 2] == ["off"]:
            continue  # 'the most popular drop-off zone': a place, not a statement
        strong = w in STRONG_WRITE
        leading = (
            i == first and w in WRITE_VERBS and (after & _DATA_OBJECTS or "to" in lows[i + 1 :])
        )
        if strong or leading or (w in WRITE_VERBS and after & _DATA_OBJECTS):
            raise WriteRefused(
                {
                    "message": "Nexatron only reads data; requests to change data are refused.",
                    "verb": w,
                }
            )


def check_why(tokens: list[Token], lex: Lexicon) -> None:
    """'Why did X drop?' asks for a cause, which a query cannot give: refuse it as such."""
    first = next((t.low for t in tokens if t.low not in _POLITE), None)
    if first == "why":
        raise refusal(
            "'Why' questions are not supported: Nexatron shows what the data says,"
            " not causes. Ask what changed instead (e.g. the metric by month or by dimension).",
            unmatched=["why"],
            suggestions=suggestions(lex, []),
        )


def _unmatched(words: list[str], lex: Lexicon) -> Refusal:
    return refusal(
        "Some words matched nothing in the semantic layer: " + ", ".join(f"'{u}'" for u in words),
        unmatched=words,
        suggestions=suggestions(lex, words),
    )


def _unknown_beside(exc: Clarification, seg: Segmented, lex: Lexicon) -> None:
    """An unknown word next to the ambiguous phrase ('churn rate'): name it instead of asking
    which known meaning was meant."""
    detail = exc.detail if isinstance(exc.detail, dict) else {}
    items = seg.items
    for k, it in enumerate(items):
        if it.text != detail.get("ambiguous"):
            continue
        near = [items[j] for j in (k - 1, k + 1) if 0 <= j < len(items)]
        unknown = [n.text for n in near if n.kind == "unknown"]
        if unknown:
            raise _unmatched(unknown, lex)


def understand(
    question: str, lexicon: Lexicon, *, ctx: DateContext, previous: SemanticQuery | None = None
) -> Plan:
    """Read an English question against a lexicon into a Plan, never silently dropping words."""
    text = question if isinstance(question, str) else str(question)
    tokens = tokenize(text[:10000])
    if not text.strip() or not tokens:
        raise refusal("The question is empty.", suggestions=suggestions(lexicon, []))
    check_why(tokens, lexicon)
    check_write(tokens)
    check_date_parts(tokens, lexicon)
    seg = segment(text, lexicon, ctx, tokens)
    try:
        draft = interpret(seg, lexicon)
    except Clarification as exc:
        _unknown_beside(exc, seg, lexicon)
        raise
    if draft.columns is not None:
        return _row_plan(draft, seg, lexicon)
    follow = is_follow_up(seg, draft, previous)
    if not follow:
        check_listing(seg.tokens, draft, lexicon)
    _refuse_unmatched(draft, lexicon, follow, follow and removes_something(seg))
    if not follow:
        _refuse_idle_date(draft, lexicon)
    filters = _filters(draft)
    if draft.range is not None and draft.time_dim is None and draft.metrics:
        draft.time_dim = named_date(seg.tokens, lexicon, draft.metrics)
        if draft.time_dim:
            draft.assumptions.append(f"applied the dates to '{draft.time_dim}'")
    if draft.trend and draft.grain is None:
        draft.grain = _TREND_GRAIN[draft.range_grain]
        draft.assumptions.append(f"showed the trend by {draft.grain}")
    if draft.time_grouped and draft.grain is None:
        draft.grain = "day"
    if follow and previous is not None:
        query = merge(previous, draft, seg, filters, draft.metric_filters)
        _order(query, draft, follow=True)
        if query == previous:
            raise refusal(
                "The follow-up changes nothing in the previous question; say what to change.",
                unmatched=[seg.text],
                suggestions=suggestions(lexicon, []),
            )
    else:
        query = _fresh(draft, filters, lexicon)
    _check(query, draft, lexicon)
    if not follow:
        check_activity(query, seg.tokens, lexicon, draft.time_dim is not None)
    return _plan(query, draft, seg, follow)


def _row_plan(draft: Draft, seg: Segmented, lex: Lexicon) -> Plan:
    """The plan of a row-level question (`nlq.row_queries.row_shape` read it as one)."""
    columns = draft.columns or []
    _refuse_unranked_place(draft, bool(draft.row_order))
    used = {lex.dimensions[c].table for c in columns} | {draft.row_entity or ""}
    draft.described |= used
    draft.metrics = [m for m in draft.metrics if lex.metrics[m].table in used]
    _refuse_unmatched(draft, lex, follow=False, removing=False, rows=used)
    time = None
    if draft.range is not None:
        dim = draft.time_dim or _row_date(draft, lex)
        time = TimeSpec(dimension=dim, range=draft.range)
    query = SemanticQuery(
        columns=columns,
        keys=[k for k in draft.keys if k in columns],
        entity=draft.row_entity,
        filters=_filters(draft),
        time=time,
        order=list(draft.row_order),
        limit=draft.limit if draft.rank_exact is None else None,
        rank=draft.rank_exact if draft.row_order else None,
        absent=list(draft.absent),
    )
    return _plan(query, draft, seg, follow=False)


def _row_date(draft: Draft, lex: Lexicon) -> str:
    """The listed table's one date, for a period named with no date ('joined in 2025')."""
    dates = [d for d in lex.dimensions.values() if d.type == "time" and d.table == draft.row_entity]
    if len(dates) != 1:
        raise refusal(
            "Which date does the period apply to?",
            unmatched=[draft.range.label or "the period"] if draft.range else [],
            suggestions={"metrics": [], "dimensions": [d.name for d in dates]},
        )
    draft.assumptions.append(f"applied the period to '{dates[0].name}'")
    return dates[0].name


def _refuse_unmatched(
    draft: Draft, lex: Lexicon, follow: bool, removing: bool, rows: set[str] | None = None
) -> None:
    unmatched = list(draft.unmatched)
    used_tables = (
        {lex.metrics[m].table for m in draft.metrics}
        | {_aggregate_table(a, lex) for a in draft.aggregates}
        | {lex.dimensions[x].table for x in draft.dimensions}
        | {lex.dimensions[f].table for f, _ in draft.filters}
        | {lex.dimensions[f.field].table for f in draft.dim_filters}
        | ({lex.dimensions[draft.time_dim].table} if draft.time_dim else set())
    )
    metric_tables = tables_of(lex, draft.metrics) | {
        _aggregate_table(a, lex) for a in draft.aggregates
    }
    if rows is not None:  # a row query: its tables are the listed one and its columns'
        used_tables |= rows
        metric_tables |= rows
    for text, table in draft.entities:
        if table in draft.described and metric_tables and reachable(lex, metric_tables, table):
            continue
        if table not in used_tables and not (follow and not _asked(draft)):
            unmatched.append(text)
    if "neg" in draft.cues and not removing:
        unmatched.append("(something to exclude)")
    if unmatched:
        raise _unmatched(unmatched, lex)
    if not _asked(draft) and not follow and rows is None:
        what = draft.counted_entity
        msg = f"No metric counts '{what}'." if what else "Which metric? The question names none."
        raise refusal(
            msg,
            unmatched=[what] if what else [],
            suggestions=suggestions(lex, [what] if what else []),
        )


def _refuse_idle_date(draft: Draft, lex: Lexicon) -> None:
    """A date named with no period, grain or breakdown would be answered as if it were not
    there: refused by name when it qualifies the rows ('closed accounts'), announced when it
    only describes them ('tickets sold')."""
    if draft.time_dim is None or draft.range is not None or draft.grain is not None:
        return
    if draft.time_grouped or draft.trend:
        return
    words = [e.text for e in draft.explanation if e.kind == "time_dimension"]
    if not words:
        return
    if not draft.date_before_noun:  # 'tickets sold', 'damage reports': describes the rows
        draft.assumptions.append(
            f"read '{words[0]}' as naming the date '{draft.time_dim}' with no period:"
            " every row is counted"
        )
        return
    raise refusal(
        f"'{words[0]}' names a date ({draft.time_dim}) but no period or"
        " breakdown by it; say which period (e.g. 'last month') or ask 'by month'.",
        unmatched=words[:1],
        suggestions=suggestions(lex, words[:1]),
    )


def _asked(draft: Draft) -> bool:
    """The question asks for some measure: a metric or an ad-hoc aggregate."""
    return bool(draft.metrics or draft.aggregates)


def _aggregate_table(aggregate: ColumnAggregate, lex: Lexicon) -> str:
    if aggregate.dimension is not None:
        return lex.dimensions[aggregate.dimension].table
    return lex.metrics[aggregate.metric or ""].table or ""


def _filters(draft: Draft) -> list[QueryFilter]:
    out: list[QueryFilter] = []
    for (dim, neg), values in draft.filters.items():
        vals = list(dict.fromkeys(values))
        if len(vals) == 1:
            out.append(QueryFilter(field=dim, op="!=" if neg else "=", values=vals))
        else:
            out.append(QueryFilter(field=dim, op="not_in" if neg else "in", values=vals))
    return out + draft.dim_filters


def _fresh(draft: Draft, filters: list[QueryFilter], lex: Lexicon) -> SemanticQuery:
    time = None
    if draft.range is not None or draft.grain is not None or draft.time_dim is not None:
        time = TimeSpec(dimension=draft.time_dim, grain=draft.grain, range=draft.range)
    q = SemanticQuery(
        metrics=list(draft.metrics),
        aggregates=list(draft.aggregates),
        dimensions=list(draft.dimensions),
        keys=list(draft.keys),
        time=time,
        filters=filters,
        metric_filters=list(draft.metric_filters),
        absent=list(draft.absent),
    )
    _order(q, draft, follow=False)
    _refuse_unranked_place(draft, bool(q.order))
    _refuse_place_among_names(q, lex)
    return q


def _refuse_unranked_place(draft: Draft, ranked: bool) -> None:
    """'the second highest price' read as no ranking of rows: the place would be dropped."""
    if draft.rank_exact is None or ranked:
        return
    words = [e.text for e in draft.explanation if e.kind == "limit" and e.target.startswith("rank")]
    raise refusal(
        f"'{words[0] if words else 'second'}' asks for one place of a ranking; name the things"
        " to rank ('which products have the second highest price').",
        unmatched=words,
    )


def _refuse_place_among_names(q: SemanticQuery, lex: Lexicon) -> None:
    """'the second highest' over rows grouped by their names with no key: namesakes would be
    merged, and the place of a merged group means nothing. Refused by name."""
    if q.rank is None or q.keys:
        return
    for name in q.dimensions:
        dim = lex.dimensions[name]
        if dim.type == "string" and (dim.via is not None or name_dimension(dim.table, lex) == name):
            raise refusal(
                f"A place in a ranking of '{dim.label or name}' needs rows told apart by a key;"
                " names may repeat.",
                unmatched=[dim.label or name],
                suggestions={"metrics": list(q.metrics), "dimensions": [name]},
            )


def _order(q: SemanticQuery, draft: Draft, follow: bool) -> None:
    if draft.order_desc is None or (
        follow and q.order and draft.order_metric is None and draft.limit is None
    ):
        return
    grouped = bool(q.dimensions) or bool(q.time and q.time.grain)
    if not grouped:
        raise refusal("Ranking needs a breakdown: by which dimension or period?")
    measures = [*q.metrics, *(a.name for a in q.aggregates)]
    field = draft.order_metric or (measures[0] if len(measures) == 1 else None)
    if field is None:
        raise clarification(
            "Rank by which metric?",
            ambiguous="order",
            candidates=[{"kind": "metric", "metric": m} for m in measures],
        )
    q.order = [OrderBy(field=field, desc=draft.order_desc)]
    if draft.rank_exact is not None:
        q.rank, q.limit = draft.rank_exact, None
    elif draft.limit is not None:
        q.limit = draft.limit
    elif draft.rank_single:
        q.limit = 1
    elif "top_no_n" in draft.cues:
        q.limit = 10
        draft.assumptions.append("'top' without a number: showing 10")


def _check(q: SemanticQuery, draft: Draft, lex: Lexicon) -> None:
    if "distinct_as_count" in draft.cues and q.time is not None and q.time.range is not None:
        raise refusal(
            "'unique' in a period asks for those active in it; the metric"
            " counts rows by their own date. Name a distinct-count metric.",
            unmatched=["unique"],
            suggestions={
                "metrics": [m.name for m in lex.metrics.values() if m.agg == "count_distinct"],
                "dimensions": [],
            },
        )
    if not q.metrics and not q.aggregates:
        raise refusal("Which metric? The question names none.", suggestions=suggestions(lex, []))
    if q.absent and any(lex.metrics[m].table != draft.row_entity for m in q.metrics):
        raise refusal(
            f"'No/never' applies to the rows of {draft.row_entity}; ask for"
            " their count or for a list of them.",
            unmatched=[e.text for e in draft.explanation if e.kind == "filter"][:1],
            suggestions=suggestions(lex, []),
        )
    if q.metric_filters and not q.dimensions and not (q.time and q.time.grain):
        raise refusal(
            "A threshold on a metric needs a breakdown (e.g. 'regions with revenue over 1000').",
            suggestions={"metrics": [f.field for f in q.metric_filters], "dimensions": []},
        )
    if q.time and (q.time.range or q.time.grain) and q.time.dimension is None:
        for m in q.metrics:
            metric = lex.metrics[m]
            if metric.time_dimension or metric.type in {"ratio", "derived"}:
                continue
            dates = [
                x for x in lex.dimensions.values() if x.type == "time" and x.table == metric.table
            ]
            if len(dates) != 1:
                raise refusal(
                    f"Metric '{m}' has no default date; say which date to use.",
                    suggestions={"metrics": [], "dimensions": [x.name for x in dates]},
                )
            q.time.dimension = dates[0].name
            draft.assumptions.append(f"used '{dates[0].name}' as the date of '{m}'")


def _plan(q: SemanticQuery, draft: Draft, seg: Segmented, follow: bool) -> Plan:
    explanation = [Explained(text=a, kind="typo", target=b) for a, b in seg.corrections]
    explanation += draft.explanation
    assumptions = [f"read '{a}' as '{b}'" for a, b in seg.corrections] + draft.assumptions
    rng = q.time.range if q.time else None
    time_text = describe(rng) if rng is not None else None
    if time_text:
        assumptions.append(f"interpreted {time_text}")
    if follow:
        explanation.append(
            Explained(
                text=" ".join(t.text for t in seg.tokens), kind="follow_up", target="previous"
            )
        )
    return Plan(
        query=q,
        explanation=explanation,
        time_range_text=time_text,
        is_follow_up=follow,
        assumptions=assumptions,
    )
