"""检查对象名录库: a department's saved filters over the registry, and the filter a plan draws from.

A filter is stored as JSON with the keys the draw record publishes (regionCode, industryPrefix,
entityType, status, matterCode, colours), and turned into SQL on `MarketEntity` here only, so a
directory's count, a plan's candidates and the published words of the filter agree."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, MarketEntity, Region
from models.enums import EntityStatus, EntityType, RiskColour
from models.spotchecks import EntityDirectory
from services.platform import checks
from services.platform.access import Operation, acting_department, principal_of, require
from services.platform.errors import Collector
from services.platform.labels import label
from services.platform.upsert import Upserted, upsert
from services.registry.registry import EntityFilter, checked_matter, entity_conditions, matter_options

NAME_LIMIT = 128
_INDUSTRY_PREFIX = re.compile(r"^[A-T]\d{0,4}$", re.ASCII)
FILTER_KEYS = ("regionCode", "industryPrefix", "entityType", "status", "matterCode", "colours")


@dataclass(frozen=True)
class DirectoryFilter:
    region_code: str | None = None
    industry_prefix: str | None = None
    entity_type: EntityType | None = None
    status: EntityStatus | None = None
    matter_code: str | None = None
    colours: list[RiskColour] | None = None


@dataclass(frozen=True)
class DirectoryInput:
    name: str
    filter: DirectoryFilter
    department_code: str | None = None  # a maintainer keeps the directory of the department it names


@dataclass(frozen=True)
class DirectoryWithCount:
    directory: EntityDirectory
    entity_count: int


async def checked_filter(
    session: AsyncSession, flt: DirectoryFilter | None, problems: Collector, field: str = "filter"
) -> dict[str, Any]:
    """The filter as stored and published: every key present, null where not given; unknown
    region or matter codes and a malformed industry prefix are problems on their fields."""
    flt = flt or DirectoryFilter()
    region = (flt.region_code or "").strip() or None
    if region is not None:
        before = len(problems.problems)
        checks.code(region, checks.REGION_CODE, f"{field}.regionCode", problems)
        if len(problems.problems) == before and await session.get(Region, region) is None:
            problems.add("UNKNOWN_REGION", f"行政区划“{region}”不存在", f"{field}.regionCode")
    industry = (flt.industry_prefix or "").strip().upper() or None
    if industry is not None and not _INDUSTRY_PREFIX.match(industry):
        problems.add(
            "INVALID_INDUSTRY_PREFIX",
            f"行业代码前缀“{checks.characters(industry, '行业代码前缀', None, Collector())}”不符合 GB/T 4754-2017"
            "（门类字母 A–T，后接至多 4 位数字，如 H 或 H62）",
            f"{field}.industryPrefix",
        )
    matter = await checked_matter(session, flt.matter_code, f"{field}.matterCode", problems)
    colours = [c.value for c in RiskColour if c in (flt.colours or [])] or None
    return {
        "regionCode": region,
        "industryPrefix": industry,
        "entityType": flt.entity_type.value if flt.entity_type else None,
        "status": flt.status.value if flt.status else None,
        "matterCode": matter,
        "colours": colours,
    }


def filter_conditions(stored: dict[str, Any]) -> list[ColumnElement[bool]]:
    """SQL on MarketEntity for a stored filter. The registry's own conditions where they fit (a
    matter is an entity with a notice of it: registry.subject_to_matter); a region is the
    entities of it or of its districts. Run through the ORM, the statement needs
    `matter_options()` (registry's): see there why."""
    conditions = entity_conditions(
        EntityFilter(
            industry_code=stored.get("industryPrefix"),
            entity_type=EntityType(stored["entityType"]) if stored.get("entityType") else None,
            status=EntityStatus(stored["status"]) if stored.get("status") else None,
            matter_code=stored.get("matterCode"),
        )
    )
    region = stored.get("regionCode")
    if region:
        districts = select(col(Region.code)).where(col(Region.parent_code) == region)
        conditions.append(sa.or_(col(MarketEntity.region_code) == region, col(MarketEntity.region_code).in_(districts)))
    colours = stored.get("colours")
    if colours:
        conditions.append(col(MarketEntity.risk_colour).in_([RiskColour(c) for c in colours]))
    return conditions


def describe(stored: dict[str, Any], region_names: dict[str, str] | None = None) -> str:
    """The filter in words, for the public page."""
    parts = []
    if stored.get("regionCode"):
        code = stored["regionCode"]
        parts.append(
            f"行政区划 {code}{('（' + region_names[code] + '）') if region_names and code in region_names else ''}"
        )
    if stored.get("industryPrefix"):
        parts.append(f"行业代码以 {stored['industryPrefix']} 开头")
    if stored.get("entityType"):
        parts.append(f"主体类型 {label(EntityType(stored['entityType']))}")
    if stored.get("status"):
        parts.append(f"登记状态 {label(EntityStatus(stored['status']))}")
    if stored.get("matterCode"):
        parts.append(f"涉及监管事项 {stored['matterCode']}")
    if stored.get("colours"):
        parts.append("风险颜色 " + "、".join(label(RiskColour(c)) for c in stored["colours"]))
    return "；".join(parts) if parts else "全部主体（不设筛选条件）"


async def count_matching(session: AsyncSession, stored: dict[str, Any]) -> int:
    query = select(func.count(col(MarketEntity.id))).where(*filter_conditions(stored))
    return int(await session.scalar(query.execution_options(**matter_options())) or 0)


async def upsert_entity_directory(session: AsyncSession, data: DirectoryInput) -> DirectoryWithCount:
    """A department's directory by name (a maintainer keeps the one of the department it names),
    audited; with how many entities it matches now, as the caller sees them."""
    principal = principal_of(session)
    require(principal, Operation.UPSERT_ENTITY_DIRECTORY)
    department = await acting_department(session, principal, data.department_code)
    problems = Collector()
    name = checks.text(data.name, "名录库名称", "name", problems, limit=NAME_LIMIT)
    stored = await checked_filter(session, data.filter, problems)
    problems.raise_if_any()
    assert department.id is not None
    done: Upserted[EntityDirectory] = await upsert(
        session,
        EntityDirectory,
        {"department_id": department.id, "name": name},
        {"filter": stored},
        action="entity_directory.{change}",
        exclude=("id", "created_at", "updated_at"),
        stamp="updated_at",
        object_id=f"{department.code}:{name}",
        department_code=department.code,
    )
    return DirectoryWithCount(done.row, await count_matching(session, stored))


async def list_directories(session: AsyncSession, department_code: str | None = None) -> list[EntityDirectory]:
    """The caller's department's directories (the row policy); a maintainer reads all, or one department's."""
    principal = principal_of(session)
    require(principal, Operation.ENTITY_DIRECTORIES)
    query = select(EntityDirectory)
    named = (department_code or "").strip()
    if named:
        department = select(col(Department.id)).where(col(Department.code) == named).scalar_subquery()
        query = query.where(col(EntityDirectory.department_id) == department)
    rows = await session.scalars(query.order_by(col(EntityDirectory.department_id), col(EntityDirectory.name)))
    return list(rows.all())


async def directory_counts(session: AsyncSession, directories: Sequence[EntityDirectory]) -> list[int]:
    return [await count_matching(session, d.filter) for d in directories]
