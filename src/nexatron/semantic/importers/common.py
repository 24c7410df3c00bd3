"""What both importers share: the result, YAML loading, simple filter conditions, names."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from nexatron.errors import ValidationFailed
from nexatron.semantic.model import Filter, SemanticLayer


@dataclass
class Unmapped:
    kind: str  # metric | measure | dimension | entity | join | cube | semantic_model
    name: str
    reason: str

    def view(self) -> dict[str, str]:
        return {"kind": self.kind, "name": self.name, "reason": self.reason}


@dataclass
class Converted:
    layer: SemanticLayer
    unmapped: list[Unmapped] = field(default_factory=list)


def load_documents(text: str) -> list[dict[str, Any]]:
    """Every YAML document of `text` (a project's files may be concatenated with ---)."""
    try:
        docs = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as exc:
        raise ValidationFailed(
            [{"loc": ["body", "yaml"], "msg": f"Not valid YAML: {exc}", "type": "yaml"}]
        ) from None
    if not all(isinstance(d, dict) for d in docs):
        raise ValidationFailed(
            [
                {
                    "loc": ["body", "yaml"],
                    "msg": "Each YAML document must be a mapping.",
                    "type": "yaml",
                }
            ]
        )
    return docs


_CONDITION = re.compile(
    r"^\s*(?P<col>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op>=|!=|<>|>=|<=|>|<)\s*(?P<val>.+?)\s*$"
)


def literal(text: str) -> Any:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"not a literal: {text}") from None


def condition(text: str) -> Filter | None:
    """`column op literal` as a Filter on the column, or None when it is anything else."""
    found = _CONDITION.match(text)
    if found is None:
        return None
    try:
        value = literal(found["val"])
    except ValueError:
        return None
    op = "!=" if found["op"] == "<>" else found["op"]
    return Filter(field=found["col"], op=op, values=[value])


def unique_name(wanted: str, owner: str, taken: set[str]) -> str:
    """`wanted`, or `owner_wanted` when another object has that name already."""
    name = wanted if wanted not in taken else f"{owner}_{wanted}"
    name = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if not re.match(r"[A-Za-z_]", name):
        name = "_" + name
    taken.add(name)
    return name


def labeled(name: str) -> str:
    return name.replace("_", " ").strip().capitalize()
