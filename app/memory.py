"""Bounded memory for the object that runs jobs: when full, the least recently used entry goes.

Nothing here is module-level: each ``Jobs`` (or a test) makes its own, so what one run
remembers never changes what another does.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRU(Generic[K, V]):
    """At most ``maximum`` entries; reading or writing one makes it the newest.

    Safe to share between the threads of one consumer.
    """

    def __init__(self, maximum: int) -> None:
        if maximum < 1:
            raise ValueError(f"an LRU holds at least one entry, not {maximum}")
        self.maximum = maximum
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def get(self, key: K) -> V | None:
        """The value of ``key`` (now the newest), or None."""
        with self._lock:
            if key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key: K, value: V) -> None:
        """Remember ``value`` as the newest entry, forgetting the oldest beyond ``maximum``."""
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.maximum:
                self._entries.popitem(last=False)

    def discard(self, key: K) -> None:
        """Forget ``key``, if it is remembered."""
        with self._lock:
            self._entries.pop(key, None)
