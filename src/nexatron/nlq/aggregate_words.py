"""Pass: aggregation words over a column no metric aggregates that way become ad-hoc aggregates.

'the highest and lowest ticket prices', 'average, minimum and maximum age', 'the earliest hire
date', 'how many different cities': each word maps to an aggregate (by the column's type: the
oldest age is the largest, the oldest date the smallest) over a numeric or date dimension, or over
the column a simple metric aggregates. Where a metric already defines that aggregate of that
column it is used instead. Superlatives ('highest') are read this way only when the question asks
for no grouping or ranking of things ('which airline has the highest ...' is a ranking).
"""

from __future__ import annotations

from typing import cast

from nexatron.nlq.count_nouns import numeric_column_of_count_noun
from nexatron.nlq.errors import clarification, refusal
from nexatron.nlq.plan import Explained
from nexatron.nlq.readings import Reading, agg_cue_before, own_column
from nexatron.nlq.state import ParseState
from nexatron.nlq.text import stem, words_of
from nexatron.nlq.word_lists import NO_SUM
from nexatron.semantic.column_aggregates import AGG_LABELS, column_label
from nexatron.semantic.model import ColumnAgg, ColumnAggregate, Dimension, Metric

# word -> (aggregate of a number, aggregate of a date); None: the word does not fit that type
_SUPERLATIVES: dict[str, tuple[str | None, str | None]] = {
    "highest": ("max", "max"),
    "maximum": ("max", "max"),
    "max": ("max", "max"),
    "largest": ("max", None),
    "biggest": ("max", None),
    "heaviest": ("max", None),
    "greatest": ("max", None),
    "longest": ("max", None),
    "most expensive": ("max", None),
    "lowest": ("min", "min"),
    "minimum": ("min", "min"),
    "min": ("min", "min"),
    "smallest": ("min", None),
    "lightest": ("min", None),
    "shortest": ("min", None),
    "cheapest": ("min", None),
    "least expensive": ("min", None),
    "oldest": ("max", "min"),
    "youngest": ("min", "max"),
    "earliest": (None, "min"),
    "first": (None, "min"),
    "latest": (None, "max"),
    "last": (None, "max"),
    "newest": (None, "max"),
    "most recent": (None, "max"),
}
_PLAIN: dict[str, str] = {
    "average": "avg",
    "avg": "avg",
    "mean": "avg",
    "median": "median",
    "total": "sum",
    "sum": "sum",
    "combined": "sum",
}
_DISTINCT = frozenset({"different", "distinct", "unique", "separate"})
_COUNT_AGGS = frozenset({"total", "sum", "combined", "overall"})
_GLUE = frozenset({"and", "the", ",", "&", "or"})
# A superlative in a question naming things to rank or group is a ranking, not an aggregate.
_RANKING = frozenset({"which", "who", "whom", "whose", "by", "per", "each", "every", "top"})
_WHO = frozenset({"which", "who", "whom", "whose"})
_RANK_LEADS = frozenset({"has", "have", "had", "with", "having"})


def _word_at(state: ParseState, position: int) -> tuple[str, int] | None:
    """The aggregation word ending at `position` and where it starts ('most expensive')."""
    if position < 0 or state.items[position].kind not in {"word", "unknown"}:
        return None
    low = state.low(position)
    pair = f"{state.low(position - 1)} {low}"
    if position >= 1 and pair in _SUPERLATIVES:
        return pair, position - 1
    if low in _SUPERLATIVES or low in _PLAIN:
        return low, position
    return None


def _elided(state: ParseState, position: int, later: str) -> str | None:
    """'most' in 'most and least expensive': the adjective of the next word ('least expensive')
    is shared, so the word is 'most expensive'."""
    if position < 0 or state.items[position].kind != "word":
        return None
    head, _, adjective = later.partition(" ")
    low = state.low(position)
    if head not in {"most", "least"} or low not in {"most", "least"} or low == head:
        return None
    word = f"{low} {adjective}"
    return word if word in _SUPERLATIVES else None


def _run_before(state: ParseState, position: int) -> list[tuple[str, list[int]]]:
    """The aggregation words before the item at `position` ('longest, shortest and average'),
    each with the item positions it covers, in question order."""
    found: list[tuple[str, list[int]]] = []
    at = position - 1
    while at >= 0:
        if state.items[at].kind == "word" and state.low(at) in _GLUE:
            at -= 1
            continue
        word = _word_at(state, at)
        elided = _elided(state, at, found[-1][0] if found else "")
        if word is None and elided is not None:
            found.append((elided, [at]))  # 'most and least expensive': 'most expensive'
            at -= 1
            continue
        if word is None:
            break
        found.append((word[0], list(range(word[1], at + 1))))
        at = word[1] - 1
    return found[::-1]


def _column_of(state: ParseState, reading: Reading) -> tuple[Dimension | None, Metric | None]:
    """The numeric or date column a reading names: a dimension, or one column that the
    reading's metrics all aggregate (one of them an average: a per-row measure)."""
    lex = state.lex
    if reading.kind == "dimension":
        dims = [lex.dimensions[t] for t in reading.targets]
        usable = [d for d in dims if d.type in {"number", "time"}]
        return (usable[0], None) if len(usable) == 1 else (None, None)
    if reading.kind != "metric":
        return None, None
    metrics = [lex.metrics[t] for t in reading.targets]
    columns = {(m.table, (m.expr or "").strip()) for m in metrics}
    if len(columns) != 1 or any(
        m.type != "simple" or m.agg not in {"sum", "avg", "min", "max", "median"} for m in metrics
    ):
        return None, None
    _, expr = columns.pop()
    if not expr or expr == "*":
        return None, None
    # a per-row measure: the word itself names an average, highest or lowest ('ticket price'),
    # not only a total ('revenue': its highest is a ranking question)
    averaged = any(m.agg in {"avg", "min", "max", "median"} and not m.filter for m in metrics)
    chosen = sorted(metrics, key=lambda m: (bool(m.filter), m.agg != "avg", m.name))[0]
    return (None, chosen) if averaged else (None, None)


def _names_a_year(dim: Dimension | None, metric: Metric | None) -> bool:
    """A number column holding a calendar year ('year_built', 'foundedYear'): its oldest and
    earliest are its smallest, as for a date ('years_experience' is a length, not a year)."""
    if dim is not None:
        named = f"{dim.name} {dim.expr}"
    elif metric is not None:
        named = f"{metric.name} {metric.expr or ''}"
    else:
        return False
    return "year" in words_of(named)


def _table(dim: Dimension | None, metric: Metric | None) -> str:
    return dim.table if dim is not None else (metric.table or "" if metric else "")


def _qualifier_before(
    state: ParseState, position: int, dim: Dimension | None, metric: Metric | None
) -> int | None:
    """'route distances', 'ticket prices': the noun of the column's own table right before it
    only says whose column; the aggregation words come before that noun."""
    before = position - 1
    item = state.items[before] if before >= 0 else None
    if item is None or item.kind != "lexicon" or before in state.used:
        return None
    return before if _table(dim, metric) in _item_tables(state, before) else None


def _own_value_at(state: ParseState, position: int, table: str) -> bool:
    """The item at `position` is a value of one of `table`'s own columns ('dog' of species)."""
    reading = state.reading(position) if position >= 0 else None
    if reading is None or reading.kind != "value" or position in state.used:
        return False
    dims = [state.lex.dimensions[t] for t in reading.targets if t in state.lex.dimensions]
    return bool(dims) and all(d.table == table for d in dims)


def _item_tables(state: ParseState, position: int) -> set[str]:
    """The tables the item at `position` names (as an entity, a metric or a dimension)."""
    lex, tables = state.lex, set()
    for e in state.items[position].entries:
        if e.kind == "entity":
            tables.add(e.target)
        elif e.kind == "metric":
            tables.add(lex.metrics[e.target].table or "")
        elif e.kind == "dimension":
            tables.add(lex.dimensions[e.target].table)
    return tables


def _inner_word(state: ParseState, position: int, metric: Metric | None) -> str | None:
    """'average repair cost', 'lowest ticket prices' matched whole: its own aggregation word,
    when it is the metric's."""
    words = state.items[position].text.lower().split()
    if metric is None or len(words) < 2:
        return None
    pair = " ".join(words[:2])
    first = pair if pair in _SUPERLATIVES else words[0]
    if len(first.split()) >= len(words):
        return None
    agg = _PLAIN.get(first) or (_SUPERLATIVES.get(first) or (None, None))[0]
    return first if agg is not None and agg == metric.agg else None


def _existing(state: ParseState, agg: str, dim: Dimension | None, metric: Metric | None) -> str:
    """A metric that already defines `agg` of this column, or ''."""
    if dim is not None:
        table, expr, flt = dim.table, dim.expr.strip(), []
    else:
        assert metric is not None
        table, expr, flt = metric.table or "", (metric.expr or "").strip(), metric.filter
    same = [
        m.name
        for m in state.lex.metrics.values()
        if m.type == "simple"
        and m.table == table
        and m.agg == agg
        and (m.expr or "").strip() == expr
        and m.filter == flt
    ]
    return same[0] if len(same) == 1 else ""


def _add(
    state: ParseState,
    agg: str,
    dim: Dimension | None,
    metric: Metric | None,
    text: str,
    *,
    alone: bool = True,
) -> None:
    """Add `agg` of the column; a metric defining it is used when it is the only one asked for
    (several keep the question's order as ad-hoc aggregates)."""
    draft = state.draft
    name = _existing(state, agg, dim, metric) if alone else ""
    if name:
        if name not in draft.metrics:
            draft.metrics.append(name)
        label = state.lex.metrics[name].label or name
        draft.explanation.append(Explained(text=text, kind="metric", target=name, detail=label))
        return
    aggregate = ColumnAggregate(
        agg=cast(ColumnAgg, agg),
        dimension=dim.name if dim else None,
        metric=metric.name if metric else None,
    )
    if aggregate not in draft.aggregates:
        draft.aggregates.append(aggregate)
    column = dim.label or dim.name if dim else column_label(metric.label or metric.name)  # type: ignore[union-attr]
    draft.explanation.append(
        Explained(
            text=text,
            kind="metric",
            target=aggregate.name,
            detail=f"{AGG_LABELS[agg].lower()} {column.lower()}",
        )
    )


def aggregate_words(state: ParseState) -> None:
    """Aggregation words before a numeric or date column become aggregates of that column."""
    lows = {t.low for t in state.seg.tokens}
    for position, reading in enumerate(state.readings):
        if reading is None or position in state.used:
            continue
        dim, metric = _column_of(state, reading)
        counted_noun = dim is None and metric is None
        if counted_noun:  # 'average test score': the table TestScore and its column Score
            dim = numeric_column_of_count_noun(state, reading)
        if dim is None and metric is None:
            continue
        nxt = state.reading(position + 1)
        if (
            nxt is not None
            and nxt.kind in {"metric", "dimension"}
            and position + 1 not in state.used
            and _table(dim, metric) in _item_tables(state, position + 1)
        ):
            continue  # 'room rack rate': 'room' names whose rate; the column comes next
        qualifier = _qualifier_before(state, position, dim, metric)
        start = position if qualifier is None else qualifier
        value_between = _own_value_at(state, start - 1, _table(dim, metric))
        if value_between:
            start -= 1  # 'the heaviest dog weight': a value of the column's rows; a filter later
        run = _run_before(state, start)
        inner = _inner_word(state, position, metric)
        if inner is not None and run:
            run.append((inner, []))
        if not run or (counted_noun and any(w in _COUNT_AGGS for w, _ in run)):
            continue  # 'total test scores': the count of the rows, read later
        superlative = any(word in _SUPERLATIVES for word, _ in run)
        ranking = lows & _RANKING or state.low(run[0][1][0] - 2) in _RANK_LEADS
        if superlative and ranking and (len(run) == 1 or lows & _WHO):
            continue  # one superlative with a grouping ranks; 'highest and lowest' cannot
        if not superlative and len(run) == 1 and metric is not None and not value_between:
            continue  # 'average fare': the metric reading (and its cue) is read later
        is_date = dim is not None and dim.type == "time"
        year = _names_a_year(dim, metric)
        aggs: list[str] = []
        for word, _ in run:
            if word in _PLAIN:
                aggs.append(_PLAIN[word])
                continue
            number, date = _SUPERLATIVES[word]
            agg = date if is_date or (year and date is not None) else number
            if agg is None:
                aggs = []
                break
            aggs.append(agg)
        if not aggs or (is_date and any(a not in {"min", "max"} for a in aggs)):
            continue
        _refuse_sum_of_rates(state, aggs, dim, metric, reading)
        text = " ".join(state.items[j].text for _, span in run for j in span)
        text = f"{text} {reading.item.text}"
        for agg in aggs:
            _add(state, agg, dim, metric, text, alone=len(aggs) == 1)
        state.used.add(position)
        after = state.items[position + 1] if position + 1 < len(state.items) else None
        if (
            is_date
            and after is not None
            and after.kind == "grain"
            and after.text.lower()
            in {
                "date",
                "day",
                "time",
            }
        ):
            state.used.add(position + 1)  # 'hire date': part of the column's name
            state.aggregate_words.add(position + 1)
        if qualifier is not None:
            state.used.add(qualifier)
            state.draft.entities.append((state.items[qualifier].text, _table(dim, metric)))
        for _, span in run:
            state.used.update(span)
            state.aggregate_words.update(span)
        _context_nouns(state, _table(dim, metric))
        for j in range(run[0][1][0], position):
            if state.items[j].kind == "word" and state.low(j) in _GLUE:
                state.used.add(j)


def _names_own_rows(state: ParseState, at: int, position: int) -> bool:
    """The item at `at` only names the table the dimension at `position` belongs to, and a
    word asking for distinct values comes right before it."""
    r, dim = state.reading(at), state.reading(position)
    if r is None or dim is None or r.kind not in {"metric", "entity"} or at in state.used:
        return False
    if state.low(at - 1) not in _DISTINCT:
        return False
    tables = {state.lex.dimensions[t].table for t in dim.targets}
    own = {e.target for e in r.item.entries if e.kind == "entity"}
    own |= {
        state.lex.metrics[t].table or ""
        for t in r.targets
        if r.kind == "metric" and state.lex.metrics[t].agg == "count"
    }
    return len(tables) == 1 and tables <= own


def _count_before(state: ParseState, position: int) -> list[int] | None:
    """'how many (different)', 'the number of (distinct)', 'count of unique' right before the
    item at `position`: the positions of those words, else None."""
    at = position - 1
    words: list[int] = []
    distinct = False
    if _names_own_rows(state, at, position):
        words.append(at)  # 'different car makes': the noun of the makes' own rows
        at -= 1
    while at >= 0 and state.items[at].kind == "word" and state.low(at) in _DISTINCT | {"the"}:
        distinct = distinct or state.low(at) in _DISTINCT
        words.append(at)
        at -= 1
    reading = state.readings[position]
    plain = reading is not None and all(
        state.lex.dimensions[t].type == "string" for t in reading.targets
    )
    nxt = state.items[position + 1] if position + 1 < len(state.items) else None
    if not distinct and (not plain or (nxt is not None and nxt.kind == "lexicon")):
        return None  # 'number of ticket sales': a count of rows, not of values
    if at >= 0 and state.items[at].kind == "cue" and state.items[at].cue == "count":
        return [*words, at]
    if at >= 1 and state.low(at) == "of" and state.low(at - 1) in {"number", "count"}:
        return [*words, at, at - 1] + ([at - 2] if state.low(at - 2) == "the" else [])
    if distinct and at >= 0 and state.low(at) in {"count", "counted"}:
        return [*words, at]
    return None


def distinct_counts(state: ParseState) -> None:
    """'How many different cities do our suppliers come from?': a count of a dimension's
    values (one number, COUNT(DISTINCT city)), not a row per city. The table's own noun in the
    same question ('suppliers') only says whose values."""
    lex = state.lex
    for position, reading in enumerate(state.readings):
        if reading is None or position in state.used or reading.kind != "dimension":
            continue
        words = _count_before(state, position)
        if words is None:
            continue
        if any(e.kind == "entity" for e in reading.item.entries):
            continue  # 'how many customers': the rows of a table, a count metric
        dims = [lex.dimensions[t] for t in reading.targets]
        dims = [d for d in dims if d.type != "time"]
        named = _tables_named(state, position)
        if len(dims) > 1:
            dims = [d for d in dims if d.table in named] or dims
        own = own_column([d.name for d in dims], lex) if named else None
        dims = [lex.dimensions[own]] if own is not None else dims
        if not dims:
            continue
        if len(dims) != 1:
            raise clarification(
                f"'{reading.item.text}' could mean several dimensions.",
                ambiguous=reading.item.text,
                candidates=[{"kind": "dimension", "dimension": d.name} for d in dims],
            )
        dim = dims[0]
        text = " ".join(state.items[j].text for j in sorted(words)) + f" {reading.item.text}"
        _add(state, "count_distinct", dim, None, text)
        state.used.add(position)
        state.used.update(words)
        _context_nouns(state, dim.table)
        _at_least_one_row(state, dim.table)
        _refuse_other_rows(state, dim)


def _at_least_one_row(state: ParseState, table: str) -> None:
    """'number of cities with at least one restaurant': every value counted has a row of its
    own table, so 'at least one' before that table's noun (read as context) adds no condition."""
    for j, it in enumerate(state.items):
        if j in state.used or it.kind != "cue" or state.low(j) != "at least":
            continue
        one = state.items[j + 1] if j + 1 < len(state.items) else None
        if one is None or one.kind != "number" or one.number != 1 or j + 2 not in state.used:
            continue
        if (state.items[j + 2].text, table) in state.draft.entities:
            state.used.update({j, j + 1})


def _tables_named(state: ParseState, skip: int) -> set[str]:
    tables: set[str] = set()
    for j, item in enumerate(state.items):
        if j == skip:
            continue
        tables |= {e.target for e in item.entries if e.kind == "entity"}
        tables |= {
            state.lex.metrics[e.target].table or "" for e in item.entries if e.kind == "metric"
        }
    return tables


def _context_nouns(state: ParseState, table: str) -> None:
    """Count metrics naming the rows of `table` ('suppliers') are context of the count."""
    for j, r in enumerate(state.readings):
        if r is None or j in state.used or r.kind != "metric":
            continue
        tables = {e.target for e in r.item.entries if e.kind == "entity"}
        counts = all(state.lex.metrics[t].agg == "count" for t in r.targets)
        cue = agg_cue_before(state.items, j, state.seg.tokens)
        if table in tables and counts and cue is None:
            state.used.add(j)
            state.draft.entities.append((r.item.text, table))


def _refuse_other_rows(state: ParseState, dim: Dimension) -> None:
    """'How many different cities do candidates come from?' with cities in their own table:
    the count is over the candidates' cities, which an aggregate of the cities table is not."""
    for j, r in enumerate(state.readings):
        if r is None or j in state.used or r.kind != "metric":
            continue
        if agg_cue_before(state.items, j, state.seg.tokens) is not None:
            continue
        if all(state.lex.metrics[t].agg == "count" for t in r.targets):
            raise refusal(
                f"A count of different '{dim.label or dim.name}' values among"
                f" '{r.item.text}' (another table) is not supported yet.",
                unmatched=[r.item.text],
                suggestions={"metrics": [], "dimensions": [dim.name]},
            )


def _refuse_sum_of_rates(
    state: ParseState,
    aggs: list[str],
    dim: Dimension | None,
    metric: Metric | None,
    reading: Reading,
) -> None:
    """'total monthly price': a price, rate, age or score added up means nothing."""
    if "sum" not in aggs or (metric is not None and _existing(state, "sum", dim, metric)):
        return
    column = dim.expr if dim is not None else (metric.expr or "" if metric else "")
    named = f"{dim.name if dim else ''} {column} {reading.item.text}"
    if {stem(w) for w in words_of(named)} & {stem(w) for w in NO_SUM}:
        raise refusal(
            f"'{reading.item.text}' is not something to add up; ask for its"
            " average, highest or lowest instead.",
            unmatched=[f"total {reading.item.text}"],
            suggestions={"metrics": [], "dimensions": [dim.name] if dim else []},
        )
