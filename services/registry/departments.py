"""部门 maintenance and lookup."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, Region
from models.enums import DepartmentLevel, RegionLevel
from services.platform import checks
from services.platform.access import principal_of, require_authenticated, require_maintainer
from services.platform.errors import Collector, DomainError, Expect
from services.platform.text_columns import column_limit
from services.platform.upsert import Upserted, upsert

_REGION_LEVEL = {DepartmentLevel.CITY: RegionLevel.CITY, DepartmentLevel.DISTRICT: RegionLevel.DISTRICT}


@dataclass(frozen=True)
class DepartmentInput:
    code: str
    name: str
    level: DepartmentLevel
    region_code: str
    is_registration_authority: bool = False
    line: str | None = None


async def upsert_department(
    session: AsyncSession, data: DepartmentInput, expect: Expect = Expect.ANY
) -> Upserted[Department]:
    require_maintainer(principal_of(session))
    problems = Collector()
    code = checks.code(data.code, checks.DEPARTMENT_CODE, "code", problems)
    name = checks.text(
        data.name, "名称", "name", problems, limit=column_limit(Department.name), missing_code="NAME_REQUIRED"
    )
    region_code = data.region_code.strip()
    line = checks.code(data.line, checks.LINE_CODE, "line", problems) if (data.line or "").strip() else None
    region = await session.get(Region, region_code)
    if region is None:
        problems.add("UNKNOWN_REGION", f"行政区划“{region_code}”不存在", "regionCode")
    elif region.level is not _REGION_LEVEL[data.level]:
        problems.add(
            "LEVEL_REGION_MISMATCH",
            "市级部门须对应市级行政区划，区县级部门须对应区县级行政区划",
            "regionCode",
        )
    problems.raise_if_any()

    values = {
        "name": name,
        "level": data.level,
        "region_code": region_code,
        "is_registration_authority": data.is_registration_authority,
        "line": line,
    }
    return await upsert(
        session, Department, {"code": code}, values, expect=expect, label="部门", action="department.upserted"
    )


async def list_departments(
    session: AsyncSession, level: DepartmentLevel | None = None, region_code: str | None = None
) -> list[Department]:
    require_authenticated(principal_of(session))
    query = select(Department).order_by(Department.code)
    if level is not None:
        query = query.where(col(Department.level) == level)
    if region_code is not None:
        query = query.where(col(Department.region_code) == region_code)
    return list((await session.scalars(query)).all())


async def departments_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Department | None]:
    """For a DataLoader: departments in the order of `ids` (None where unknown)."""
    rows = await session.scalars(select(Department).where(col(Department.id).in_(list(ids))))
    by_id = {row.id: row for row in rows}
    return [by_id.get(key) for key in ids]


async def get_department(session: AsyncSession, code: str, field: str = "departmentCode") -> Department:
    department = await session.scalar(select(Department).where(col(Department.code) == code.strip()))
    if department is None:
        raise DomainError("UNKNOWN_DEPARTMENT", f"部门“{code}”不存在", field)
    return department
