"""What bootstrap declared and what it refused, with reasons (POST /semantic/bootstrap)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

ObjectKind = Literal["metric", "dimension", "relationship", "column"]


@dataclass(frozen=True)
class Declared:
    kind: ObjectKind
    name: str
    table: str
    reason: str


@dataclass(frozen=True)
class Skipped:
    kind: ObjectKind
    name: str  # the object's name, a column (`table.column`) or a relationship (`a.x -> b.y`)
    reason: str


@dataclass
class BootstrapReport:
    prefix: str | None = None  # the table-name prefix dropped from entity names
    declared: list[Declared] = field(default_factory=list)
    refused: list[Skipped] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "prefix": self.prefix,
            "declared": [asdict(d) for d in self.declared],
            "refused": [asdict(r) for r in self.refused],
        }
