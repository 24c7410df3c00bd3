"""Aggregate each source at its own grain, then merge sources on the dimension keys.

Merging stacks two results at a time (UNION ALL, the other side's metrics NULL) and groups by the
keys with MAX() per metric: each side has at most one row per key, so nothing is multiplied, NULL
keys merge like any other value, and each NULL column is typed by the other branch.
"""

from __future__ import annotations

from sqlglot import exp

from nexatron.semantic.dialects import SqlDialect
from nexatron.semantic.exprs import col, ident, table
from nexatron.semantic.metric_sql import aggregate
from nexatron.semantic.sources import Source


def merge_ctes(
    sources: list[Source], keys: list[str], dialect: SqlDialect
) -> list[tuple[str, exp.Query]]:
    """CTEs base_i/agg_i per source, then stacked_i/merged_i folding the sources pairwise."""
    ctes: list[tuple[str, exp.Query]] = []
    for i, s in enumerate(sources):
        ctes.append((f"base_{i}", s.rows))
        agg = exp.select(*[col(k) for k in keys], copy=False).from_(table(f"base_{i}"), copy=False)
        for j, m in s.leaves:
            value = col(f"_x{j}") if j in s.inputs else None
            agg = agg.select(
                exp.Alias(this=aggregate(m, value, dialect), alias=ident(f"_m{j}")), copy=False
            )
        if keys:
            agg = agg.group_by(*[col(k) for k in keys], copy=False)
        ctes.append((f"agg_{i}", agg))
    prev, prev_leaves = "agg_0", [j for j, _ in sources[0].leaves]
    for i, s in enumerate(sources[1:], start=1):
        new = [j for j, _ in s.leaves]
        null = exp.null
        first = [col(f"_m{j}") for j in prev_leaves] + [null() for _ in new]
        second = [null() for _ in prev_leaves] + [col(f"_m{j}") for j in new]
        names = [f"_s{j}" for j in (*prev_leaves, *new)]
        left = exp.select(*[col(k) for k in keys], copy=False).from_(table(prev), copy=False)
        left = left.select(
            *[exp.Alias(this=e, alias=ident(n)) for e, n in zip(first, names, strict=True)],
            copy=False,
        )
        right = exp.select(*[col(k) for k in keys], *second, copy=False).from_(
            table(f"agg_{i}"), copy=False
        )
        merged = exp.select(*[col(k) for k in keys], copy=False).from_(
            table(f"stacked_{i}"), copy=False
        )
        merged = merged.select(
            *[exp.Alias(this=exp.Max(this=col(n)), alias=ident(f"_m{n[2:]}")) for n in names],
            copy=False,
        )
        if keys:
            merged = merged.group_by(*[col(k) for k in keys], copy=False)
        ctes += [
            (f"stacked_{i}", exp.union(left, right, distinct=False, copy=False)),
            (f"merged_{i}", merged),
        ]
        prev, prev_leaves = f"merged_{i}", [*prev_leaves, *new]
    return ctes
