"""The audited upsert: one catalog row by its natural key, inserted or updated from values a
service has already checked, with an audit event when (and only when) it changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col, select

from models.types import utcnow
from services.platform import audit
from services.platform.errors import Expect, check_expectation

M = TypeVar("M", bound=SQLModel)


@dataclass(frozen=True)
class Upserted(Generic[M]):
    """What an upsert did: the row as stored, whether it is new, whether anything changed
    (and so was audited)."""

    row: M
    created: bool
    changed: bool


async def upsert(
    session: AsyncSession,
    model: type[M],
    key: Mapping[str, Any],
    values: Mapping[str, Any],
    *,
    action: str,
    expect: Expect = Expect.ANY,
    label: str = "",
    exclude: tuple[str, ...] = ("id",),
    stamp: str | None = None,
    object_id: str | None = None,
    department_code: str | None = None,
) -> Upserted[M]:
    """Find the row of `model` whose `key` columns hold the given values; create it from `key`
    and `values`, or set `values` on it.

    `expect` is checked first (a create form must not overwrite, an edit form must not create;
    `label` names the thing in that message, and the key's first column is the field blamed).
    The audit event `action` carries the row before and after, leaving out `exclude` (the
    surrogate id and timestamps, which would make every save look like a change); an upsert that
    changes nothing writes no event. A `{change}` in `action` reads "created" or "updated". The
    event names the row by `object_id`, by default its key's values; `department_code` is the
    department acted for (services.platform.audit.record). `stamp` names a timestamp column set
    to now when the row changed.
    """
    query = select(model)
    for column, value in key.items():
        query = query.where(col(getattr(model, column)) == value)
    row = await session.scalar(query)
    if object_id is None:
        object_id = ":".join(str(value) for value in key.values())
    check_expectation(expect, row is not None, label, object_id, next(iter(key)))
    before = audit.snapshot(row, exclude=exclude) if row is not None else None
    if row is None:
        row = model(**key, **values)
        session.add(row)
    else:
        for column, value in values.items():
            setattr(row, column, value)
    after = audit.snapshot(row, exclude=exclude)
    changed = before != after
    if changed:
        if stamp is not None:
            setattr(row, stamp, utcnow())
        await session.flush()
        change = "created" if before is None else "updated"
        await audit.record(
            session, action.format(change=change), model.__name__, object_id, before, after, department_code
        )
    return Upserted(row, before is None, changed)
