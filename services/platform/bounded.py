"""A least-recently-used map of bounded size: what a process remembers (tokens, documents, plans,
persisted queries) never grows without end."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Bounded(Generic[K, V]):
    """At most `size` entries, and, with a `weight`, entries weighing at most `max_weight` in all;
    the least recently used go first."""

    def __init__(self, size: int, weight: Callable[[V], int] | None = None, max_weight: int = 0) -> None:
        self.size = size
        self._weight = weight
        self.max_weight = max_weight
        self._weighed = 0
        self._entries: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self.pop(key)
        self._entries[key] = value
        self._weighed += self._weight(value) if self._weight else 0
        while len(self._entries) > self.size or (self._weight and self._weighed > self.max_weight):
            self.pop(next(iter(self._entries)))

    def pop(self, key: K) -> V | None:
        value = self._entries.pop(key, None)
        if value is not None and self._weight:
            self._weighed -= self._weight(value)
        return value

    def __contains__(self, key: K) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def items(self) -> Iterator[tuple[K, V]]:
        return iter(list(self._entries.items()))
