"""Live engines per connection, reused while the config is unchanged; thread-safe."""

from __future__ import annotations

import hashlib
import logging
import threading

from nexatron.warehouse.base import Engine, EngineConfig
from nexatron.warehouse.policy import UNCHECKED, ConnectionPolicy
from nexatron.warehouse.registry import open_engine

log = logging.getLogger("nexatron.warehouse")


def fingerprint(type_name: str, config: EngineConfig) -> str:
    """A digest of the type and the full config (secrets included, never stored)."""
    payload = f"{type_name}\n{config.model_dump_json()}".encode()
    return hashlib.sha256(payload).hexdigest()


class EnginePool:
    """`get` returns the same Engine for the same connection and config; a changed config
    disposes the old engine and opens a new one; `evict` disposes it."""

    def __init__(
        self, *, connect_timeout_s: float = 10.0, policy: ConnectionPolicy | None = None
    ) -> None:
        self._engines: dict[str, tuple[str, Engine]] = {}
        self._lock = threading.Lock()
        self._connect_timeout_s = connect_timeout_s
        self._policy = policy

    def get(
        self, conn_id: str, type_name: str, config: EngineConfig, tenant_id: str | None = None
    ) -> Engine:
        key = fingerprint(type_name, config) + f":{tenant_id}"
        stale: Engine | None = None
        with self._lock:
            current = self._engines.get(conn_id)
            if current is not None and current[0] == key:
                return current[1]
            gate = self._policy.for_tenant(tenant_id) if self._policy else UNCHECKED
            engine = open_engine(
                type_name, config, connect_timeout_s=self._connect_timeout_s, gate=gate
            )
            self._engines[conn_id] = (key, engine)
            stale = current[1] if current else None
        if stale is not None:
            stale.dispose()
        return engine

    def evict(self, conn_id: str) -> None:
        with self._lock:
            current = self._engines.pop(conn_id, None)
        if current is not None:
            current[1].dispose()

    def close(self) -> None:
        """Stop every running statement and dispose every engine (application shutdown)."""
        with self._lock:
            engines, self._engines = list(self._engines.values()), {}
        for _key, engine in engines:
            try:
                engine.cancel()
            except Exception:  # best effort: the statement may have just ended
                log.debug("cancel on shutdown failed", exc_info=True)
            engine.dispose()

    def __len__(self) -> int:
        return len(self._engines)
