"""Which entity a department acts on: one of its jurisdiction, found by its code.

The jurisdiction itself is the row policy's (services.platform.access.within_reach); here it
meets the registry: an entity a department cannot reach is, to that department, not there."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, MarketEntity
from services.platform.access import within_reach
from services.platform.errors import DomainError, Problem


class CheckedUscc(Protocol):
    """A code as the caller gave it, normalised, and why its check character fails (if it does)."""

    @property
    def code(self) -> str: ...

    @property
    def check_problem(self) -> str | None: ...


def missing_entity(checked: CheckedUscc) -> Problem:
    """Why no entity answers to a code: its check character is wrong, or the registry (as the
    caller may see it) does not hold it. Never a silent new entity."""
    if checked.check_problem:
        return Problem("INVALID_USCC", checked.check_problem, "uscc")
    return Problem("UNKNOWN_ENTITY", f"统一社会信用代码“{checked.code}”不在主体库中（或不在本部门辖区内）", "uscc")


async def entity_in_reach(session: AsyncSession, checked: CheckedUscc, department: Department) -> MarketEntity:
    """The entity a department acts on: one of its jurisdiction, else UNKNOWN_ENTITY."""
    entity = await session.scalar(
        select(MarketEntity).where(
            col(MarketEntity.uscc) == checked.code, *within_reach(department.level, department.region_code)
        )
    )
    if entity is None:
        raise DomainError.many([missing_entity(checked)])
    return entity


async def reaches(session: AsyncSession, department: Department, entity_id: int) -> bool:
    """Whether the entity lies in the department's jurisdiction (as far as the caller sees it)."""
    reachable = select(col(MarketEntity.id)).where(
        col(MarketEntity.id) == entity_id, *within_reach(department.level, department.region_code)
    )
    return await session.scalar(reachable) is not None
