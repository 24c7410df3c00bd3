"""Propose a starting semantic layer from a schema snapshot, verified on the data where it can be.

This module runs the steps; each lives in its own module: names (`naming.py`,
`abbreviations.py`, `synonyms.py`), what a column is (`column_kinds.py`), what a table and its
columns propose and their unique names (`proposals.py`), relationships verified on the data
(`links.py` with `probe.py`), role dimensions (`role_dimensions.py`) and the report (`report.py`).

What it proposes, by table and column (names read by `naming.py`: camelCase and snake_case split,
abbreviations expanded, a prefix every table shares dropped):
- per table, a count metric named after its rows (`acTransaction` -> `transactions`, "Number of
  transactions", synonyms "transaction count", ...);
- per numeric column that is not a key or id: a number dimension (filters, listings) and measures:
  total (not for rates, prices, ages, years, ranks, levels, ...), average, highest and lowest;
  currency format (USD, said so in the description) only for clearly monetary names;
- key and id columns (primary keys, foreign keys, `*_id`, `custNo`) as key dimensions, never
  measures; categorical text, booleans and dates as dimensions; a table's main date
  (ordered/created/placed/date-like names first) is its metrics' time dimension;
- relationships from foreign keys and from names, verified on the data (`links.py`), and
  role-named dimensions where two links reach one table (`role_dimensions.py`).

Names are plain (`country`) when unique and prefixed with the entity (`customer_country`) when two
tables share them. Idempotent: objects whose name or definition is already in `existing` are not
proposed again, and existing objects are returned unchanged. `bootstrap` also returns a report of
what it declared, what it refused and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from nexatron.semantic.column_kinds import column_expr, is_money, main_date
from nexatron.semantic.links import Link, LinkFinder
from nexatron.semantic.model import Dimension, Format, Metric, Relationship, SemanticLayer
from nexatron.semantic.naming import Vocabulary, entity_words, safe_name, sentence, shared_prefix
from nexatron.semantic.probe import Probe
from nexatron.semantic.proposals import BootTable, Proposer, income_words, unique_names
from nexatron.semantic.report import BootstrapReport, Declared, Skipped
from nexatron.semantic.role_dimensions import role_dimensions
from nexatron.semantic.synonyms import entity_synonyms
from nexatron.warehouse.types import SchemaSnapshot, TableInfo


@dataclass
class BootstrapResult:
    layer: SemanticLayer
    report: BootstrapReport


def _ref(schema: SchemaSnapshot, t: TableInfo) -> str:
    own = not t.schema_name or t.schema_name == schema.default_schema
    return t.name if own else t.qualified_name


def _tables(schema: SchemaSnapshot, links: list[Link] | None = None) -> list[BootTable]:
    prefix = shared_prefix([t.name for t in schema.tables])
    out = []
    for t in schema.tables:
        keys = {c.lower() for c in t.primary_key} | {
            c.name.lower() for c in t.columns if c.primary_key
        }
        keys |= {c.lower() for fk in t.foreign_keys for c in fk.columns}
        out.append(BootTable(t, _ref(schema, t), entity_words(t.name, prefix), keys))
    return out


def bootstrap_layer(schema: SchemaSnapshot, existing: SemanticLayer) -> SemanticLayer:
    """`existing` plus proposed objects (origin="bootstrap"), without checks on the data (only
    foreign keys toward primary keys become relationships)."""
    return bootstrap(schema, existing, None).layer


def bootstrap(
    schema: SchemaSnapshot, existing: SemanticLayer, probe: Probe | None
) -> BootstrapResult:
    """`existing` plus proposed objects that it does not already have, and a report."""
    tables = _tables(schema)
    prefix = shared_prefix([t.name for t in schema.tables])
    columns = [c.name for t in schema.tables for c in t.columns]
    vocabulary = Vocabulary([t.name for t in schema.tables], prefix, columns)
    by_key = {t.info.qualified_name.lower(): t for t in tables}
    finder = LinkFinder(
        schema,
        {k: t.entity for k, t in by_key.items()},
        {k: t.ref for k, t in by_key.items()},
        probe,
        vocabulary,
    )
    links, refused_links = finder.find()
    for key, words in finder.aliases(links).items():
        by_key[key].aliases.extend(words)
    for link in links:
        by_key[link.child.qualified_name.lower()].keys.update(c.lower() for c in link.child_columns)
        by_key[link.parent.qualified_name.lower()].keys.update(
            c.lower() for c in link.parent_columns
        )
    report = BootstrapReport(prefix=prefix)
    for r in refused_links:
        report.refused.append(Skipped("relationship", r.describe(), f"{r.source}: {r.reason}"))
    names_taken = {t.entity_text for t in tables}
    for t in tables:
        t.aliases.extend(entity_synonyms(t.entity_text, names_taken | set(t.aliases)))
    proposer = Proposer(schema, tables, vocabulary)
    proposals = proposer.proposals()
    report.refused.extend(proposer.skipped)
    income_words(proposals, report)

    relationships, rel_names = _relationships(links, by_key, existing, report)
    taken = {m.name for m in existing.metrics} | {d.name for d in existing.dimensions}
    dim_by_def = {
        (d.table.lower(), d.expr.strip().strip('"').lower(), d.via): d for d in existing.dimensions
    }
    metric_defs = {
        ((m.table or "").lower(), m.agg, (m.expr or "*").strip().strip('"').lower())
        for m in existing.metrics
    }
    new_dims: list[Dimension] = []
    new_metrics: list[Metric] = []
    names = unique_names(proposals)
    time_dims: dict[str, Dimension | None] = {}
    for p, name in zip(proposals, names, strict=True):
        if p.kind == "metric":
            continue
        assert p.column is not None
        sig = (p.table.ref.lower(), p.column.name.lower(), None)
        if name in taken or sig in dim_by_def:
            report.refused.append(
                Skipped("dimension", name, "already in the layer (name or definition)")
            )
            continue
        label = p.label if name == safe_name("_".join(p.base)) else sentence(name.replace("_", " "))
        d = Dimension(
            name=name,
            label=label,
            synonyms=[s for s in p.synonyms if s.lower() != label.lower()],
            table=p.table.ref,
            expr=column_expr(p.column.name),
            type=p.kind,
            origin="bootstrap",
        )
        new_dims.append(d)
        dim_by_def[sig] = d
        taken.add(name)
        report.declared.append(Declared("dimension", name, p.table.ref, p.why))
    for d in role_dimensions(links, rel_names, new_dims, by_key, taken):
        new_dims.append(d)
        taken.add(d.name)
        report.declared.append(Declared("dimension", d.name, d.table, f"role, via {d.via}"))
    for p, name in zip(proposals, names, strict=True):
        if p.kind != "metric":
            continue
        col = p.column.name.lower() if p.column else "*"
        sig2 = (p.table.ref.lower(), p.agg, col)
        if name in taken or sig2 in metric_defs:
            report.refused.append(
                Skipped("metric", name, "already in the layer (name or definition)")
            )
            continue
        table_key = p.table.info.qualified_name.lower()
        if table_key not in time_dims:
            time_dims[table_key] = _time_dimension(p.table, links, by_key, dim_by_def, vocabulary)
        td = time_dims[table_key]
        money = p.column is not None and p.agg != "count" and is_money(p.column, p.base)
        label = p.label if name == safe_name("_".join(p.base)) else sentence(name.replace("_", " "))
        if p.agg == "count":
            label = p.label
        new_metrics.append(
            Metric(
                name=name,
                label=label,
                synonyms=[s for s in dict.fromkeys(p.synonyms) if s.lower() != label.lower()],
                description="Currency assumed to be USD; change if needed." if money else None,
                table=p.table.ref,
                agg=p.agg,
                expr=column_expr(p.column.name) if p.column else None,
                time_dimension=td.name if td else None,
                format=Format(kind="currency", currency="USD") if money else Format(),
                origin="bootstrap",
            )
        )
        metric_defs.add(sig2)
        taken.add(name)
        report.declared.append(Declared("metric", name, p.table.ref, p.why))
    layer = existing.model_copy(
        update={
            "metrics": [*existing.metrics, *new_metrics],
            "dimensions": [*existing.dimensions, *new_dims],
            "relationships": [*existing.relationships, *relationships],
        }
    )
    return BootstrapResult(layer, report)


def _time_dimension(
    t: BootTable,
    links: list[Link],
    by_key: dict[str, BootTable],
    dim_by_def: dict[tuple[str, str, str | None], Dimension],
    vocabulary: Vocabulary,
) -> Dimension | None:
    """The table's main date dimension, else that of the first table it links to."""
    parents = [
        by_key[link.parent.qualified_name.lower()]
        for link in links
        if link.child is t.info and not link.role
    ]
    for table in [t, *parents]:
        main = main_date(table.info, table.entity, vocabulary)
        d = dim_by_def.get((table.ref.lower(), main.name.lower(), None)) if main else None
        if d is not None and d.type == "time":
            return d
    return None


def _relationships(
    links: list[Link],
    by_key: dict[str, BootTable],
    existing: SemanticLayer,
    report: BootstrapReport,
) -> tuple[list[Relationship], dict[int, str]]:
    """Relationships for the verified links (named, so role dimensions can refer to them)."""

    def key(ft: str, fc: list[str], tt: str, tc: list[str]) -> tuple[str, ...]:
        return (ft.lower(), *(c.lower() for c in fc), "->", tt.lower(), *(c.lower() for c in tc))

    seen = {
        key(r.from_table, r.from_columns, r.to_table, r.to_columns): r
        for r in existing.relationships
    }
    used = {r.name for r in existing.relationships if r.name}
    out: list[Relationship] = []
    names: dict[int, str] = {}
    for i, link in enumerate(links):
        child = by_key[link.child.qualified_name.lower()]
        parent = by_key[link.parent.qualified_name.lower()]
        k = key(child.ref, list(link.child_columns), parent.ref, list(link.parent_columns))
        if k in seen:
            if seen[k].name:
                names[i] = seen[k].name  # type: ignore[assignment]
            continue
        base = safe_name("_".join([*child.entity, *(link.role or parent.entity)]))
        name, n = base, 2
        while name in used:
            name, n = f"{base}_{n}", n + 1
        used.add(name)
        names[i] = name
        rel = Relationship(
            name=name,
            from_table=child.ref,
            from_columns=list(link.child_columns),
            to_table=parent.ref,
            to_columns=list(link.parent_columns),
            origin="bootstrap",
        )
        seen[k] = rel
        out.append(rel)
        source = "foreign key" if link.source == "foreign_key" else "inferred from names"
        role = f"; role {' '.join(link.role)!r}" if link.role else ""
        report.declared.append(
            Declared("relationship", name, child.ref, f"{source}, verified: {link.how}{role}")
        )
    return out, names
