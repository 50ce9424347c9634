"""Regions and departments over GraphQL."""

from __future__ import annotations

from datetime import date

from models import Department, Region, SupervisionMatter
from models.enums import DepartmentLevel
from resolvers.context import GqlInfo
from services.catalog import catalog as catalog_service
from services.registry import departments as department_service
from services.registry import regions as region_service


async def departments(
    info: GqlInfo, level: DepartmentLevel | None = None, region_code: str | None = None
) -> list[Department]:
    async with info.context.session() as session:
        return await department_service.list_departments(session, level, region_code)


async def regions(info: GqlInfo) -> list[Region]:
    async with info.context.session() as session:
        return await region_service.list_regions(session)


async def supervision_matters(info: GqlInfo, effective_on: date | None = None) -> list[SupervisionMatter]:
    async with info.context.session() as session:
        return await catalog_service.list_matters(session, effective_on)


async def handling_department(root: SupervisionMatter, info: GqlInfo) -> Department | None:
    if root.handling_department_id is None:
        return None
    return await info.context.loaders.department_by_id.load(root.handling_department_id)
