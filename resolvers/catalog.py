"""Regions and departments over GraphQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models import Department, Region, SupervisionMatter
from models.enums import DepartmentLevel
from resolvers.common import mutate
from resolvers.context import GqlInfo
from schema.inputs import UpsertDepartmentInput, UpsertRegionInput, UpsertSupervisionMatterInput
from services.catalog import catalog as catalog_service
from services.platform.errors import Problem
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


@dataclass(frozen=True)
class UpsertRegionResult:
    region: Region | None
    created: bool
    errors: list[Problem]


async def upsert_region(info: GqlInfo, input: UpsertRegionInput) -> UpsertRegionResult:
    data = region_service.RegionInput(input.code, input.name, input.parent_code)
    outcome, errors = await mutate(info.context, lambda session: region_service.upsert_region(session, data))
    return UpsertRegionResult(outcome.row, outcome.created, []) if outcome else UpsertRegionResult(None, False, errors)


@dataclass(frozen=True)
class UpsertDepartmentResult:
    department: Department | None
    created: bool
    errors: list[Problem]


async def upsert_department(info: GqlInfo, input: UpsertDepartmentInput) -> UpsertDepartmentResult:
    data = department_service.DepartmentInput(
        input.code, input.name, input.level, input.region_code, input.is_registration_authority, input.line
    )
    outcome, errors = await mutate(info.context, lambda session: department_service.upsert_department(session, data))
    if outcome is None:
        return UpsertDepartmentResult(None, False, errors)
    return UpsertDepartmentResult(outcome.row, outcome.created, [])


async def supervision_matters(info: GqlInfo, effective_on: date | None = None) -> list[SupervisionMatter]:
    async with info.context.session() as session:
        return await catalog_service.list_matters(session, effective_on)


async def handling_department(root: SupervisionMatter, info: GqlInfo) -> Department | None:
    if root.handling_department_id is None:
        return None
    return await info.context.loaders.department_by_id.load(root.handling_department_id)


@dataclass(frozen=True)
class UpsertSupervisionMatterResult:
    matter: SupervisionMatter | None
    errors: list[Problem]


async def upsert_supervision_matter(
    info: GqlInfo, input: UpsertSupervisionMatterInput
) -> UpsertSupervisionMatterResult:
    data = catalog_service.MatterInput(
        code=input.code,
        name=input.name,
        mode=input.mode,
        legal_basis=input.legal_basis,
        line=input.line,
        approval_level=input.approval_level,
        effective_from=input.effective_from,
        handling_department_code=input.handling_department_code,
        entry_codes=input.entry_codes,
        keywords=input.keywords,
        industry_codes=input.industry_codes,
        claim_deadline_days=input.claim_deadline_days,
        effective_to=input.effective_to,
    )
    outcome, errors = await mutate(
        info.context, lambda session: catalog_service.upsert_supervision_matter(session, data)
    )
    return UpsertSupervisionMatterResult(outcome.row if outcome else None, errors)
