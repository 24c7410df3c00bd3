"""Role-named dimensions: where two links reach one table (flights -> airports as origin and as
destination) or a table links to itself (categories -> parent category), each link's role gets
its own copies of the target table's descriptive dimensions, reached through that relationship
(`Dimension.via`): "origin airport name", "destination airport city". Plain dimensions of that
table stay ambiguous from the child (the compiler refuses them and lists the paths)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from nexatron.semantic.links import Link
from nexatron.semantic.model import Dimension
from nexatron.semantic.naming import safe_name, sentence

MAX_PER_ROLE = 8


class _Named(Protocol):
    ref: str
    entity: list[str]


def role_dimensions(
    links: list[Link],
    rel_names: dict[int, str],
    dims: list[Dimension],
    tables: Mapping[str, _Named],
    taken: set[str],
) -> list[Dimension]:
    """Dimensions for every link with a role, one per descriptive dimension of its target."""
    out: list[Dimension] = []
    for i, link in enumerate(links):
        if not link.role or i not in rel_names:
            continue
        parent = tables[link.parent.qualified_name.lower()]
        own = [d for d in dims if d.table == parent.ref and d.type in ("string", "boolean")]
        role = " ".join(link.role)
        n = len(parent.entity)
        for d in own[:MAX_PER_ROLE]:
            words = (d.label or d.name).lower().split()
            tail = words[n:] if words[:n] == parent.entity else words
            name = safe_name("_".join([*link.role, *tail]))
            if name in taken:
                continue
            synonyms = [role] if tail in (["name"], ["title"], ["label"]) else []
            out.append(
                Dimension(
                    name=name,
                    label=sentence(" ".join([role, *tail])),
                    synonyms=synonyms,
                    table=d.table,
                    expr=d.expr,
                    type=d.type,
                    via=rel_names[i],
                    origin="bootstrap",
                )
            )
            taken.add(name)
    return out
