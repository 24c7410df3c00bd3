"""Choose one reading for each lexicon item: metric, dimension, value or entity, or ask."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nexatron.nlq.errors import clarification, refusal
from nexatron.nlq.items import Item
from nexatron.nlq.lexicon import Entry, Lexicon
from nexatron.nlq.text import Token, stem, words_of
from nexatron.nlq.word_lists import AGG_CUES, GROUP, NON_ADDITIVE
from nexatron.semantic.exprs import CompileError
from nexatron.semantic.joins import join_graph
from nexatron.semantic.model import Dimension, Metric

FILTER_PREPS = frozenset(
    [
        "in",
        "for",
        "from",
        "at",
        "only",
        "excluding",
        "except",
        "not",
        "than",
        "without",
        "non",
        "or",
        "and",
        "with",
        "within",
        "among",
        "is",
        "=",
        ",",
        "to",
        "of",
        "but",
        "just",
        "exclude",
        "besides",
    ]
)


@dataclass
class Reading:
    """One lexicon item read as one thing (`kind` metric|dimension|value|entity)."""

    item: Item
    kind: str
    targets: list[str]  # metric/dimension names, or the dimension(s) of a value, or entity tables
    value: str | None = None
    values_by_dim: dict[str, str] = field(default_factory=dict)
    agg_cue: str | None = None


def agg_ok(m: Metric, cue: str) -> bool:
    """Whether an aggregation word ('average', 'total', 'how many'...) fits metric `m`."""
    words = f"{m.name} {m.label or ''}".lower().replace("_", " ").split()
    if cue == "avg":
        return m.agg == "avg" or bool({"average", "avg", "mean", "per"} & set(words))
    if cue == "sum":
        return m.agg in {"sum", "count", "count_distinct", None} and m.type != "ratio"
    if cue == "count":
        return m.agg in {"count", "count_distinct", "sum"}
    if cue == "count_distinct":
        return m.agg in {"count_distinct", "count"}
    return m.agg == cue


def agg_cue_before(items: list[Item], position: int, tokens: list[Token]) -> str | None:
    """The aggregation cue right before the item at `position` ('average', 'total', 'number
    of', 'how many')."""
    j = position - 1
    while j >= 0 and items[j].kind == "word" and items[j].text.lower() in {"the", "a", "an", "of"}:
        j -= 1
    if j < 0:
        return None
    it = items[j]
    if it.kind == "cue" and it.cue == "count":
        return "count"
    if it.kind == "word":
        return AGG_CUES.get(it.text.lower())
    return None


def _prev_low(items: list[Item], position: int) -> str:
    """The word before the item at `position`, looking past one unknown word after 'by' ('by
    home club')."""
    if (
        position > 1
        and items[position - 1].kind == "unknown"
        and items[position - 2].text.lower() in GROUP
    ):
        return items[position - 2].text.lower()
    return items[position - 1].text.lower() if position > 0 else ""


def read_items(items: list[Item], tokens: list[Token], lex: Lexicon) -> list[Reading | None]:
    """A reading for every lexicon item (None for other items)."""
    out: list[Reading | None] = []
    for k, it in enumerate(items):
        out.append(_read(items, k, tokens, lex) if it.kind == "lexicon" else None)
    return out


def _best(entries: list[Entry], kind: str) -> list[Entry]:
    chosen = [e for e in entries if e.kind == kind]
    if not chosen:
        return []
    top = max(e.strength for e in chosen)
    return [e for e in chosen if e.strength == top]


def _read(items: list[Item], position: int, tokens: list[Token], lex: Lexicon) -> Reading:
    it = items[position]
    metrics, dims = _best(it.entries, "metric"), _best(it.entries, "dimension")
    entities = _best(it.entries, "entity")
    prev = _prev_low(items, position)
    nxt = items[position + 1] if position + 1 < len(items) else None
    schema_strength = max((e.strength for e in it.entries if e.kind != "entity"), default=0)
    if it.values:
        value_dims = {d for d, _ in it.values}
        qualifies = nxt is not None and any(e.target in value_dims for e in nxt.entries)
        filter_ctx = (
            prev in FILTER_PREPS or qualifies or (position > 0 and items[position - 1].values != [])
        )
        boolean = any(lex.dimensions[e.target].type == "boolean" for e in dims)
        if not (metrics or dims) or (filter_ctx and not boolean) or schema_strength < 2:
            return Reading(it, "value", sorted(value_dims), values_by_dim=dict(it.values))
    tables = {e.target for e in entities}
    weak_metric = bool(metrics) and all(
        e.strength <= 1
        or (lex.metrics[e.target].agg == "count" and lex.metrics[e.target].table in tables)
        for e in metrics
    )
    if (
        entities
        and weak_metric
        and not dims
        and not _measure_after_grouping(items, position)
        and (
            prev in GROUP
            or (position > 0 and items[position - 1].cue == "by")  # 'in each stadium'
            or prev in _RANK_LEAD
            or (
                position > 0
                and items[position - 1].kind == "cue"
                and items[position - 1].cue in {"common", "rare"}
            )
            or _rank_number_before(items, position)
            or (nxt is not None and nxt.text.lower() in SUBJECT_NEXT)
        )
        and any(name_dimension(e.target, lex) for e in entities)
    ):
        return Reading(it, "entity", _dedupe([e.target for e in entities]))
    if metrics and dims and _counted_rows(items, position, lex, metrics, tables):
        dims = []
    if metrics and dims:
        top_m = max(e.strength for e in metrics)
        top_d = max(e.strength for e in dims)
        weak_date = top_d <= 1 < top_m and all(e.source == "time" for e in dims)
        if weak_date:
            dims = []
        elif prev in GROUP or prev in {"which", "what", "each"} or top_m < top_d:
            metrics = []
    if metrics:
        return Reading(it, "metric", _dedupe([e.target for e in metrics]))
    if dims:
        return Reading(it, "dimension", _dedupe([e.target for e in dims]))
    return Reading(it, "entity", _dedupe([e.target for e in entities]))


def _measure_after_grouping(items: list[Item], position: int) -> bool:
    """'regions by check-ins', 'bottom 2 clubs by visits': after '<grouping noun> by' a count
    noun is the measure to rank or show, not a second grouping."""
    if position < 2 or items[position - 1].text.lower() != "by":
        return False
    ranked = position - 2
    if any(e.kind == "dimension" and e.strength >= 2 for e in items[ranked].entries):
        return True
    # 'top 3 departments by headcount': ranked things, then the count noun to rank them by
    top = ranked >= 2 and items[ranked - 2].text.lower() in {"top", "bottom"}
    return (
        any(e.kind == "entity" for e in items[ranked].entries)
        and top
        and _rank_number_before(items, ranked)
    )


_NAME_HINTS = ("name", "title", "label")
_DESCRIBED = ("description",)


def _counted_rows(
    items: list[Item], position: int, lex: Lexicon, metrics: list[Entry], tables: set[str]
) -> bool:
    """'how many (express) parcels': a count cue before a table's noun names the count
    metric of that table, not a dimension sharing the noun."""
    own = [
        e
        for e in metrics
        if lex.metrics[e.target].agg == "count"
        and lex.metrics[e.target].table in tables
        and not lex.metrics[e.target].filter
    ]
    if len(own) != 1:
        return False
    j = position - 1
    while j >= 0 and (
        items[j].text.lower() in {"the", "a", "an", "of"}
        or (items[j].kind == "lexicon" and _qualifier_item(items[j], lex))
    ):
        j -= 1
    return j >= 0 and items[j].kind == "cue" and items[j].cue == "count"


def _qualifier_item(it: Item, lex: Lexicon) -> bool:
    """A value or a yes/no dimension written before a noun ('hub', 'Gold')."""
    if it.values:
        return True
    dims = [e for e in it.entries if e.kind == "dimension"]
    return bool(dims) and all(lex.dimensions[e.target].type == "boolean" for e in dims)


def name_dimension(table: str, lex: Lexicon) -> str | None:
    """The dimension that names a table's rows: one with 'name' in it, else its only string one.
    Role dimensions (`via`: the lender's name of a loan) name the rows only in that role."""
    dims = [
        d
        for d in lex.dimensions.values()
        if d.table == table and d.type == "string" and d.via is None
    ]
    named = [
        d
        for d in dims
        if any(h in f"{d.name} {d.label or ''} {d.expr}".lower() for h in _NAME_HINTS)
    ]
    if len(named) > 1:  # 'customer name' beside 'branch name' in a customer table
        named = [d for d in named if _names_own_table(d, table, lex)]
    if not named:  # a code table: 'diagnosis_description' (diagDesc) describes each diagnosis
        named = [
            d
            for d in dims
            if "description" in words_of(d.name) and _names_own_table(d, table, lex, _DESCRIBED)
        ]
    pick = named if len(named) == 1 else dims if len(dims) == 1 else []
    return pick[0].name if pick else None


def _names_own_table(
    dim: Dimension, table: str, lex: Lexicon, hints: tuple[str, ...] = _NAME_HINTS
) -> bool:
    """Every word of the dimension's name besides 'name'/'title'/'label' is in the table's
    name or its rows' noun ('customer_name' in acCustomer, 'recruiter_name' in crm_rctr whose
    rows are 'recruiters'; a bare 'name' too), so it names that table's rows. `hints`: the
    words that say 'this names it'."""
    ident = table.split(".")[-1].lower()
    nouns = {
        stem(w)
        for m in lex.metrics.values()
        if m.table == table and m.agg == "count" and not m.filter
        for w in words_of(m.name)
    }
    return all(w in ident or stem(w) in nouns for w in words_of(dim.name) if w not in hints)


def key_dimension(table: str, lex: Lexicon) -> str | None:
    """The dimension holding a table's key (a column other tables' relationships point to),
    when the layer declares one (not a role dimension's copy of it)."""
    keys = {
        _bare_column(c)
        for r in lex.layer.relationships
        if r.to_table == table
        for c in r.to_columns
    }
    found = [
        d.name
        for d in lex.dimensions.values()
        if d.table == table and _bare_column(d.expr) in keys and d.via is None
    ]
    return found[0] if len(found) == 1 else None


def _bare_column(expr: str) -> str:
    """A column reference compared without quotes or case: '"CustomerId"' is customerid."""
    return expr.strip().strip('"`[]').lower()


def key_needed(table: str, lex: Lexicon) -> bool:
    """Other tables point to `table` by a key, but no dimension holds that key."""
    pointed = any(r.to_table == table for r in lex.layer.relationships)
    return pointed and key_dimension(table, lex) is None


def entity_dimensions(table: str, lex: Lexicon) -> list[str]:
    """What a per-entity breakdown groups by: the key and the name, so two rows with the same
    name stay apart ([name] alone when no key dimension is declared; [] when no name)."""
    name = name_dimension(table, lex)
    if name is None:
        return []
    key = key_dimension(table, lex)
    return [key, name] if key is not None and key != name else [name]


def group_entity(
    draft_dimensions: list[str],
    draft_keys: list[str],
    names: list[str],
) -> None:
    """Add an entity's grouping: its key and its name, both shown (the key first), so two
    entities with the same name stay apart and the reader can tell them apart. The key is also
    recorded in `draft_keys`: the query's `keys` say which shown columns are entity keys."""
    *keys, name = names
    for key in keys:
        if key not in draft_dimensions:
            draft_dimensions.append(key)
        if key not in draft_keys:
            draft_keys.append(key)
    if name not in draft_dimensions:
        draft_dimensions.append(name)


SUBJECT_NEXT = frozenset({"with", "where", "whose", "having", "that", "who"})
_RANK_LEAD = frozenset(
    {"which", "what", "top", "bottom", "each", "every", "per", "busiest", "quietest"}
)


def _rank_number_before(items: list[Item], position: int) -> bool:
    return (
        position >= 2
        and items[position - 1].kind == "number"
        and items[position - 2].text.lower() in _RANK_LEAD
    )


def _dedupe(xs: list[str]) -> list[str]:
    return list(dict.fromkeys(xs))


def choose_metric(r: Reading, cue: str | None, lex: Lexicon) -> str:
    """Pick the metric a phrase names, honouring an aggregation cue; refuse a cue that fits none."""
    cands = r.targets
    if cue is not None:
        all_metrics = _dedupe([e.target for e in r.item.entries if e.kind == "metric"])
        fitting = [m for m in all_metrics if agg_ok(lex.metrics[m], cue)]
        exact = [m for m in fitting if lex.metrics[m].agg == cue]
        fitting = [m for m in fitting if m in cands] or fitting
        exact = [m for m in exact if m in fitting]
        if not fitting:
            word = {"count": "count", "sum": "total", "avg": "average"}.get(cue, cue)
            raise refusal(
                f"No metric gives the {word} of '{r.item.text}'.",
                unmatched=[f"{word} {r.item.text}"],
                suggestions={"metrics": all_metrics, "dimensions": []},
            )
        cands = exact if len(exact) == 1 else fitting
    if len(cands) > 1:
        preferred = [m for m in cands if lex.metrics[m].agg in {"sum", "count"}]
        sure = _same_core(cands, lex) and not _guess(r, cands, lex)
        if len(preferred) == 1 and cue is None and sure:
            return preferred[0]
        raise clarification(
            f"'{r.item.text}' could mean several metrics.",
            ambiguous=r.item.text,
            candidates=[{"kind": "metric", "metric": m} for m in cands],
        )
    return cands[0]


def _guess(r: Reading, names: list[str], lex: Lexicon) -> bool:
    """A total and an average of one per-row measure that does not add up naturally (a delay
    in minutes, a price, a score), named by one word of their names ('delays'): a guess."""
    weak = all(e.strength <= 1 for e in r.item.entries if e.kind == "metric" and e.target in names)
    exprs = {(lex.metrics[n].agg, lex.metrics[n].expr) for n in names}
    paired = [e for a, e in exprs if a == "sum" and ("avg", e) in exprs]
    return weak and any(set(words_of(e or "")) & NON_ADDITIVE for e in paired)


def _same_core(names: list[str], lex: Lexicon) -> bool:
    tables = {lex.metrics[n].table for n in names}
    return len(tables) == 1


def choose_dimension(r: Reading, metric_tables: set[str], lex: Lexicon) -> str:
    """Pick the dimension a phrase names; prefer one on a chosen metric's table, else ask."""
    cands = r.targets
    if len(cands) > 1:
        near = [d for d in cands if lex.dimensions[d].table in metric_tables]
        if len(near) == 1:
            return near[0]
        own = own_column(near, lex)
        if own is not None:
            return own
        raise clarification(
            f"'{r.item.text}' could mean several dimensions.",
            ambiguous=r.item.text,
            candidates=[{"kind": "dimension", "dimension": d} for d in cands],
        )
    return cands[0]


def own_column(names: list[str], lex: Lexicon) -> str | None:
    """Of a column of the counted rows' own table and its role copies ('member_city' beside
    'referrer_member_city' and 'referred_member_city' when members are counted or listed),
    the column itself: a role copy is that table's column seen from another table's rows."""
    plain = [d for d in names if lex.dimensions[d].via is None]
    if len(plain) != 1:
        return None
    own = lex.dimensions[plain[0]]
    same = all(
        (lex.dimensions[d].table, lex.dimensions[d].expr) == (own.table, own.expr) for d in names
    )
    return plain[0] if same else None


def choose_value_dim(r: Reading, hinted: set[str], metric_tables: set[str], lex: Lexicon) -> str:
    """Pick the dimension of a value found in several; ask when nothing settles it."""
    cands = r.targets
    if len(cands) == 1:
        return cands[0]
    pool = [d for d in cands if d in hinted]
    if len(pool) == 1:
        return pool[0]
    reach = [d for d in (pool or cands) if dimension_reachable(lex, metric_tables, d)]
    if len(reach) == 1 and metric_tables:
        return reach[0]
    columns = {(lex.dimensions[d].table, lex.dimensions[d].expr) for d in cands}
    plain = [d for d in cands if lex.dimensions[d].via is None]
    if not metric_tables and len(columns) == 1 and len(plain) == 1:
        return plain[0]  # one column and its role copies, no rows named yet: the column itself
    raise clarification(
        f"'{r.item.text}' is a value of several dimensions.",
        ambiguous=r.item.text,
        candidates=[
            {"kind": "dimension_value", "dimension": d, "value": r.values_by_dim[d]} for d in cands
        ],
    )


def dimension_reachable(lex: Lexicon, tables: set[str], name: str) -> bool:
    """Every table in `tables` reaches the dimension: a role dimension (origin airport city)
    through its own relationship, another along the one many-to-one path to its table."""
    dim = lex.dimensions[name]
    if dim.via is None:
        return reachable(lex, tables, dim.table)
    graph = join_graph(lex.layer)
    for t in tables:
        try:
            graph.role_path(t, dim.via, dim.table, what="value")
        except CompileError:
            return False
    return True


def reachable(lex: Lexicon, tables: set[str], goal: str) -> bool:
    """Every table in `tables` joins to `goal` along many-to-one relationships."""
    graph = join_graph(lex.layer)
    for t in tables:
        try:
            graph.path(t, goal, what="value")
        except CompileError:
            return False
    return True


def tables_of(lex: Lexicon, names: list[str]) -> set[str]:
    """Tables of the named metrics (a ratio's or derived metric's parts for those)."""
    out: set[str] = set()
    todo, seen = list(names), set()
    while todo:
        name = todo.pop()
        m = lex.metrics.get(name)
        if m is None or name in seen:
            continue
        seen.add(name)
        if m.table:
            out.add(m.table)
        todo += [x for x in (m.numerator, m.denominator) if x]
        todo += [x for x in re.findall(r"[A-Za-z_]\w*", m.expression or "") if x in lex.metrics]
    return out
