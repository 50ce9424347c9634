"""Regions and departments over GraphQL."""

from __future__ import annotations

from typing import Annotated

import strawberry

from models import Department, Region
from models.enums import DepartmentLevel
from resolvers.platform.context import GqlInfo
from services.registry import departments as department_service
from services.registry import regions as region_service


async def departments(
    info: GqlInfo,
    level: Annotated[
        DepartmentLevel | None, strawberry.argument(description="只列此层级的部门 / Only departments of this level.")
    ] = None,
    region_code: Annotated[
        str | None, strawberry.argument(description="只列此行政区划的部门 / Only departments of this region.")
    ] = None,
) -> list[Department]:
    async with info.context.session() as session:
        return await department_service.list_departments(session, level, region_code)


async def regions(info: GqlInfo) -> list[Region]:
    async with info.context.session() as session:
        return await region_service.list_regions(session)
