"""The admin home: counts of entities by district and status, as the caller may see them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import MarketEntity, Region
from models.enums import EntityStatus
from services.access import principal_of, require_authenticated


@dataclass(frozen=True)
class DistrictCounts:
    region_code: str
    region_name: str
    by_status: dict[EntityStatus, int]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


async def entity_counts(session: AsyncSession) -> list[DistrictCounts]:
    """One grouped statement; the row policy keeps a district user to its district."""
    require_authenticated(principal_of(session))
    rows = (
        await session.execute(
            select(col(MarketEntity.region_code), col(MarketEntity.status), func.count(col(MarketEntity.id))).group_by(
                col(MarketEntity.region_code), col(MarketEntity.status)
            )
        )
    ).all()
    names = {r.code: r.name for r in (await session.scalars(select(Region))).all()}
    grouped: dict[str, dict[EntityStatus, int]] = {}
    for region_code, status, count in rows:
        grouped.setdefault(region_code, dict.fromkeys(EntityStatus, 0))[status] = count
    return [DistrictCounts(code, names.get(code, code), grouped[code]) for code in sorted(grouped)]
