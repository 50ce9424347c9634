"""Analysis answers kept for a few minutes in this process (statistics, the 绩效考核 ranking).

An answer is a handful of grouped statements over up to three years of records: seconds at a million
entities. Counts of past days do not change, and a few minutes' delay on today's is acceptable for a
chart or a ranking, so the same question asked again within TTL_SECONDS (a reload, a sort, an export,
the next user of the same department) is answered from here. The key always holds what the row policy
decides by (services.platform.access.policy_key), so a caller never sees counts made for another's rows.
Kept per database engine, so two databases in one process (the tests) never share answers."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncSession

from services.platform import clock

T = TypeVar("T")
TTL_SECONDS = 300.0
MAX_ANSWERS = 128  # a few hundred kilobytes at most: the oldest goes first


class _Recent:
    def __init__(self) -> None:
        self.answers: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()

    def get(self, key: Hashable) -> Any | None:
        found = self.answers.get(key)
        if found is None:
            return None
        if found[0] <= clock.seconds():
            del self.answers[key]
            return None
        return found[1]

    def put(self, key: Hashable, value: Any) -> None:
        self.answers[key] = (clock.seconds() + TTL_SECONDS, value)
        self.answers.move_to_end(key)
        while len(self.answers) > MAX_ANSWERS:
            self.answers.popitem(last=False)


_by_engine: WeakKeyDictionary[Engine | Connection, _Recent] = WeakKeyDictionary()


async def remembered(session: AsyncSession, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
    """The answer kept for `key` if it is younger than TTL_SECONDS, else `compute()`'s, kept. The
    caller checks permissions and input before asking: only an answer is kept, never a refusal."""
    recent = _by_engine.setdefault(session.get_bind(), _Recent())
    found = recent.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    answer = await compute()
    recent.put(key, answer)
    return answer


def forget() -> None:
    """Drops every kept answer: the benches time the counting, not the cache."""
    _by_engine.clear()
