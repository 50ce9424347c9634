"""The admin home: counts of entities by district, by status and by 四色警示 colour, as the
caller may see them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import MarketEntity, Region
from models.enums import EntityStatus, RiskColour
from services.platform.access import principal_of, require_authenticated


@dataclass(frozen=True)
class DistrictCounts:
    region_code: str
    region_name: str
    by_status: dict[EntityStatus, int]
    by_colour: dict[RiskColour, int]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


async def entity_counts(session: AsyncSession) -> list[DistrictCounts]:
    """One grouped statement; the row policy keeps a district user to its district."""
    require_authenticated(principal_of(session))
    rows = (
        await session.execute(
            select(
                col(MarketEntity.region_code),
                col(MarketEntity.status),
                col(MarketEntity.risk_colour),
                func.count(col(MarketEntity.id)),
            ).group_by(col(MarketEntity.region_code), col(MarketEntity.status), col(MarketEntity.risk_colour))
        )
    ).all()
    names = {r.code: r.name for r in (await session.scalars(select(Region))).all()}
    grouped: dict[str, DistrictCounts] = {}
    for region_code, status, colour, count in rows:
        counts = grouped.setdefault(
            region_code,
            DistrictCounts(region_code, names.get(region_code, region_code), dict.fromkeys(EntityStatus, 0),
                           dict.fromkeys(RiskColour, 0)),
        )  # fmt: skip
        counts.by_status[status] += count
        counts.by_colour[colour] += count
    return [grouped[code] for code in sorted(grouped)]
