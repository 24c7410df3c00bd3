"""The one in-process LRU cache: a bounded, thread-safe map that drops its least recently used
entry (plans, compiled SQL, answers, layers, lexicons, LLM planners and context indexes)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LRU(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self._data: OrderedDict[K, V] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        return None

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)

    def get_or_put(self, key: K, build: Callable[[], V]) -> V:
        """The cached value, or `build()` stored under `key` (built under the lock: use it for
        cheap builds that must not run twice)."""
        with self._lock:
            value = self._data.get(key)
            if value is None:
                value = self._data[key] = build()
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)
            return value

    def __len__(self) -> int:
        return len(self._data)
