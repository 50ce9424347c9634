"""一单两库 are a department's own lists: who keeps them, for which department."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department
from services.platform.access import acting_department, principal_of
from services.platform.errors import DomainError


async def keeping_department(session: AsyncSession, department_code: str | None, what: str) -> Department:
    """The department whose list the caller keeps: its own, or the one a maintainer names.

    A department naming another is told so as data (NOT_OWN_DEPARTMENT on departmentCode), not
    refused as a stranger: it may keep lists, only not another department's."""
    principal = principal_of(session)
    if (
        not principal.is_maintainer
        and principal.department_id is not None
        and department_code
        and department_code != principal.department_code
    ):
        message = f"只能维护本部门的{what}，不能维护“{department_code}”的"
        raise DomainError("NOT_OWN_DEPARTMENT", message, "departmentCode")
    return await acting_department(session, principal, department_code)


async def department_id_of(session: AsyncSession, code: str | None) -> int | None:
    """A list filter's department: its id, or -1 (matching nothing) for an unknown code."""
    if not code or not code.strip():
        return None
    found = await session.scalar(select(col(Department.id)).where(col(Department.code) == code.strip()))
    return int(found) if found is not None else -1
