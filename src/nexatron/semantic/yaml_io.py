"""The semantic layer as YAML (export/import) and a by-name diff for an import dry run."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from nexatron.errors import ValidationFailed
from nexatron.semantic.model import Relationship, SemanticLayer

_KINDS = ("metrics", "dimensions", "relationships")
# libyaml's safe loader when PyYAML was built with it (several times faster than pure Python).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def dump_layer(layer: SemanticLayer) -> str:
    """Readable YAML: defaults and empty fields left out, keys in model order."""
    data = layer.model_dump(mode="json", exclude_defaults=True, exclude_none=True)
    ordered = {k: data[k] for k in ("version", *_KINDS) if k in data}
    return yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, width=100)


def _parse_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError:
        if _SAFE_LOADER is yaml.SafeLoader:
            raise
    # The pure-Python loader says where a document goes wrong more precisely than libyaml
    # (which points at the end of the input): only bad documents pay for a second parse.
    return yaml.safe_load(text)


def load_layer(text: str) -> SemanticLayer:
    """Parse YAML into a layer; ValidationFailed (422) with locations on bad YAML or shape."""
    try:
        data = _parse_yaml(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or str(err)
        raise ValidationFailed(
            [
                {
                    "loc": ["body", "yaml"],
                    "msg": f"Invalid YAML{where}: {problem}",
                    "type": "yaml_error",
                }
            ]
        ) from err
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValidationFailed(
            [
                {
                    "loc": ["body"],
                    "msg": "Expected a mapping with metrics, dimensions, relationships.",
                    "type": "type_error",
                }
            ]
        )
    try:
        return SemanticLayer.model_validate(data)
    except PydanticError as err:
        raise ValidationFailed(
            [{"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]} for e in err.errors()]
        ) from err


def object_key(obj: BaseModel) -> str:
    """The name an object is matched by; relationships without a name by their columns."""
    if isinstance(obj, Relationship):
        if obj.name:
            return obj.name
        left = f"{obj.from_table}({','.join(obj.from_columns)})"
        return f"{left}->{obj.to_table}({','.join(obj.to_columns)})"
    return str(getattr(obj, "name"))  # noqa: B009


def _comparable(obj: BaseModel) -> dict[str, Any]:
    return obj.model_dump(mode="json", exclude={"id", "origin"})


def diff_layers(old: SemanticLayer, new: SemanticLayer) -> dict[str, dict[str, list[str]]]:
    """Per kind, the names added, changed (any field but id/origin) and removed going old -> new."""
    out: dict[str, dict[str, list[str]]] = {}
    for kind in _KINDS:
        before = {object_key(o): o for o in getattr(old, kind)}
        after = {object_key(o): o for o in getattr(new, kind)}
        out[kind] = {
            "added": [k for k in after if k not in before],
            "changed": [
                k for k in after if k in before and _comparable(after[k]) != _comparable(before[k])
            ],
            "removed": [k for k in before if k not in after],
        }
    return out
