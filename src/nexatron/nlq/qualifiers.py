"""Boolean dimensions as qualifiers ('tenured staff' -> filter) and negators attached to them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexatron.nlq.errors import Clarification
from nexatron.nlq.plan import Explained
from nexatron.nlq.resolve import Reading, tables_of
from nexatron.nlq.words import GROUP, NEGATION

if TYPE_CHECKING:
    from nexatron.nlq.interpret import Interpreter

NEGATORS = NEGATION | frozenset({"no", "never"})
_LIST = frozenset({"and", ",", "&"})
_BETWEEN_NEG = frozenset(
    {"a", "an", "the", "any", "are", "is", "was", "were", "be", "been", "being", "have", "has"}
)
_RELATIVE = frozenset({"that", "who", "which", "whose"})


def group_marker(ip: Interpreter, j: int) -> bool:
    """Item `j` asks for a grouping: 'by', 'per', 'each', 'split by', 'for each'..."""
    if not 0 <= j < len(ip.items):
        return False
    it = ip.items[j]
    return (it.kind == "cue" and it.cue == "by") or (it.kind == "word" and ip.low(j) in GROUP)


def after_group(ip: Interpreter, k: int) -> bool:
    """Item `k` follows a grouping marker directly or inside a list ('by a, b and c')."""
    j = k - 1
    while j >= 0 and ip.items[j].kind == "word" and ip.low(j) in {"the", "its", "their"}:
        j -= 1
    if group_marker(ip, j):
        return True
    if j >= 1 and ip.low(j) in _LIST:
        r = ip.readings[j - 1]
        if (r is not None and r.kind in {"dimension", "entity"}) or ip.items[j - 1].kind == "grain":
            return after_group(ip, j - 1)
    return False


_EXCLUDE = frozenset({"excluding", "exclude", "except", "without", "besides", "minus"})


def _excludes(ip: Interpreter, j: int) -> bool:
    """'excluding', 'except', 'other than': takes rows out of a set named elsewhere."""
    it = ip.items[j]
    return (it.kind == "cue" and it.cue == "neg") or ip.low(j) in _EXCLUDE


def is_negator(ip: Interpreter, j: int) -> bool:
    it = ip.items[j]
    if it.kind == "cue":
        return it.cue == "neg"
    return it.kind in {"word", "unknown"} and ip.low(j) in NEGATORS


def _negation_before(ip: Interpreter, k: int) -> tuple[list[int], int, bool]:
    """Negators right before `k` (over articles and 'is/are'), where the walk stopped, and
    whether a relative pronoun ('that', 'who') was crossed."""
    negs: list[int] = []
    relative = False
    j = k - 1
    while j >= 0:
        if is_negator(ip, j):
            negs.append(j)
        elif ip.items[j].kind == "word" and ip.low(j) in _BETWEEN_NEG:
            pass
        elif ip.items[j].kind == "word" and ip.low(j) in _RELATIVE:
            relative = True
        else:
            break
        j -= 1
    return negs, j, relative


def boolean_qualifier(ip: Interpreter, k: int) -> str | None:
    """The boolean dimension item `k` names when it qualifies a noun (not after 'by')."""
    r = ip.readings[k]
    if r is None or r.kind != "dimension" or len(r.targets) != 1:
        return None
    dim = ip.lex.dimensions[r.targets[0]]
    if dim.type != "boolean" or after_group(ip, k):
        return None
    return dim.name


def noun_of_table(ip: Interpreter, j: int, table: str) -> bool:
    """Item `j` is a noun for rows of `table` (its entity, a count of it, or one of its dims)."""
    r = ip.readings[j] if 0 <= j < len(ip.readings) else None
    if r is None:
        return False
    if any(e.kind == "entity" and e.target == table for e in ip.items[j].entries):
        return r.kind in {"entity", "metric", "dimension"}
    if r.kind == "dimension":
        return all(ip.lex.dimensions[t].table == table for t in r.targets)
    if r.kind == "metric":
        ms = [ip.lex.metrics[t] for t in r.targets]
        return all(m.table == table and m.agg == "count" and not m.filter for m in ms)
    return False


def _metric_tables(ip: Interpreter) -> set[str]:
    """Tables of every metric the question may name (a ratio's parts for a ratio)."""
    names = [t for r in ip.readings if r is not None and r.kind == "metric" for t in r.targets]
    return tables_of(ip.lex, names)


def _boolean_or_value(ip: Interpreter, k: int, name: str) -> bool:
    """'cancelled bookings': a word naming a boolean and a value of another dimension reads as
    the one on the metric's own table; returns False when the value wins, asks when unsure."""
    it = ip.items[k]
    if not it.values:
        return True
    tables = _metric_tables(ip)
    own_bool = ip.lex.dimensions[name].table in tables
    own_values = [(d, v) for d, v in it.values if ip.lex.dimensions[d].table in tables]
    if own_bool and not own_values:
        return True
    if len(own_values) == 1 and not own_bool:
        r = ip.readings[k]
        assert r is not None
        d, v = own_values[0]
        ip.readings[k] = Reading(it, "value", [d], values_by_dim={d: v})
        return False
    raise Clarification(
        {
            "message": f"'{it.text}' could be a yes/no dimension or a value.",
            "ambiguous": it.text,
            "candidates": [{"kind": "dimension_value", "dimension": name, "value": True}]
            + [{"kind": "dimension_value", "dimension": d, "value": v} for d, v in it.values],
        }
    )


def _with_and_without(ip: Interpreter, negs: list[int], stop: int) -> bool:
    """'with and without a terrace', 'with or without': both sides, so a grouping."""
    if len(negs) != 1 or ip.low(negs[0]) != "without" or stop < 1:
        return False
    return ip.low(stop) in {"and", "or", "vs", "versus"} and ip.low(stop - 1) == "with"


def booleans(ip: Interpreter, other_metric: bool) -> None:
    """Read boolean dimensions used as qualifiers as filters (negated ones as false)."""
    for k in range(len(ip.items)):
        name = boolean_qualifier(ip, k)
        if name is None or k in ip.used or not _boolean_or_value(ip, k, name):
            continue
        table = ip.lex.dimensions[name].table
        negs, stop, relative = _negation_before(ip, k)
        if _with_and_without(ip, negs, stop):
            ip.used.update([k, *negs, stop, stop - 1])
            if name not in ip.d.dimensions:
                ip.d.dimensions.append(name)
            ip.d.assumptions.append(f"compared with and without '{name}' side by side")
            ip.d.explanation.append(Explained(text=ip.items[k].text, kind="dimension", target=name))
            continue
        if ip.items[k].negated:
            negs.append(k)
        value = not negs
        ip.d.filters.setdefault((name, False), []).append(value)
        ip.used.update([k, *negs])
        detail = "true" if value else "false"
        ip.d.explanation.append(
            Explained(text=ip.items[k].text, kind="value", target=name, detail=detail)
        )
        excluding = any(_excludes(ip, n) for n in negs)
        nouns = [k + 1] + ([stop] if relative or (negs and not excluding) else [])
        for j in nouns:
            r = ip.readings[j] if 0 <= j < len(ip.readings) else None
            if r is None or j in ip.used or not noun_of_table(ip, j, table):
                continue
            if r.kind == "metric" and not other_metric and not excluding:
                continue
            if r.kind == "dimension" and after_group(ip, j):
                continue
            ip.used.add(j)
            ip.d.entities.append((ip.items[j].text, table))
