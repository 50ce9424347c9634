"""Sparse or dense: whether a read gathers its hits and sorts them, or walks the page's order.

A condition an index serves (a box, a text fragment) may hold a few rows or most of the
registry. Few: the index finds them all and they are sorted for the page. Many: reading the
rows in the page's order and testing each one finds a page sooner, about 20 × rows ÷ hits rows
read. The index is read up to MANY hits to decide, so the choice costs a few thousand index
entries at most."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

# Past this many hits a walk reads at most 20 × entities ÷ MANY rows a page (4,000 at
# 1,000,000), about what gathering and sorting MANY hits costs.
MANY = 5_000


async def dense(session: AsyncSession, hits: Select[Any], many: int | None = None) -> bool:
    """Whether `hits` holds `many` (MANY) rows or more, counted in the database, stopping there."""
    many = MANY if many is None else many
    found = await session.scalar(select(func.count()).select_from(hits.limit(many).subquery()))
    return (found or 0) >= many


async def few(session: AsyncSession, hits: Select[Any], many: int | None = None) -> list[Any] | None:
    """The first column of every row of `hits` when there are fewer than `many` (MANY); None
    when there are as many or more (then walk the order instead)."""
    many = MANY if many is None else many
    found = list((await session.scalars(hits.limit(many))).all())
    return None if len(found) >= many else found
