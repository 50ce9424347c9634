"""Conditional state changes: one UPDATE … WHERE <still in a state it may leave> RETURNING.

Two requests at once (two clicks, two workers, two machines) both read the row as it was;
the database lets exactly one UPDATE find it still in the state it leaves, and the other is
refused with the caller's error, never a second change over the first."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from enum import Enum
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from services.platform import follow_on
from services.platform.errors import DomainError

M = TypeVar("M", bound=SQLModel)
S = TypeVar("S", bound=Enum)


async def conditional_update(
    session: AsyncSession,
    model: type[M],
    id: int,
    conditions: Sequence[ColumnElement[bool]],
    values: Mapping[str, Any],
) -> M | None:
    """Set `values` on row `id` of `model` only while `conditions` hold (and the row policy lets
    the caller change it), in one statement: the row as it now stands (a copy the session
    already holds is brought up to date), or None when this call changed nothing. The change is
    reported to the follow-on updates, as a flush of the row would be."""
    key = inspect(model).columns["id"]
    changed = await session.scalar(
        update(model)
        .where(key == id, *conditions)
        .values(**values)
        .returning(key)
        .execution_options(synchronize_session=False)
    )
    if changed is None:
        return None
    row = await session.get(model, id, populate_existing=True)
    assert row is not None, "a row the caller may change is one it may read"
    follow_on.updated(session, row, values)
    return row


async def transition(
    session: AsyncSession,
    model: type[M],
    id: int,
    from_states: Collection[S],
    to_state: S,
    values: Mapping[str, Any] | None = None,
    *,
    where: Sequence[ColumnElement[bool]] = (),
    not_found: Callable[[M | None], DomainError],
    wrong_state: Callable[[M], DomainError],
) -> M:
    """Move row `id` of `model` from one of `from_states` to `to_state` (its `status`), setting
    `values` too, if it also meets `where` (whose rows the caller may move): the row as it now
    stands. Refused, it raises `not_found(row)` when no row of that id meets `where` (the row
    passed, if one exists that the caller may see, to tell why), else `wrong_state(row)`."""
    columns = inspect(model).columns
    status = columns["status"]
    moved = await conditional_update(
        session, model, id, [status.in_(list(from_states)), *where], {"status": to_state, **(values or {})}
    )
    if moved is not None:
        return moved
    row = await session.get(model, id, populate_existing=True)
    if row is None:
        raise not_found(None)
    if where:
        key = columns["id"]
        if await session.scalar(select(key).where(key == id, *where)) is None:
            raise not_found(row)
    raise wrong_state(row)
