"""行政区划 (GB/T 2260) maintenance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Region
from models.enums import RegionLevel
from services.platform import checks
from services.platform.access import principal_of, require_authenticated, require_maintainer
from services.platform.errors import Collector, Expect
from services.platform.text_columns import column_limit
from services.platform.upsert import Upserted, upsert

_RANK = {RegionLevel.PROVINCE: 0, RegionLevel.CITY: 1, RegionLevel.DISTRICT: 2}


@dataclass(frozen=True)
class RegionInput:
    code: str
    name: str
    parent_code: str | None = None


def level_of(code: str) -> RegionLevel:
    """GB/T 2260: `xx0000` a province, `xxxx00` a prefecture-level city, else a county-level district."""
    if code.endswith("0000"):
        return RegionLevel.PROVINCE
    if code.endswith("00"):
        return RegionLevel.CITY
    return RegionLevel.DISTRICT


async def upsert_region(session: AsyncSession, data: RegionInput, expect: Expect = Expect.ANY) -> Upserted[Region]:
    require_maintainer(principal_of(session))
    problems = Collector()
    code = checks.code(data.code, checks.REGION_CODE, "code", problems)
    name = checks.text(
        data.name, "名称", "name", problems, limit=column_limit(Region.name), missing_code="NAME_REQUIRED"
    )
    parent_code = (data.parent_code or "").strip() or None
    problems.raise_if_any()
    level = level_of(code)
    if parent_code is not None:
        parent = await session.get(Region, parent_code)
        if parent is None:
            problems.add("UNKNOWN_REGION", f"上级行政区划“{parent_code}”不存在", "parentCode")
        elif _RANK[parent.level] >= _RANK[level]:
            problems.add("INVALID_PARENT", "上级行政区划的层级必须高于本级", "parentCode")
    problems.raise_if_any()

    return await upsert(
        session,
        Region,
        {"code": code},
        {"name": name, "level": level, "parent_code": parent_code},
        expect=expect,
        label="行政区划",
        action="region.upserted",
        exclude=(),
    )


async def regions_by_codes(session: AsyncSession, codes: Sequence[str]) -> list[Region | None]:
    """For a DataLoader: regions in the order of `codes` (None where unknown)."""
    rows = await session.scalars(select(Region).where(col(Region.code).in_(list(codes))))
    by_code = {row.code: row for row in rows}
    return [by_code.get(key) for key in codes]


async def list_regions(session: AsyncSession) -> list[Region]:
    require_authenticated(principal_of(session))
    return list((await session.scalars(select(Region).order_by(Region.code))).all())


async def districts(session: AsyncSession) -> list[Region]:
    """The districts (区县级), in code order: where entities are registered."""
    require_authenticated(principal_of(session))
    query = select(Region).where(col(Region.level) == RegionLevel.DISTRICT).order_by(col(Region.code))
    return list((await session.scalars(query)).all())
