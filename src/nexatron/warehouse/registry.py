"""Engine classes by type name, config parsing with field-level errors, secret splitting."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from pydantic import ValidationError

from nexatron.errors import ValidationFailed
from nexatron.warehouse import engines
from nexatron.warehouse.base import Engine, EngineConfig
from nexatron.warehouse.policy import UNCHECKED, Gate


def _discover() -> dict[str, type[Engine]]:
    """Every Engine subclass defined in a module of `nexatron.warehouse.engines`."""
    found: dict[str, type[Engine]] = {}
    for module_info in sorted(pkgutil.iter_modules(engines.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{engines.__name__}.{module_info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Engine)
                and value.__module__ == module.__name__
                and "type_name" in vars(value)
            ):
                found[value.type_name] = value
    return dict(sorted(found.items()))


ENGINE_TYPES: dict[str, type[Engine]] = _discover()


# Other names people use for the same engines, and for the same config fields.
TYPE_ALIASES = {
    "postgresql": "postgres", "pg": "postgres", "mariadb": "mysql", "sqlserver": "mssql",
    "sql_server": "mssql", "tsql": "mssql", "sqlite3": "sqlite",
}  # fmt: skip
FIELD_ALIASES = {"username": "user", "dbname": "database", "db": "database", "hostname": "host"}


def canonical_type(type_name: str) -> str:
    """`postgresql` -> `postgres`, `mariadb` -> `mysql`; unknown names are returned as given."""
    low = type_name.strip().lower() if isinstance(type_name, str) else type_name
    return TYPE_ALIASES.get(low, low)


def get_engine_class(type_name: str) -> type[Engine]:
    """The engine class registered under `type_name`, else a 422 listing the known types."""
    try:
        return ENGINE_TYPES[canonical_type(type_name)]
    except (KeyError, TypeError):
        known = ", ".join(ENGINE_TYPES)
        raise ValidationFailed(
            [
                {
                    "loc": ["body", "type"],
                    "msg": f"Unknown database type; expected one of: {known}.",
                    "type": "value_error",
                }
            ]
        ) from None


def parse_config(type_name: str, data: dict[str, Any]) -> EngineConfig:
    """Validate `data` against the engine's config model; errors become field-level 422 entries
    (values are never echoed back, they may be secrets)."""
    model = get_engine_class(type_name).config_model
    fields = model.model_fields
    data = dict(data)
    for alias, name in FIELD_ALIASES.items():
        if alias in data and alias not in fields and name in fields and name not in data:
            data[name] = data.pop(alias)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(
            [
                {
                    "loc": ["body", "config", *map(str, err["loc"])],
                    "msg": err["msg"],
                    "type": err["type"],
                }
                for err in exc.errors(include_url=False, include_input=False, include_context=False)
            ]
        ) from None


def split_secrets(config: EngineConfig) -> tuple[dict[str, Any], dict[str, Any]]:
    """(public fields, secret fields) of a config, as JSON-ready dicts."""
    data = config.model_dump(mode="json")
    secrets = {k: data.pop(k) for k in config.secret_fields if k in data and data[k] is not None}
    for k in config.secret_fields:
        data.pop(k, None)
    return data, secrets


def merge_secrets(public: dict[str, Any], secrets: dict[str, Any]) -> dict[str, Any]:
    """The full config data again (public fields plus decrypted secrets)."""
    return {**public, **secrets}


def open_engine(
    type_name: str,
    config: EngineConfig,
    *,
    connect_timeout_s: float = 10.0,
    gate: Gate = UNCHECKED,
) -> Engine:
    """A new engine instance for the config (drivers load lazily on first use). The server
    always passes the tenant's `gate`; without one nothing is checked (programmatic use)."""
    cls = get_engine_class(type_name)
    if not isinstance(config, cls.config_model):
        raise ValidationFailed(
            [
                {
                    "loc": ["body", "config"],
                    "msg": f"Config is not a {cls.label} config.",
                    "type": "value_error",
                }
            ]
        )
    return cls(config, connect_timeout_s=connect_timeout_s, gate=gate)
