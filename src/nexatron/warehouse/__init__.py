"""One module per database engine, registered by type name (see `registry`)."""

from nexatron.warehouse.failures import DriverMissing, QueryFailed, QueryTimeout
from nexatron.warehouse.pool import EnginePool
from nexatron.warehouse.registry import (
    ENGINE_TYPES,
    get_engine_class,
    merge_secrets,
    open_engine,
    parse_config,
    split_secrets,
)
from nexatron.warehouse.secrets import scrub

__all__ = [
    "ENGINE_TYPES",
    "DriverMissing",
    "EnginePool",
    "QueryFailed",
    "QueryTimeout",
    "get_engine_class",
    "merge_secrets",
    "open_engine",
    "parse_config",
    "scrub",
    "split_secrets",
]
