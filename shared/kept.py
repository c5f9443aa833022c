"""What a service keeps in memory between units of work (reference records, the auditor's
acts): a bounded map, the least recently used going first, safe across request threads.
Whoever keeps something checks it against the database before each use; this only keeps."""

from __future__ import annotations

import contextlib
from collections.abc import Hashable
from typing import Generic, TypeVar

from eventsourcing.application import LRUCache

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Kept(Generic[K, V]):
    def __init__(self, maxsize: int) -> None:
        self._kept: LRUCache[K, V] = LRUCache(maxsize=maxsize)

    def get(self, key: K) -> V | None:
        try:
            return self._kept.get(key)
        except KeyError:
            return None

    def put(self, key: K, value: V) -> None:
        self._kept.put(key, value)

    def forget(self, key: K) -> None:
        # Another thread may have forgotten it first.
        with contextlib.suppress(KeyError):
            self._kept.get(key, evict=True)
