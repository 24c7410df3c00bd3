"""Time ranges and grains, ranking, and numeric comparisons of a question being interpreted."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from nexatron.nlq.errors import refusal
from nexatron.nlq.implicit_counts import FREQUENCY_WORDS
from nexatron.nlq.plan import Explained
from nexatron.nlq.repeat_counts import times_threshold
from nexatron.nlq.text import stem
from nexatron.nlq.thresholds import Comparison, attach, price_verb
from nexatron.nlq.word_lists import (
    ASC_WORDS,
    COMPARATIVE_HINTS,
    DESC_WORDS,
    MEASURE_VERBS,
    UNITS,
)
from nexatron.semantic.model import Grain, QueryFilter, TimeRange

if TYPE_CHECKING:
    from nexatron.nlq.items import Item
    from nexatron.nlq.state import ParseState

_PERIOD_GLUE = frozenset({"to", "with", "and", "the", "in", "of", "against"})
_COMPARE = frozenset({"vs", "versus", "compared", "compare", "comparing", "comparison"})


def times(state: ParseState) -> None:
    """Date ranges, grains and trend words."""
    for k, it in enumerate(state.items):
        if it.kind == "time":
            if state.draft.range is not None and compared_periods(state, k):
                continue
            if state.draft.range is not None:
                raise refusal(
                    "The question names two date ranges; ask one at a time.", unmatched=[it.text]
                )
            state.draft.range, state.draft.range_grain = it.time, it.grain
            state.used.add(k)
            state.draft.explanation.append(
                Explained(text=it.text, kind="time_range", target="range")
            )
        elif k in state.aggregate_words:
            continue  # 'the earliest hire date': 'date' names the column, not a grain
        elif it.kind == "grain" or (it.kind == "cue" and it.cue.startswith("grain:")):
            grain = it.grain or cast(Grain, it.cue.split(":")[1])
            state.draft.grain = grain
            state.used.add(k)
            state.draft.explanation.append(Explained(text=it.text, kind="grain", target=str(grain)))
        elif it.kind == "cue" and it.cue == "trend":
            state.draft.trend = True
            state.used.add(k)


def compared_periods(state: ParseState, position: int) -> bool:
    """'2024 vs 2025', 'this year versus last year': two neighbouring periods of one grain,
    compared side by side, read as both periods grouped by that grain."""
    it, first, grain = state.items[position], state.draft.range, state.draft.range_grain
    if first is None or it.time is None or grain is None or it.grain != grain:
        return False
    j = position - 1
    while j >= 0 and state.items[j].kind == "word" and state.low(j) in _COMPARE | _PERIOD_GLUE:
        j -= 1
    words = {state.low(x) for x in range(j + 1, position)}
    if j < 0 or state.items[j].kind != "time" or not words & _COMPARE:
        return False
    if grain == "day" or state.draft.grain not in {None, grain}:
        return False
    a, b = sorted([first, it.time], key=lambda r: str(r.start))
    if a.start is None or b.end is None or a.end != b.start:
        return False
    state.draft.range = TimeRange(start=a.start, end=b.end, label=f"{a.label} and {b.label}")
    state.draft.grain = grain
    state.used.add(position)
    state.draft.explanation.append(Explained(text=it.text, kind="time_range", target="range"))
    state.draft.assumptions.append(f"compared {a.label} and {b.label} by {grain}")
    return True


def ranking(state: ParseState) -> None:
    """Top/bottom N, superlatives, sort words and their direction."""
    draft = state.draft
    _ordinal_place(state)
    for k, it in enumerate(state.items):
        low = state.low(k)
        if k in state.used and k in state.aggregate_words:
            continue  # 'the highest price': an aggregate, not a ranking
        if k in state.used and draft.row_order:
            continue  # 'the 3 most expensive products': read by `ranked_rows` already
        if it.kind == "cue" and it.cue in {"common", "rare"}:
            draft.order_desc = it.cue == "common"
            draft.rank_single = True
            draft.cues.update({"common", "frequency"})
            state.used.add(k)
        elif it.kind == "cue" and it.cue == "sortby":
            draft.cues.add("sortby")
            state.used.add(k)
            if draft.order_desc is None:
                draft.order_desc = True
            rank_metric_after(state, k)
        elif low in {"top", "bottom", "first"} and it.kind == "word":
            draft.order_desc = low != "bottom"
            state.used.add(k)
            nxt = state.items[k + 1] if k + 1 < len(state.items) else None
            if (
                nxt
                and nxt.kind == "number"
                and nxt.number
                and nxt.number.is_integer()
                and nxt.number >= 1
            ):
                draft.limit = int(nxt.number)
                state.used.add(k + 1)
                draft.explanation.append(
                    Explained(text=f"{it.text} {nxt.text}", kind="limit", target=str(draft.limit))
                )
            elif nxt is not None and nxt.kind == "word" and nxt.text.lower() == "one":
                draft.limit = 1
                state.used.add(k + 1)
                draft.explanation.append(
                    Explained(text=f"{it.text} {nxt.text}", kind="limit", target="1")
                )
            else:
                draft.cues.add("top_no_n")
                if state.low(k - 1) == "the" and (nxt is None or nxt.kind == "word"):
                    draft.rank_single = True  # 'just the top', 'the top of them'
        elif it.kind == "word" and (low in DESC_WORDS or low in ASC_WORDS):
            if (
                low in {"max", "maximum", "min", "minimum"}
                and not draft.dimensions
                and draft.grain is None
            ):
                continue
            draft.order_desc = low in DESC_WORDS
            draft.cues.add("superlative")
            if state.low(k - 1) == "the":
                draft.cues.add("the_superlative")  # 'have the highest', 'with the most'
            if low in FREQUENCY_WORDS:
                draft.cues.add("frequency")
            state.used.add(k)
            rank_metric_after(state, k)
        elif it.kind == "word" and low in {"ranked", "ranking"}:
            draft.cues.add("sortby")
            state.used.add(k)
            if draft.order_desc is None:
                draft.order_desc = True
        elif it.kind == "word" and low in {"ascending", "asc", "increasing"}:
            draft.order_desc = False
            draft.cues.add("sortdir")
        elif it.kind == "word" and low in {"descending", "desc", "decreasing"}:
            draft.order_desc = True
            draft.cues.add("sortdir")
    _superlative_metric(state)
    _superlative_of_a_label(state)
    _number_of_ranked_things(state)
    if draft.cues & {"superlative", "common", "top_no_n"} and draft.limit is None:
        draft.rank_single = draft.rank_single or singular_subject(state)
    _top_of_plural_which(state)


def _top_of_plural_which(state: ParseState) -> None:
    """'Which models have the highest daily rate?': a plural subject asks for every thing tied
    at the top, not for all of them sorted; the top one and its ties are kept (announced)."""
    draft = state.draft
    if draft.rank_single or draft.limit is not None or "the_superlative" not in draft.cues:
        return
    if draft.cues & {"sortby", "top_no_n", "common"}:
        return
    if not {t.low for t in state.seg.tokens} & {"which", "what", "who"}:
        return
    draft.rank_single = True
    draft.assumptions.append(
        "read the plural 'which ... the highest/lowest' as the top one and every one tied with it"
    )


_ORDINALS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "2nd": 2, "3rd": 3, "4th": 4}
_PLACE_NAMES = {2: "second", 3: "third", 4: "fourth", 5: "fifth"}
_TIED = frozenset({"tied", "joint", "equal"})
_SHARE = frozenset({"share", "shares", "sharing"})


def _tie_words(state: ParseState, k: int) -> list[int]:
    """'tied for (the) second': words saying the rows at the place tie, which a dense rank keeps
    anyway."""
    j = k - 1 if state.low(k - 1) == "the" else k
    if state.low(j - 1) == "for" and state.low(j - 2) in _TIED:
        return list(range(j - 2, k))
    if state.low(j - 1) in _SHARE:  # 'which departments share the third-largest budget'
        return list(range(j - 1, k))
    return []


def _ordinal_place(state: ParseState) -> None:
    """'the second highest', 'third-largest', 'tied for second place': an ordinal right before
    a superlative (or 'place') keeps only the rows at that place of the ranking (dense: every
    row tied there, `Draft.rank_exact`), announced. The superlative itself is read as usual."""
    draft = state.draft
    for k, it in enumerate(state.items[:-1]):
        place = _ORDINALS.get(state.low(k))
        if place is None or k in state.used or it.kind not in {"word", "unknown"}:
            continue
        nxt = (state.low(k + 1).split() or [""])[0]  # 'largest budget' matched whole
        superlative = nxt in DESC_WORDS | ASC_WORDS or (nxt.endswith("est") and len(nxt) > 4)
        if not superlative and nxt != "place":
            continue
        words = [k]
        if nxt == "place":
            words.append(k + 1)
            if draft.order_desc is None:
                draft.order_desc = True
            draft.cues.add("superlative")
            rank_metric_after(state, k + 1)
        words += _tie_words(state, k)

        draft.rank_exact = place
        draft.rank_single = True
        state.used.update(words)
        text = " ".join(state.items[j].text for j in sorted(words))
        draft.explanation.append(Explained(text=text, kind="limit", target=f"rank {place}"))
        draft.assumptions.append(
            f"read '{text}' as only the rows ranked {_PLACE_NAMES[place]} (every row tied there)"
        )
        return


def _superlative_metric(state: ParseState) -> None:
    """'Which stadium has the largest capacity?': a metric named by a superlative ('Highest
    capacity') in a question asking which thing ranks the things by it; an ordinal place asks
    for a ranking too ('teams with the second-largest stadium capacity')."""
    draft = state.draft
    lows = {t.low for t in state.seg.tokens}
    asks = bool(lows & {"which", "what"}) or draft.rank_exact is not None
    if draft.order_desc is not None or not draft.dimensions or not asks:
        return
    for k, name in state.metric_at.items():
        if name not in draft.metrics:
            continue
        first = state.low(k).split()[0] if state.low(k) else ""
        if first in DESC_WORDS or first in ASC_WORDS:
            draft.order_metric, draft.order_desc = name, first in DESC_WORDS
            draft.cues.add("superlative")
            if state.low(k - 1) == "the":
                draft.cues.add("the_superlative")
            return


def _superlative_of_a_label(state: ParseState) -> None:
    """'Which team has the biggest stadium?': a size superlative right before a text column
    says nothing about what measures it; with no metric ranked, the count of the grouped rows
    would answer another question. Refused by name."""
    draft = state.draft
    if draft.order_metric is not None or "sortby" in draft.cues:
        return
    for k in range(len(state.items) - 1):
        low = state.low(k)
        if low not in DESC_WORDS | ASC_WORDS or low in FREQUENCY_WORDS | _RANK_PLACES:
            continue
        if k in state.aggregate_words:
            continue  # 'the lowest dish prices': an aggregate of the prices, the dish their rows
        nxt = state.readings[k + 1]
        if nxt is None or nxt.kind != "dimension" or k + 1 in state.aggregate_words:
            continue
        if all(state.lex.dimensions[t].type == "string" for t in nxt.targets):
            text = f"{state.items[k].text} {nxt.item.text}"
            raise refusal(
                f"Could not tell what measures '{text}'.",
                unmatched=[text],
                suggestions={"metrics": list(draft.metrics), "dimensions": list(nxt.targets)},
            )


def _number_of_ranked_things(state: ParseState) -> None:
    """'the 3 clients with the highest total balance': a whole number between 'the' (or
    'which') and the grouped things is how many to show."""
    draft = state.draft
    if draft.limit is not None or "superlative" not in draft.cues or not draft.dimensions:
        return
    for k, it in enumerate(state.items[:-1]):
        r = state.readings[k + 1]
        whole = it.number is not None and it.number.is_integer() and it.number >= 1
        if it.kind != "number" or not whole or k in state.used or state.low(k - 1) not in _LEADS:
            continue
        if r is not None and r.kind in {"entity", "dimension"} and set(r.targets) & _grouped(state):
            draft.limit = int(it.number or 1)
            state.used.add(k)
            draft.explanation.append(Explained(text=it.text, kind="limit", target=str(draft.limit)))
            return


def _grouped(state: ParseState) -> set[str]:
    """The grouped dimensions, and the tables of grouped entities."""
    tables = {state.lex.dimensions[d].table for d in state.draft.dimensions}
    return set(state.draft.dimensions) | tables


_LEADS = frozenset({"the", "which", "what"})
_RANK_PLACES = frozenset({"top", "bottom", "first", "max", "min", "maximum", "minimum"})


def rank_metric_after(state: ParseState, position: int) -> None:
    for j in range(position + 1, min(position + 4, len(state.items))):
        r = state.readings[j]
        if r is not None and r.kind == "metric" and j in state.metric_at:
            state.draft.order_metric = state.metric_at[j]
            if state.draft.order_metric not in state.draft.metrics:
                state.draft.metrics.append(state.draft.order_metric)
            return


def singular_subject(state: ParseState) -> bool:
    """'which region' / 'best month' (one answer) vs 'which regions' (a ranking)."""
    for k, it in enumerate(state.items):
        r = state.readings[k]
        if (r and r.kind in {"dimension", "entity"}) or it.kind == "grain":
            if it.kind == "grain" and it.text.lower() in {
                "monthly",
                "weekly",
                "daily",
                "yearly",
                "quarterly",
            }:
                continue
            last = it.text.lower().split()[-1]
            return not (last.endswith("s") and stem(last) != last)
    return False


def comparisons(state: ParseState) -> None:
    """Numeric thresholds ('over 100', 'between 10 and 20'), attached to what they bound."""
    row_filters = len(state.draft.dim_filters)
    for k, it in enumerate(state.items):
        if it.kind != "cue" or not it.cue.startswith("cmp:") or k in state.used:
            continue
        op = it.cue[4:]
        nums = numbers_after(state, k, 2 if op == "between" else 1)
        if op in {">=", "<="} and it.text.lower().startswith("or") and k > 0:
            nums = [state.items[k - 1]] if state.items[k - 1].kind == "number" else []
        if not nums:
            continue
        state.used.add(k)
        for n in nums:
            state.used.add(state.items.index(n))
        comp = Comparison(
            op, [float(n.number or 0) for n in nums], k, nums[0].currency, nums[0].percent
        )
        after = state.items.index(nums[-1]) + 1
        if after < len(state.items) and state.low(after) in UNITS:
            comp.unit = state.low(after)
            state.used.add(after)
        elif after < len(state.items) and state.low(after) == "times" and op in _COUNTED_OPS:
            state.used.add(after)  # 'admitted more than 6 times': events per row
            times_threshold(state, comp)
            continue
        comp.hint = COMPARATIVE_HINTS.get(it.text.lower().split()[0], "") or price_verb(state, k)
        verb = state.low(k - 1)
        if not comp.hint and verb in MEASURE_VERBS and k - 1 not in state.used:
            comp.hint = MEASURE_VERBS[verb]  # 'employees earn more than 100000': the salary
            state.used.add(k - 1)
            state.draft.explanation.append(
                Explained(text=state.items[k - 1].text, kind="context", target=comp.hint)
            )
        attach(state, comp)
    counted_equal(state)
    if len(state.draft.dim_filters) > row_filters and not _asks_for_a_number(state):
        nouns = [state.lex.metrics[m].label or m for m in state.draft.metrics]
        state.draft.assumptions.append(
            f"answered with the number of rows that match ({', '.join(nouns)}): the question"
            " names no count or aggregate, and a list of the rows themselves may be meant"
        )


_COUNTED_OPS = frozenset({">", ">=", "<", "<=", "="})
_NUMBER_WORDS = frozenset({"how", "number", "count", "total", "sum", "average", "avg", "mean"})


def _asks_for_a_number(state: ParseState) -> bool:
    """'how many', 'number of', 'total', 'average': the question asks for a number."""
    if state.draft.aggregates or any(it.kind == "cue" and it.cue == "count" for it in state.items):
        return True
    return bool({t.low for t in state.seg.tokens} & _NUMBER_WORDS)


_HAVE = frozenset({"have", "has", "had", "with", "worth", "of"})


def counted_equal(state: ParseState) -> None:
    """'How many hotels have 5 stars?', 'courses worth 4 credits': a number right before a
    numeric column of the counted rows (after 'have', 'with', 'worth') is that column's value."""
    if not any(it.kind == "cue" and it.cue == "count" for it in state.items):
        return
    counted = {
        state.lex.metrics[m].table
        for m in state.draft.metrics
        if state.lex.metrics[m].agg == "count"
    }
    for k, it in enumerate(state.items):
        if it.kind != "number" or k in state.used or it.number is None or it.currency:
            continue
        if state.low(k - 1) not in _HAVE and not (
            state.items[k - 1].kind in {"word", "unknown"} and state.low(k - 2) in _HAVE
        ):
            continue
        nxt = state.reading(k + 1)
        if nxt is None or any(f.field in nxt.targets for f in state.draft.dim_filters):
            continue
        # the column named directly, or through the metrics that aggregate it ('stars')
        columns = {
            (state.lex.metrics[e.target].table, (state.lex.metrics[e.target].expr or "").strip())
            for e in nxt.item.entries
            if e.kind == "metric"
        }
        dims = {
            d.name
            for d in state.lex.dimensions.values()
            if d.type == "number"
            and d.table in counted
            and (
                (d.table, d.expr.strip()) in columns
                or any(e.kind == "dimension" and e.target == d.name for e in nxt.item.entries)
            )
        }
        if len(dims) != 1:
            continue
        dim = state.lex.dimensions[dims.pop()]
        value = int(it.number) if it.number.is_integer() else it.number
        state.draft.dim_filters.append(QueryFilter(field=dim.name, op="=", values=[value]))
        state.draft.metrics = [m for m in state.draft.metrics if m not in nxt.targets]
        state.draft.dimensions = [d for d in state.draft.dimensions if d != dim.name]
        state.metric_at.pop(k + 1, None)
        state.draft.explanation = [
            e for e in state.draft.explanation if e.text != nxt.item.text
        ]  # read as a metric or a grouping before: now the filter's column
        state.used.update({k, k + 1})
        text = f"{it.text} {nxt.item.text}"
        if state.low(k - 1) == "worth":  # 'worth 4 credits': the verb of the value
            state.used.add(k - 1)
            text = f"{state.items[k - 1].text} {text}"
        state.draft.explanation.append(
            Explained(text=text, kind="filter", target=dim.name, detail=f"= [{value}]")
        )
        state.draft.assumptions.append(f"read '{text}' as {dim.label or dim.name} = {value}")


def numbers_after(state: ParseState, position: int, count: int) -> list[Item]:
    out: list[Item] = []
    for j in range(position + 1, min(position + 5, len(state.items))):
        it = state.items[j]
        if it.kind == "number":
            out.append(it)
            if len(out) == count:
                return out
        elif not (it.kind == "word" and it.text.lower() in {"and", "the", "of", "than"}):
            break
    return out
