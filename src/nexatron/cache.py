"""A small TTL cache: in-process by default, Redis when configured (shared by every process)."""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from typing import Any, Protocol


class Cache(Protocol):
    def get(self, key: str) -> Any | None: ...
    def set(self, key: str, value: Any, ttl_s: float) -> None: ...
    def delete(self, key: str) -> None: ...


class MemoryCache:
    """LRU with per-entry expiry; thread-safe."""

    def __init__(self, max_entries: int = 4096) -> None:
        self._data: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, key: str) -> Any | None:
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                return None
            if entry[0] < time.monotonic():
                del self._data[key]
                return None
            self._data.move_to_end(key)
            return entry[1]

    def set(self, key: str, value: Any, ttl_s: float) -> None:
        if ttl_s <= 0:
            return
        with self._lock:
            self._data[key] = (time.monotonic() + ttl_s, value)
            self._data.move_to_end(key)
            while len(self._data) > self._max:
                self._data.popitem(last=False)

    def delete(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)


class RedisCache:
    """JSON values under a namespace (never pickle: a shared store must not run code); errors
    degrade to a miss (the cache is an optimisation)."""

    def __init__(self, url: str, namespace: str = "nexatron:cache:") -> None:
        import redis

        self._client = redis.Redis.from_url(url, socket_timeout=0.5)
        self._ns = namespace

    def get(self, key: str) -> Any | None:
        try:
            raw = self._client.get(self._ns + key)
        except Exception:
            return None
        return None if raw is None else json.loads(raw)

    def set(self, key: str, value: Any, ttl_s: float) -> None:
        if ttl_s <= 0:
            return
        try:
            self._client.set(self._ns + key, json.dumps(value), px=int(ttl_s * 1000))
        except Exception:
            return

    def delete(self, key: str) -> None:
        try:
            self._client.delete(self._ns + key)
        except Exception:
            return
