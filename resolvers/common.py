"""What every resolver shares: running a mutation, and shaping a page as a connection."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.context import Context
from services.platform.errors import Problem
from services.platform.paging import Page
from services.platform.transactions import run_change

T = TypeVar("T")


async def mutate(context: Context, work: Callable[[AsyncSession], Awaitable[T]]) -> tuple[T | None, list[Problem]]:
    """A mutation's change, as the caller, in one transaction (services.platform.transactions)."""
    return await run_change(context.db, context.principal, work)


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
