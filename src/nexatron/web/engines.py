"""What the connection form shows for each engine, read from the engines' own config models, so
a field added to an engine appears in the web app without touching it."""

from __future__ import annotations

from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from pydantic.fields import FieldInfo

from nexatron.warehouse.registry import ENGINE_TYPES

_KINDS = {"str": "text", "int": "number", "float": "number", "bool": "checkbox"}


def _field(name: str, info: FieldInfo, secret: bool) -> dict[str, Any]:
    args = [a for a in get_args(info.annotation) if a is not type(None)]
    base = args[0] if get_origin(info.annotation) in (Union, UnionType) else info.annotation
    choices: list[Any] = list(get_args(base)) if get_origin(base) is Literal else []
    if secret:
        kind = "password"
    elif choices:
        kind = "select"
    elif get_origin(base) is list:
        kind = "list"
    else:
        kind = _KINDS.get(getattr(base, "__name__", ""), "text")
    return {
        "name": name,
        "kind": kind,
        "required": info.is_required(),
        "default": None if info.is_required() else info.default,
        "choices": choices,
        "description": info.description,
    }


def engine_forms() -> list[dict[str, Any]]:
    """[{type, label, extra, fields: [{name, kind, required, default, choices, ...}]}]."""
    forms = []
    for type_name, engine in ENGINE_TYPES.items():
        model = engine.config_model
        secrets = set(model.secret_fields)
        fields = [_field(name, info, name in secrets) for name, info in model.model_fields.items()]
        forms.append(
            {"type": type_name, "label": engine.label, "extra": engine.extra, "fields": fields}
        )
    return forms
