"""What every resolver shares: running a mutation, and shaping a page as a connection."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.platform.context import Context
from services.platform.errors import Problem
from services.platform.paging import Page, page_of_loaded, page_size
from services.platform.transactions import run_change

T = TypeVar("T")


class _Identified(Protocol):
    @property
    def id(self) -> int | None: ...


I = TypeVar("I", bound=_Identified)  # noqa: E741


async def mutate(context: Context, work: Callable[[AsyncSession], Awaitable[T]]) -> tuple[T | None, list[Problem]]:
    """A mutation's change, as the caller, in one transaction (services.platform.transactions)."""
    return await run_change(context.db, context.principal, work)


@dataclass(frozen=True)
class Refusal:
    """A request refused before any operation runs (its token, its persisted query): one error, a
    stable code and a Chinese message."""

    code: str
    message: str


@dataclass(frozen=True)
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@dataclass(frozen=True)
class Edge(Generic[T]):
    cursor: str
    node: T


@dataclass(frozen=True)
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    count: Callable[[], Awaitable[int]]


def connection(page: Page[T], count: Callable[[], Awaitable[int]]) -> Connection[T]:
    edges = [Edge(cursor, node) for cursor, node in zip(page.cursors, page.items, strict=True)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        ),
        count=count,
    )


async def total_count(root: Connection[object]) -> int:
    return await root.count()


async def paged(
    context: Context,
    first: int | None,
    after: str | None,
    page: Callable[[AsyncSession, int, str | None], Awaitable[Page[T]]],
    count: Callable[[AsyncSession], Awaitable[int]],
) -> Connection[T]:
    """A list field's connection: `first` capped, the page read now in a session of its own,
    the count only when `totalCount` is asked for (in another session: resolvers run concurrently)."""
    size = page_size(first, context.settings.max_page_size)
    async with context.session() as session:
        found = await page(session, size, after)

    async def total() -> int:
        async with context.session() as session:
            return await count(session)

    return connection(found, total)


def loaded(context: Context, rows: Sequence[I], kind: str, first: int | None, after: str | None) -> Connection[I]:
    """A connection over rows a DataLoader already holds, in their order (an entity's records)."""

    async def total() -> int:
        return len(rows)

    return connection(page_of_loaded(rows, kind, page_size(first, context.settings.max_page_size), after), total)
