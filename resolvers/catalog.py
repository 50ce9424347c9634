"""Regions and departments over GraphQL."""

from __future__ import annotations

from dataclasses import dataclass

from models import Department, Region
from models.enums import DepartmentLevel
from resolvers.common import mutate
from resolvers.context import GqlInfo
from schema.inputs import UpsertDepartmentInput, UpsertRegionInput
from services import departments as department_service
from services import regions as region_service
from services.errors import Problem


async def departments(
    info: GqlInfo, level: DepartmentLevel | None = None, region_code: str | None = None
) -> list[Department]:
    async with info.context.session() as session:
        return await department_service.list_departments(session, level, region_code)


async def regions(info: GqlInfo) -> list[Region]:
    async with info.context.session() as session:
        return await region_service.list_regions(session)


@dataclass(frozen=True)
class UpsertRegionResult:
    region: Region | None
    created: bool
    errors: list[Problem]


async def upsert_region(info: GqlInfo, input: UpsertRegionInput) -> UpsertRegionResult:
    data = region_service.RegionInput(input.code, input.name, input.parent_code)
    outcome, errors = await mutate(info.context, lambda session: region_service.upsert_region(session, data))
    return UpsertRegionResult(outcome[0], outcome[1], []) if outcome else UpsertRegionResult(None, False, errors)


@dataclass(frozen=True)
class UpsertDepartmentResult:
    department: Department | None
    created: bool
    errors: list[Problem]


async def upsert_department(info: GqlInfo, input: UpsertDepartmentInput) -> UpsertDepartmentResult:
    data = department_service.DepartmentInput(
        input.code, input.name, input.level, input.region_code, input.is_registration_authority
    )
    outcome, errors = await mutate(info.context, lambda session: department_service.upsert_department(session, data))
    if outcome is None:
        return UpsertDepartmentResult(None, False, errors)
    return UpsertDepartmentResult(outcome[0], outcome[1], [])
