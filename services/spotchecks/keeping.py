"""一单两库 are a department's own lists (services.platform.access.acting_department says whose):
how a list filter names the department."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department


async def department_id_of(session: AsyncSession, code: str | None) -> int | None:
    """A list filter's department: its id, or -1 (matching nothing) for an unknown code."""
    if not code or not code.strip():
        return None
    found = await session.scalar(select(col(Department.id)).where(col(Department.code) == code.strip()))
    return int(found) if found is not None else -1
