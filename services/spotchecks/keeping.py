"""一单两库 are a department's own lists: who keeps them, for which department."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department
from services.platform.access import acting_department, principal_of


async def keeping_department(session: AsyncSession, department_code: str | None) -> Department:
    """The department whose list the caller keeps: its own, or the one a maintainer names; a
    department naming another is refused like any act in another's name (access.acting_department)."""
    return await acting_department(session, principal_of(session), department_code)


async def department_id_of(session: AsyncSession, code: str | None) -> int | None:
    """A list filter's department: its id, or -1 (matching nothing) for an unknown code."""
    if not code or not code.strip():
        return None
    found = await session.scalar(select(col(Department.id)).where(col(Department.code) == code.strip()))
    return int(found) if found is not None else -1
