"""'Sales by shelf': when the metric a word names first cannot reach what the question
groups or filters by without repeating rows, a weaker reading of the same word that can (the
per-line sales of 'Line item sales') is used instead; only when exactly one fits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexatron.nlq.resolve import reachable, tables_of

if TYPE_CHECKING:
    from nexatron.nlq.interpret import Interpreter


def _needed(ip: Interpreter) -> set[str]:
    d, dims = ip.d, ip.lex.dimensions
    names = [*d.dimensions, *(f for f, _ in d.filters), *(f.field for f in d.dim_filters)]
    if d.time_dim:
        names.append(d.time_dim)
    return {dims[n].table for n in names if n in dims}


def _reaches(ip: Interpreter, name: str, goals: set[str]) -> bool:
    tables = tables_of(ip.lex, [name])
    return bool(tables) and all(reachable(ip.lex, tables, g) for g in goals)


def reachable_metrics(ip: Interpreter) -> None:
    """Swap a metric that fans out for the one other reading of its word that does not."""
    goals = _needed(ip)
    if not goals:
        return
    for k, name in list(ip.metric_at.items()):
        if _reaches(ip, name, goals):
            continue
        m = ip.lex.metrics[name]
        others = {
            e.target
            for e in ip.items[k].entries
            if e.kind == "metric" and e.target != name and e.target not in ip.d.metrics
        }
        fits = [
            o
            for o in sorted(others)
            if ip.lex.metrics[o].agg == m.agg
            and ip.lex.metrics[o].format.kind == m.format.kind
            and not ip.lex.metrics[o].filter
            and _reaches(ip, o, goals)
        ]
        if len(fits) != 1 or ip.metric_count(name) != 1:
            continue
        new = fits[0]
        ip.metric_at[k] = new
        ip.d.metrics = [new if x == name else x for x in ip.d.metrics]
        if ip.d.order_metric == name:
            ip.d.order_metric = new
        ip.d.assumptions.append(
            f"read '{ip.items[k].text}' as '{new}': '{name}' cannot be split by what was asked"
        )
