"""Passes for row-level questions: anti-joins, row-level rankings and listings.

- `absent_children` (first): 'products never ordered', 'customers without any orders',
  'members who have not borrowed a book': a negation, then a table whose rows point at the rows
  named before it (a many-to-one path, or through one junction table) becomes an anti-join on
  those rows (`Draft.absent`), answered as NOT EXISTS. The verb between ('placed', 'performed')
  only names the relationship (a verb with no noun after it, 'books never borrowed', names the
  parent's only child table, announced); when several relationships lead there the question is
  refused.
  A negated column of the rows themselves ('airlines not in any alliance', 'customers with no
  email') is an IS NULL filter instead.
- `name_words`: in a question asking for rows, a bare 'names' the lexicon does not know is the
  name column of the table named next ('the names and emails of customers').
- `ranked_rows`: 'the 2 youngest singers', 'the 5 most expensive dishes': a superlative right
  before a table's noun, with no column named, ranks its rows by the one column whose name the
  superlative fits (age, price, capacity...), chosen from the column's name and type.
- `row_shape` (last): a question that asks for rows ('list ...', 'show the names and ages of
  ...', 'which stadiums never had a concert', '... and their locations') and aggregates nothing
  becomes a row query: the asked columns of one table (plus many-to-one joined ones), its
  filters, order and limit. Rankings of one table's rows by one of its own columns ('which
  stadium has the largest capacity') are read as row rankings too, so rows that share a name
  stay apart. Columns the question did not name are announced in the assumptions; rows listed
  by their name column carry their key beside it (the query's `keys`), so equal names stay apart.
  A bare noun phrase ('singers older than 40': values, the rows' plural noun, a comparison, no
  question or breakdown word) over rows with no date asks for those rows, the compared column
  shown; over dated rows (events: 'bookings of more than 7 nights') it stays a count, announced.
"""

from __future__ import annotations

from nexatron.nlq.anti_join_roles import named_roles
from nexatron.nlq.errors import refusal
from nexatron.nlq.plan import Explained
from nexatron.nlq.readings import Reading, name_dimension
from nexatron.nlq.state import ParseState
from nexatron.nlq.text import stem, words_of
from nexatron.nlq.word_lists import ASC_WORDS, DESC_WORDS, FUNCTION
from nexatron.nlq.word_roots import root_targets
from nexatron.nlq.year_periods import rows_named_first
from nexatron.semantic.exprs import CompileError
from nexatron.semantic.joins import join_graph
from nexatron.semantic.model import Absent, Dimension, OrderBy, QueryFilter
from nexatron.semantic.naming import entity_names

_NEGATIONS = frozenset({"never", "no", "without", "not", "nobody", "none", "nothing"})
# words allowed between the negation and the child noun ('never had a', 'have not ... any')
_BRIDGE = frozenset(
    {
        "a",
        "an",
        "any",
        "the",
        "been",
        "be",
        "had",
        "has",
        "have",
        "made",
        "make",
        "placed",
        "received",
        "got",
        "in",
        "on",
        "to",
        "for",
        "with",
        "by",
        "from",
        "at",
        "yet",
        "ever",
        "single",
        "one",
    }
)
_MAX_GAP = 5
_LIST_VERBS = frozenset({"list", "show", "display", "give", "get", "find", "enumerate", "name"})
_QUESTION_LEADS = frozenset({"which", "what", "who"})
# words of a question or a breakdown: a bare noun phrase has none
_COMPARED = frozenset({">", "<", ">=", "<="})
_UNASKED = "answered with the number of rows that match"
_NOT_BARE = frozenset({"?", "are", "is", "there", "do", "does", "did", "by", "per", "each"})
_POLITE = frozenset(
    {"please", "can", "could", "would", "you", "me", "i", "we", "us", "just", "kindly", "now"}
)
# words that ask for a number, so the question is not a listing
_COUNTING = frozenset(
    {
        "how",
        "many",
        "much",
        "number",
        "count",
        "counts",
        "total",
        "totals",
        "sum",
        "average",
        "avg",
        "mean",
        "median",
        "per",
        "each",
        "percentage",
        "percent",
        "share",
        "proportion",
        "ratio",
        "fewest",
        "breakdown",
        "distribution",
    }
)

_SIZE = frozenset({"capacity", "size", "area", "sqft", "seats", "seat", "amount", "amt"})
_VALUE = frozenset({"value", "price", "worth", "valuation"})
_PAY = frozenset({"salary", "sal", "pay", "wage", "wages", "compensation", "earnings"})
# superlative -> (words a column's name holds, descending for numbers, descending for dates)
_SUPERLATIVE_COLUMNS: dict[str, tuple[frozenset[str], bool, bool]] = {
    "youngest": (frozenset({"age", "birth", "born", "dob"}), False, True),
    "oldest": (frozenset({"age", "birth", "born", "dob"}), True, False),
    "most expensive": (frozenset({"price", "cost", "fee", "rate", "fare"}), True, True),
    "priciest": (frozenset({"price", "cost", "fee", "rate", "fare"}), True, True),
    "cheapest": (frozenset({"price", "cost", "fee", "rate", "fare"}), False, False),
    "least expensive": (frozenset({"price", "cost", "fee", "rate", "fare"}), False, False),
    "largest": (_SIZE, True, True),
    "biggest": (_SIZE, True, True),
    "smallest": (_SIZE, False, False),
    "most valuable": (_VALUE, True, True),
    "least valuable": (_VALUE, False, False),
    "highest paid": (_PAY, True, True),
    "best paid": (_PAY, True, True),
    "lowest paid": (_PAY, False, False),
    "longest": (frozenset({"length", "duration", "distance", "minutes", "mins"}), True, True),
    "shortest": (frozenset({"length", "duration", "distance", "minutes", "mins"}), False, False),
    "heaviest": (frozenset({"weight", "kg", "mass"}), True, True),
    "lightest": (frozenset({"weight", "kg", "mass"}), False, False),
    "tallest": (frozenset({"height"}), True, True),
}


# -- anti-joins ---------------------------------------------------------------------------


def _table_of(state: ParseState, reading: Reading | None) -> str | None:
    """The table a reading names as rows: an entity, a plain count metric, or (for a verb
    like 'ordered', 'joined') the one table of the dimensions it names."""
    if reading is None:
        return None
    lex = state.lex
    if reading.kind == "entity":
        return reading.targets[0]
    if reading.kind == "metric":
        tables = {lex.metrics[t].table for t in reading.targets}
        plain = all(_plain_count(state, t) for t in reading.targets)
        return tables.pop() if len(tables) == 1 and plain else None
    if reading.kind == "dimension":
        tables = {lex.dimensions[t].table for t in reading.targets}
        return tables.pop() if len(tables) == 1 else None
    return None


def rows_table(state: ParseState, reading: Reading | None) -> str | None:
    """The table a reading names as rows: an entity's, or a plain count metric's."""
    if reading is None or reading.kind not in {"entity", "metric"}:
        return None
    return _table_of(state, reading)


def _plain_count(state: ParseState, name: str) -> bool:
    m = state.lex.metrics[name]
    return (
        m.type == "simple" and m.agg == "count" and not m.filter and (m.expr or "*") in {"*", "1"}
    )


def _rooted_table(state: ParseState, position: int) -> str | None:
    """An unknown verb sharing a root with one table's count metric ('rented' ~ rentals)."""
    found = root_targets(state.lex, state.low(position))
    tables = {
        state.lex.metrics[t].table
        for kind, t in found
        if kind == "metric" and t in state.lex.metrics and _plain_count(state, t)
    }
    return tables.pop() if len(tables) == 1 else None


def _path_ok(state: ParseState, child: str, parent: str) -> str | None:
    """'' when `child` reaches `parent` by one many-to-one path; else why not ('ambiguous',
    'none')."""
    try:
        join_graph(state.lex.layer).path(child, parent, what="absent")
    except CompileError as exc:
        detail = exc.detail if isinstance(exc.detail, dict) else {}
        return "ambiguous" if detail.get("code") == "ambiguous_join" else "none"
    return ""


def _only_child(state: ParseState, parent: str, verb: str = "") -> str | None:
    """The one table whose rows point at `parent`'s rows ('books never borrowed': loans); of
    several, the one whose name the verb begins like ('candidates who never applied':
    applications, 'fields never planted': plantings)."""
    children = {
        r.from_table
        for r in state.lex.layer.relationships
        if r.to_table == parent and r.from_table != parent and r.cardinality == "many_to_one"
    }
    if len(children) == 1:
        return children.pop()
    root = stem(verb)
    names = entity_names(sorted(children))
    like = [
        t
        for t in sorted(children)
        if any(_shared_start(root, stem(w)) >= 4 for w in words_of(" ".join(names.get(t, (t,)))))
        or _consonants(root) in {w.lower() for w in words_of(t)}  # 'planted': plnt
    ]
    return like[0] if len(like) == 1 else None


def _consonants(word: str) -> str:
    """'plant' -> 'plnt': how abbreviated schemas shorten a word."""
    return word[:1] + "".join(c for c in word[1:] if c not in "aeiou")


def _shared_start(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _junction(state: ParseState, child: str, parent: str) -> str | None:
    """The one table pointing many-to-one at both `child` and `parent` (singer_in_concert for
    singers and concerts)."""
    tables = {m.table for m in state.lex.metrics.values() if m.table} | {
        d.table for d in state.lex.dimensions.values()
    }
    found = [
        t
        for t in sorted(tables)
        if t not in {child, parent}
        and _path_ok(state, t, child) == ""
        and _path_ok(state, t, parent) == ""
        and len(join_graph(state.lex.layer).path(t, parent, what="absent")) == 1
        and len(join_graph(state.lex.layer).path(t, child, what="absent")) == 1
    ]
    return found[0] if len(found) == 1 else None


def absent_children(state: ParseState) -> None:
    """'X never/not/without/no ... Y' where Y's rows point at X's: an anti-join on X."""
    for k in range(len(state.items)):
        words = state.low(k).split()  # a negation cue may hold a preposition: 'not in'
        if not words or words[0] not in _NEGATIONS or k in state.used:
            continue
        parent_at = next(
            (j for j in range(k - 1, -1, -1) if _table_of(state, state.reading(j)) is not None),
            None,
        )
        if parent_at is None:
            continue
        parent_at = _rows_before(state, parent_at, k)
        parent = _table_of(state, state.reading(parent_at))
        assert parent is not None
        gap: list[int] = []
        child, child_at = None, None
        for j in range(k + 1, min(len(state.items), k + 1 + _MAX_GAP)):
            table = _table_of(state, state.reading(j))
            if table is None and state.items[j].kind == "unknown":
                table = _rooted_table(state, j)
                if table is not None and table != parent:
                    child, child_at = table, j
                    break
            if table is not None and table != parent:
                child, child_at = table, j
                break
            if table == parent and _missing_value(state, parent, k, gap, j):
                return
            if state.items[j].kind in {"unknown", "word"} or state.low(j) in _BRIDGE:
                gap.append(j)
                continue
            if _closing_participle_value(state, j):
                gap.append(j)  # 'candidates who never applied': a stage 'Applied' too
                continue
            break
        if child is None and gap and _verb_closing(state, gap[-1]):
            verb = state.low(gap[-1])
            child, child_at = _only_child(state, parent, verb), gap.pop()  # 'books never borrowed'
            gap = [j for j in gap if j < child_at]
        if child is None or child_at is None:
            continue
        _absent(state, parent, child, parent_at, k, gap, child_at)
        return


_ARTICLES = frozenset({"a", "an", "any", "the", "one", "single"})


def _closing_participle_value(state: ParseState, position: int) -> bool:
    """A value that is also a participle closing the question ('never applied')."""
    r = state.reading(position)
    last = position == len(state.items) - 1
    return last and r is not None and r.kind == "value" and state.low(position).endswith("ed")


def _dimension_of(state: ParseState, position: int) -> str | None:
    """The table of the dimension read at `position` (None: no dimension reading there)."""
    r = state.reading(position)
    return _table_of(state, r) if r is not None and r.kind == "dimension" else None


def _rows_before(state: ParseState, found: int, negation_at: int) -> int:
    """'screenings sold no tickets': when the word found before the negation is a dimension
    of the table named after it (the relationship's verb, `sold_at` of tickets), the rows are
    the nearer table noun before it."""
    child_at = negation_at + 1
    while state.low(child_at) in _BRIDGE:
        child_at += 1
    child = rows_table(state, state.reading(child_at))
    if child is None or _dimension_of(state, found) != child:
        return found
    nouns = [j for j in range(found - 1, -1, -1) if rows_table(state, state.reading(j))]
    return nouns[0] if nouns else found


def _verb_closing(state: ParseState, position: int) -> bool:
    """An unknown word, or a participle closing the question ('films never been shown')."""
    if state.items[position].kind == "unknown" or _closing_participle_value(state, position):
        return True
    low = state.low(position)
    last = position == len(state.items) - 1
    return last and low not in _BRIDGE and low.endswith(("ed", "wn", "en"))


def _object_of(state: ParseState, child: str, parent: str, after: int) -> list[int]:
    """'customers who never rented a car', 'creators who have not launched any campaign': a
    noun right after the relationship's verb (past an article) naming the child's own rows, or
    rows the child points at many-to-one (each rental is of one car), only says what the
    relationship is about; its positions (empty when there is none)."""
    j = after
    while state.low(j) in _ARTICLES and j < len(state.items):
        j += 1
    if j == after or j >= len(state.items) or j in state.used:
        return []
    table = rows_table(state, state.reading(j))
    if table is None or table == parent:
        return []
    if table != child and _path_ok(state, child, table) != "":
        return []
    return list(range(after, j + 1))


_FILLER = frozenset({"by", "to", "from", "anyone", "anybody", "anything", "at", "all", "ever"})
_NOBODY = frozenset({"anyone", "anybody", "anything", "all"})


def _filler_after(state: ParseState, start: int) -> list[int]:
    """'not liked by anyone', 'never listened to anything', 'no tickets at all': words closing
    the question after the anti-join that add nothing to it (ending on anyone/anything/all)."""
    end = len(state.items)
    run = list(range(start, end))
    if not run or state.low(end - 1) not in _NOBODY:
        return []
    if any(state.low(j) not in _FILLER or j in state.used for j in run):
        return []
    return run


def _missing_value(
    state: ParseState, parent: str, negation_at: int, gap: list[int], position: int
) -> bool:
    """'airlines not in any alliance', 'employees without a manager': the negated word is a
    column of the rows themselves, so the rows with no value there (IS NULL)."""
    r = state.reading(position)
    if r is None or r.kind != "dimension" or len(r.targets) != 1:
        return False
    dim = state.lex.dimensions[r.targets[0]]
    if dim.table != parent or dim.type not in {"string", "number"}:
        return False
    gap_words = {state.low(j) for j in gap}
    if state.low(negation_at) not in {"no", "without"} and not gap_words & {"any", "a", "an"}:
        return False
    state.draft.dim_filters.append(QueryFilter(field=dim.name, op="is_null"))
    state.draft.row_entity = parent
    state.used.update([negation_at, position, *gap])
    words = " ".join(state.items[j].text for j in range(negation_at, position + 1))
    state.draft.explanation.append(
        Explained(text=words, kind="filter", target=dim.name, detail=f"no {dim.label or dim.name}")
    )
    state.draft.assumptions.append(f"read '{words}' as no value in '{dim.label or dim.name}'")
    return True


def _absent(
    state: ParseState,
    parent: str,
    child: str,
    parent_at: int,
    negation_at: int,
    gap: list[int],
    child_at: int,
) -> None:
    why = _path_ok(state, child, parent)
    table = child
    if why == "none":
        junction = _junction(state, child, parent)
        if junction is None:
            return  # no relationship between them: not an anti-join this pass can read
        table = junction
    roles: list[str] = []
    if why == "ambiguous":
        words = " ".join(state.items[j].text for j in range(negation_at, child_at + 1))
        roles = named_roles(state, child, parent, [*range(negation_at, child_at + 2), *gap])
        if not roles:
            raise refusal(
                f"'{words}': several relationships lead from {child} to {parent};"
                " the question does not say which one.",
                unmatched=[words],
            )
    after = child_at + 1
    if after == len(state.items) - 1 and state.items[after].kind == "unknown":
        gap.append(after)  # 'adjusters with no claims assigned': the relationship's verb
    gap += [  # 'screenings sold no tickets': the child's own verb before the negation
        j
        for j in range(parent_at + 1, negation_at)
        if j not in state.used and _dimension_of(state, j) == child
    ]
    said_of = _object_of(state, child, parent, after)
    said_of += _filler_after(state, max([child_at, *said_of, *gap]) + 1)
    gap += said_of
    draft = state.draft
    draft.absent += [Absent(table=table, via=r) for r in roles] or [Absent(table=table)]
    draft.row_entity = parent
    state.used.update([negation_at, child_at, *gap])
    state.context_words.update(j for j in gap if state.items[j].kind == "unknown")
    last = max([child_at, *said_of])
    words = " ".join(state.items[j].text for j in range(negation_at, last + 1))
    draft.explanation.append(
        Explained(
            text=words,
            kind="filter",
            target=table,
            detail=f"{state.items[parent_at].text} with no row in {table}",
        )
    )
    tables = sorted({table, child, parent})
    names = entity_names(tables)
    child_noun = names.get(child, (child, child))[1]
    through = f" as {' or '.join(roles)}" if roles else ""
    draft.assumptions.append(
        f"read '{words}' as {state.items[parent_at].text} with no {child_noun}"
        f" (no row in '{table}' points at them{through})"
    )


# -- 'the names of ...' ---------------------------------------------------------------------

_NAME_WORDS = frozenset({"name", "names", "title", "titles"})


def name_words(state: ParseState) -> None:
    """'the names and emails of customers': a bare 'names' the lexicon does not know, or
    knows only as several tables' name columns, names the name column of the table named next
    (or, failing that, before it), in a question that asks for rows; when it is one of those
    columns ('list the names of members who joined in 2025': member_name, not venue_name)."""
    if not asks_for_rows(state):
        return
    for k, it in enumerate(state.items):
        if state.low(k) not in _NAME_WORDS or k in state.used:
            continue
        r = state.reading(k)
        several = r is not None and r.kind == "dimension" and len(r.targets) > 1
        if it.kind != "unknown" and not several:
            continue
        after = [j for j in range(k + 1, len(state.items)) if _noun_table(state, j)]
        before = [j for j in range(k - 1, -1, -1) if _noun_table(state, j)]
        found = after or before
        table = _noun_table(state, found[0]) if found else None
        if table is None and several and r is not None:
            table = _described_table(state, k, r)
        label = row_label(state, table) if table else None
        if label is None or (several and r is not None and label not in r.targets):
            continue
        state.used.add(k)
        if label not in state.draft.dimensions:
            state.draft.dimensions.append(label)
        dim = state.lex.dimensions[label]
        state.draft.explanation.append(
            Explained(text=it.text, kind="dimension", target=label, detail=dim.label)
        )


def _described_table(state: ParseState, position: int, names: Reading) -> str | None:
    """With no table's noun in the question, the one table among those of the name columns
    `names` could mean whose column holds the question's values ('the names and breeds of all
    the rabbits': a species of pets). Values of several tables: None."""
    lex = state.lex
    described: set[str] = set()
    for j, r in enumerate(state.readings):
        if r is not None and j != position and r.kind == "value":
            described |= {lex.dimensions[t].table for t in r.targets}
    candidates = {lex.dimensions[t].table for t in names.targets}
    return described.pop() if len(described) == 1 and described <= candidates else None


def _noun_table(state: ParseState, position: int | None) -> str | None:
    """The table an entity or plain count-metric noun at `position` names."""
    r = state.reading(position) if position is not None else None
    if r is None or r.kind not in {"entity", "metric"}:
        return None
    return _table_of(state, r)


# -- row-level rankings ---------------------------------------------------------------------


def _superlative_before(state: ParseState, position: int) -> tuple[str, list[int]] | None:
    """The superlative ending right before `position` ('youngest', 'most expensive')."""
    one = state.low(position - 1)
    two = f"{state.low(position - 2)} {one}"
    if position >= 2 and two in _SUPERLATIVE_COLUMNS:
        return two, [position - 2, position - 1]
    if position >= 1 and one in _SUPERLATIVE_COLUMNS:
        return one, [position - 1]
    return None


def _column_for(state: ParseState, table: str, word: str) -> tuple[Dimension, bool] | None:
    """The one number or date column of `table` whose name the superlative fits, and whether
    the ranking is descending on it."""
    hints, desc_number, desc_date = _SUPERLATIVE_COLUMNS[word]
    found = []
    for d in state.lex.dimensions.values():
        if d.table != table or d.type not in {"number", "time"}:
            continue
        names = {stem(w) for w in words_of(f"{d.name} {d.expr}")} | set(
            words_of(f"{d.name} {d.expr}")
        )
        if names & hints:
            found.append(d)
    if len(found) != 1:
        return None
    dim = found[0]
    return dim, desc_date if dim.type == "time" else desc_number


def ranked_rows(state: ParseState) -> None:
    """'the 3 most expensive products', 'the youngest singer': rank a table's rows by the one
    column the superlative names."""
    for k, r in enumerate(state.readings):
        if r is None or k in state.used:
            continue
        table = _table_of(state, r)
        if table is None or (r.kind == "dimension" and r.targets != [row_label(state, table)]):
            continue  # a column, unless it names the rows ('dishes': the dish name column)
        found = _superlative_before(state, k)
        if found is None:
            continue
        word, span = found
        if any(j in state.used for j in span):
            continue
        column = _column_for(state, table, word)
        if column is None:
            continue
        dim, desc = column
        start = span[0]
        limit: int | None = None
        number_at = start - 1
        if number_at >= 0 and state.items[number_at].kind == "number":
            value = state.items[number_at].number
            if value is None or value != int(value) or value < 1:
                continue
            limit = int(value)
            span = [number_at, *span]
            if state.low(number_at - 1) == "top":
                span = [number_at - 1, *span]
        elif state.low(start - 1) == "top":
            continue  # 'top youngest' with no number: unclear
        else:
            text = state.items[k].text.lower().split()[-1]
            if stem(text) != text:  # a plural with no number ('the oldest hotels'): how many?
                continue
            limit = 1
        draft = state.draft
        draft.row_entity = table
        draft.row_order = [OrderBy(field=dim.name, desc=desc)]
        draft.limit = limit
        state.used.update(span)
        words = " ".join(state.items[j].text for j in span)
        draft.explanation.append(
            Explained(
                text=words,
                kind="order",
                target=dim.name,
                detail=f"{'highest' if desc else 'lowest'} {dim.label or dim.name} first",
            )
        )
        draft.assumptions.append(
            f"ranked {state.items[k].text} by '{dim.label or dim.name}'"
            f" ({'highest' if desc else 'lowest'} first) for '{word}'"
        )
        return


# -- listings -----------------------------------------------------------------------------


def asks_for_rows(state: ParseState) -> bool:
    """A listing verb or 'which/what' leads, or '... and/with their ...' asks for attributes,
    or the question is an anti-join or a row ranking; and no word asks for a number."""
    lows = [t.low for t in state.seg.tokens]
    if counting_words(state):
        return False
    if state.draft.absent or state.draft.row_order:
        return True
    first = next((w for w in lows if w not in _POLITE), "")
    their = any(
        lows[i] in {"and", "with"} and lows[i + 1] in {"their", "its"} for i in range(len(lows) - 1)
    )
    return first in _LIST_VERBS or first in _QUESTION_LEADS or their or _bare_rows(state)


def _bare_rows(state: ParseState) -> bool:
    """'singers older than 40', 'private museums founded after 1990': no question, only the rows'
    noun (after values describing them) and what narrows them; the rows are asked for."""
    draft = state.draft
    if draft.dimensions or draft.range is not None or draft.time_grouped or draft.grain:
        return False
    if not any(f.op in _COMPARED for f in draft.dim_filters):
        return False
    if any(t.low in _NOT_BARE for t in state.seg.tokens):
        return False
    for k in range(len(state.items)):
        reading = state.readings[k]
        if reading is None:
            return False
        if reading.kind == "value":
            continue
        metric = rows_named_first(state, k) or reading.targets[0]
        if metric not in state.lex.metrics or len(reading.targets) != 1:
            return False
        if not state.low(k).split()[0].endswith("s") or not _plain_count(state, metric):
            return False
        table = state.lex.metrics[metric].table
        # rows of events ('bookings of more than 7 nights') are counted: only undated rows
        return not any(d.table == table and d.type == "time" for d in state.lex.dimensions.values())
    return False


def _reachable(state: ParseState, start: str, goal: str) -> bool:
    return start == goal or _path_ok(state, start, goal) == ""


def _entity_of(state: ParseState) -> str | None:
    """The one table whose rows the question lists."""
    draft, lex = state.draft, state.lex
    if draft.row_entity is not None:
        return draft.row_entity
    tables = {lex.metrics[m].table for m in draft.metrics}
    if len(tables) > 1:
        return None
    if tables:
        return tables.pop()
    named = [lex.dimensions[d].table for d in [*draft.keys, *draft.dimensions]]
    candidates = [t for t in dict.fromkeys(named) if all(_reachable(state, t, o) for o in named)]
    return candidates[0] if len(candidates) == 1 else None


def _ranking_metric(state: ParseState, entity: str) -> tuple[str, bool] | None:
    """The column dimension a per-entity ranking orders by, when the question groups by the
    entity's own label or key only and ranks by one of its own columns (one value per row):
    'which stadium has the largest capacity' (the max of the column), 'top 3 stadiums by
    capacity' (the column after 'by'), 'the 3 stadiums with the largest capacity' (a number
    before the noun). No word asks for a number ('highest average delay' is an aggregate), and
    one direction only ('most and least' is two aggregates): (dimension, desc)."""
    draft, lex = state.draft, state.lex
    lows = [t.low for t in state.seg.tokens]
    if draft.aggregates or counting_words(state):
        return None
    if set(lows) & DESC_WORDS and set(lows) & ASC_WORDS:
        return None
    identity = {row_label(state, entity), row_key(state, entity)} - {None}
    rest = [d for d in draft.dimensions if d not in identity]
    if not set(draft.dimensions) & identity or not set(draft.keys) <= identity:
        return None
    if not draft.metrics and len(rest) == 1 and draft.order_desc is not None:
        dim = lex.dimensions[rest[0]]  # 'top 3 stadiums by capacity'
        ranked = bool(draft.limit) or (draft.rank_single and _superlative_of(state, dim.name))
        if dim.table == entity and dim.type in {"number", "time"} and ranked:
            return dim.name, draft.order_desc
        return None
    if rest or len(draft.metrics) != 1:
        return None
    metric = lex.metrics[draft.metrics[0]]
    if draft.order_metric not in {None, metric.name}:
        return None
    if metric.type != "simple" or metric.agg not in {"min", "max"}:
        return None
    if metric.table != entity or metric.filter or not metric.expr:
        return None
    desc = draft.order_desc
    if desc is None:
        if _number_before_noun(state, entity) is None:
            return None
        desc = metric.agg == "max"
    expr = _bare(metric.expr)
    dims = [
        d
        for d in lex.dimensions.values()
        if d.table == entity and _bare(d.expr) == expr and d.via is None
    ]
    if len(dims) != 1:
        return None
    return dims[0].name, desc


def _superlative_of(state: ParseState, dimension: str) -> bool:
    """'which vet has the most years of experience': a superlative right before the column
    (one thing asked for), so the rows are ranked by its value."""
    for k, r in enumerate(state.readings):
        if r is not None and r.kind == "dimension" and r.targets == [dimension]:
            before = k - 2 if _number_of(state, k - 1) else k - 1
            return state.low(before) in DESC_WORDS | ASC_WORDS
    return False


def _number_of(state: ParseState, position: int) -> bool:
    """A 'number of' cue at `position`."""
    it = state.items[position] if 0 <= position < len(state.items) else None
    if it is None or it.kind != "cue" or it.cue != "count":
        return False
    return it.text.lower() != "how many"


# a tie said with 'share' ('which departments share the third-largest budget')
_SHARE = frozenset({"share", "shares", "sharing"})
_ORDINAL_WORDS = frozenset({"second", "third", "fourth", "fifth", "2nd", "3rd", "4th"})


def counting_words(state: ParseState) -> set[str]:
    """The words asking for a number (`_COUNTING`), except a 'number of' between a superlative
    and a numeric column ('the largest number of seats': the column itself ranks the rows) and
    'share' before an ordinal place ('share the third-largest budget': a tie)."""
    skipped: set[int] = set()
    for k, it in enumerate(state.items):
        r = state.reading(k + 1)
        column = (
            r is not None
            and r.kind == "dimension"
            and all(state.lex.dimensions[t].type == "number" for t in r.targets)
        )
        if column and _number_of(state, k) and state.low(k - 1) in DESC_WORDS | ASC_WORDS:
            skipped.update(range(it.start, it.end))
        after = k + 2 if state.low(k + 1) == "the" else k + 1
        if state.low(k) in _SHARE and state.low(after) in _ORDINAL_WORDS:
            skipped.update(range(it.start, it.end))
    return {t.low for i, t in enumerate(state.seg.tokens) if i not in skipped} & _COUNTING


def _number_before_noun(state: ParseState, entity: str) -> int | None:
    """'the 3 stadiums ...': an unused whole number right before the entity's noun."""
    for k in range(1, len(state.items)):
        r = state.reading(k)
        if r is None or r.kind not in {"entity", "metric"} or _table_of(state, r) != entity:
            continue
        it = state.items[k - 1]
        whole = bool(it.number) and it.number == int(it.number or 0) and (it.number or 0) >= 1
        lead = state.low(k - 2) in {"the", "which", "top"}
        if it.kind == "number" and whole and lead and k - 1 not in state.used:
            return k - 1
    return None


def _bare(expr: str) -> str:
    return expr.strip().strip('"`[]').lower()


def row_key(state: ParseState, entity: str) -> str | None:
    """The dimension holding the key other tables' relationships point to (quoted or not)."""
    keys = {
        _bare(c)
        for r in state.lex.layer.relationships
        if r.to_table == entity
        for c in r.to_columns
    }
    found = [
        d.name
        for d in state.lex.dimensions.values()
        if d.table == entity and d.via is None and _bare(d.expr) in keys
    ]
    return found[0] if len(found) == 1 else None


_LABEL_WORDS = frozenset({"name", "nm", "title", "label", "full", "fullname"})
_KEY_WORDS = frozenset({"id", "no", "nbr", "num", "number", "code", "key", "ref"})


def _own_key(state: ParseState, entity: str) -> str | None:
    """The one column named by a key word and the table's own words ('trip_id' of trips), for
    a table no relationship points at (`row_key` finds none)."""
    one, plural = entity_names([entity]).get(entity, (entity, entity))
    own_words = words_of(f"{entity} {one} {plural}")
    own = set(own_words) | {stem(w) for w in own_words}
    found = [
        d.name
        for d in state.lex.dimensions.values()
        if d.table == entity
        and d.via is None
        and set(words_of(d.expr)) & _KEY_WORDS
        and not {w for w in set(words_of(d.expr)) - _KEY_WORDS if stem(w) not in own} - own
    ]
    return found[0] if len(found) == 1 else None


def row_label(state: ParseState, entity: str) -> str | None:
    """The column that names a table's rows: `readings.name_dimension`, else the one string
    column whose name is only a name word and the table's own words ('name', 'singer_name',
    'custNm'; not 'song_name')."""
    picked = name_dimension(entity, state.lex)
    if picked is not None:
        return picked
    one, plural = entity_names([entity]).get(entity, (entity, entity))
    own_words = words_of(f"{entity} {one} {plural}")
    own = set(own_words) | {stem(w) for w in own_words}
    found = []
    for d in state.lex.dimensions.values():
        if d.table != entity or d.type != "string" or d.via is not None:
            continue
        words = set(words_of(d.expr))
        if (
            words & _LABEL_WORDS
            and not {w for w in words - _LABEL_WORDS if stem(w) not in own} - own
        ):
            found.append(d.name)
    return found[0] if len(found) == 1 else None


def _key_named(state: ParseState, key: str) -> bool:
    """A grouping's key the question itself names ('their ids', 'the airport code'): shown in a
    listing; otherwise a grouping key is only how a breakdown keeps equal names apart."""
    dim = state.lex.dimensions[key]
    words = {stem(w) for w in words_of(f"{dim.name} {dim.label or ''} {dim.expr}")}
    one, plural = entity_names([dim.table]).get(dim.table, (dim.table, dim.table))
    own = {stem(w) for w in words_of(f"{dim.table} {one} {plural}")}
    asked = {stem(t.low) for t in state.seg.tokens if t.low not in FUNCTION | _NEGATIONS}
    return bool((words - own) & asked)


def _context_columns(state: ParseState, entity: str, shown: list[str]) -> list[str]:
    """Dimensions the question names that no pass turned into anything ('and their cities'
    read as a context noun): in a listing they are columns to show."""
    draft, lex = state.draft, state.lex
    accounted = set(shown) | {f for f, _neg in draft.filters} | {f.field for f in draft.dim_filters}
    accounted |= {o.field for o in draft.row_order} | (
        {draft.time_dim} if draft.time_dim else set()
    )
    out: list[str] = []
    for k, r in enumerate(state.readings):
        if r is None or r.kind != "dimension" or k not in state.used:
            continue
        if set(r.targets) & accounted:
            continue
        fits = [t for t in r.targets if _reachable(state, entity, lex.dimensions[t].table)]
        own = [t for t in fits if lex.dimensions[t].table == entity]
        pick = own if own else fits
        if len(pick) == 1 and pick[0] not in out:
            out.append(pick[0])
    return out


def _listed_first(state: ParseState, entity: str, shown: list[str]) -> bool:
    """The entity's noun comes before the columns ('vets and their specialties'), so the rows
    themselves are listed, not only the named columns ('names and ages of singers')."""
    noun = next(
        (
            k
            for k, r in enumerate(state.readings)
            if r is not None and r.kind in {"entity", "metric"} and _table_of(state, r) == entity
        ),
        None,
    )
    if noun is None:
        return False
    columns = [
        k
        for k, r in enumerate(state.readings)
        if r is not None and r.kind == "dimension" and set(r.targets) & set(shown)
    ]
    return not columns or noun < min(columns)


def row_shape(state: ParseState) -> None:
    """Read the question as a row query when it asks for rows and aggregates nothing. Rows
    ranked by `ranked_rows` ('the 2 longest trips') that no row query could list are refused:
    any other reading would drop the ranking."""
    _row_shape(state)
    draft = state.draft
    if draft.row_order and draft.columns is None:
        words = [e.text for e in draft.explanation if e.kind == "order"]
        aggregated = {w for j in state.aggregate_words for w in state.low(j).split()}
        if words and set(words[0].lower().split()) & aggregated:
            return  # 'average, shortest and longest trip distance': read as aggregates
        raise refusal(
            f"'{words[0] if words else 'the ranking'}' ranks rows that this question cannot"
            " list; name the columns to show.",
            unmatched=words,
        )


def _date_word_of_a_column(state: ParseState) -> None:
    """'the names and join dates of drivers': 'dates' right after a date column names that
    column, not a grain, in a question asking for rows."""
    draft = state.draft
    if draft.grain is None or draft.range is not None or not asks_for_rows(state):
        return
    grains = [k for k, it in enumerate(state.items) if it.kind == "grain" and k in state.used]
    if len(grains) != 1 or state.low(grains[0]) not in {"date", "dates"}:
        return
    before = state.reading(grains[0] - 1)
    if before is None or before.kind != "dimension":
        return
    if not all(state.lex.dimensions[t].type == "time" for t in before.targets):
        return
    draft.grain = None
    draft.explanation[:] = [e for e in draft.explanation if e.kind != "grain"]
    draft.explanation.append(
        Explained(text=state.items[grains[0]].text, kind="context", target=before.targets[0])
    )


def _row_shape(state: ParseState) -> None:
    draft, lex = state.draft, state.lex
    _date_word_of_a_column(state)
    if draft.aggregates or draft.metric_filters or draft.grain or draft.trend:
        return
    if draft.time_grouped or draft.columns is not None:
        return
    entity = _entity_of(state)
    if entity is None:
        return
    ranking = None if draft.row_order else _ranking_metric(state, entity)
    if (
        ranking is not None
        and draft.limit is None
        and not draft.rank_single
        and _number_before_noun(state, entity) is None
    ):
        return  # 'stadiums with the largest capacity' (how many?): left to the grouped reading
    if ranking is None and not asks_for_rows(state):
        return
    if ranking is None and (draft.order_desc is not None or draft.order_metric):
        return  # ranked by an aggregate: a grouped question
    if ranking is None and any(not _plain_count(state, m) for m in draft.metrics):
        return
    if any(lex.metrics[m].table != entity for m in draft.metrics) and ranking is None:
        return
    asked = [d for d in draft.dimensions if d not in draft.keys or _key_named(state, d)]
    shown = [d for d in asked if _reachable(state, entity, lex.dimensions[d].table)]
    if len(shown) != len(asked):
        return
    if draft.time_dim and draft.range is None:
        if not _reachable(state, entity, lex.dimensions[draft.time_dim].table):
            return
        shown.append(draft.time_dim)  # 'with their release dates': a column to show
        draft.time_dim = None
    shown += _context_columns(state, entity, shown)
    bare = _bare_rows(state)
    label = row_label(state, entity)
    key = row_key(state, entity)
    own = [d for d in shown if lex.dimensions[d].table == entity]
    identity = label or key
    identified: str | None = None  # the label listing the rows, when the question named none
    if identity is not None and identity not in shown and _listed_first(state, entity, shown):
        shown.insert(0, identity)  # 'stadiums ... and their locations': the stadiums, then
        own.insert(0, identity)  # what is said of them
        identified = identity
        draft.assumptions.append(
            f"listed each row of '{entity}' by '{lex.dimensions[identity].label or identity}'"
        )
    if ranking is not None:
        column, desc = ranking
        draft.row_order = [OrderBy(field=column, desc=desc)]
        number_at = _number_before_noun(state, entity)
        if draft.limit is None and number_at is not None:
            draft.limit = int(state.items[number_at].number or 1)
            state.used.add(number_at)
        if draft.limit is None:
            draft.limit = 1
        if column not in shown:
            shown.append(column)
    elif draft.row_order and draft.row_order[0].field not in shown:
        shown.append(draft.row_order[0].field)
    if not own or (ranking is not None and not (set(own) - {draft.row_order[0].field})):
        pick = label or key or (_own_key(state, entity) if draft.row_order or ranking else None)
        if pick is None:
            return
        shown.insert(0, pick)
        draft.assumptions.append(
            f"listed each row of '{entity}' by '{lex.dimensions[pick].label or pick}'"
        )
        identified = pick
    for k in range(1, len(state.items)):
        if state.low(k - 1) in {"called", "named"} and k in state.used:
            r = state.reading(k)
            if r is not None and r.kind == "value":  # 'patients called Robert Brown'
                state.used.add(k - 1)
    if identified is None and key in draft.keys and label in shown:
        identified = label  # the rows named as an entity: grouped by their key and label
    keys = []
    if identified is not None and key is not None and identified != key and key not in shown:
        shown.insert(shown.index(identified), key)  # rows with the same label stay apart
        keys = [key]
    if bare:  # 'singers older than 40': the compared column beside each row
        shown += [f.field for f in draft.dim_filters if f.op in _COMPARED and f.field not in shown]
        draft.assumptions[:] = [a for a in draft.assumptions if _UNASKED not in a]
        draft.assumptions.append(
            f"listed the rows of '{entity}' that match: the question names only them and what"
            " narrows them, no count"
        )
    draft.columns = list(dict.fromkeys(shown))
    draft.row_entity = entity
    draft.metrics = []
    draft.dimensions = []
    draft.keys = keys
    draft.order_metric = None
    draft.order_desc = None
    draft.assumptions[:] = [
        a for a in draft.assumptions if not a.startswith(("grouped '", "rows of '"))
    ]
