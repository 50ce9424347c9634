"""Sparse or dense: whether a read gathers its hits and sorts them, or walks the page's order.

A condition an index serves (a box, a text fragment) may hold a few rows or most of the
registry. Few: the index finds them all and they are sorted for the page. Many: reading the
rows in the page's order and testing each one finds a page sooner, about 20 × rows ÷ hits rows
read. The index is read up to MANY hits to decide, so the choice costs a few thousand index
entries at most; on PostgreSQL the planner's estimate decides first when it is far past MANY
(a GIN index hands over all its hits at once, not the first MANY)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import ClauseElement, Executable, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler

# Past this many hits a walk reads at most 20 × entities ÷ MANY rows a page (4,000 at
# 1,000,000), about what gathering and sorting MANY hits costs.
MANY = 5_000
# An estimate this many times MANY is trusted without reading the index: the planner's
# statistics are a sample, fair for a common fragment, not for one near MANY.
TRUSTED = 4


async def dense(session: AsyncSession, hits: Select[Any], many: int | None = None) -> bool:
    """Whether `hits` holds `many` (MANY) rows or more, counted in the database, stopping there;
    read with `hits`' own execution options (the row policy's among them)."""
    many = MANY if many is None else many
    counted = select(func.count()).select_from(hits.limit(many).subquery())
    found = await session.scalar(counted.execution_options(**hits.get_execution_options()))
    return (found or 0) >= many


async def few(
    session: AsyncSession, hits: Select[Any], many: int | None = None, estimated: bool = True
) -> list[Any] | None:
    """The first column of every row of `hits` when there are fewer than `many` (MANY); None
    when there are as many or more (then walk the order instead). `hits` reads no table the
    row policy restricts (the planner's estimate is asked of it as written). `estimated`: whether
    the planner's estimate may decide (not where its conditions are correlated, which it takes
    for independent)."""
    many = MANY if many is None else many
    if estimated and await estimate(session, hits) >= TRUSTED * many:
        return None
    found = list((await session.scalars(hits.limit(many))).all())
    return None if len(found) >= many else found


class _Explained(Executable, ClauseElement):
    inherit_cache = False

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement


@compiles(_Explained, "postgresql")
def _explain(element: _Explained, compiler: SQLCompiler, **kw: Any) -> str:
    return f"EXPLAIN (FORMAT JSON) {compiler.process(element.statement, **kw)}"


async def estimate(session: AsyncSession, hits: Select[Any]) -> float:
    """The planner's estimate of the rows `hits` holds (PostgreSQL; 0 elsewhere: read them)."""
    if session.get_bind().dialect.name != "postgresql":
        return 0
    plan: Any = (await session.execute(_Explained(hits))).scalar()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return float(plan[0]["Plan"]["Plan Rows"])
