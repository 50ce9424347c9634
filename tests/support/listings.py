"""经营异常名录 and 严重违法失信名单: the listing documents and inputs, and entities never listed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from models import Department, Listing, MarketEntity
from models.enums import EntityStatus
from services.platform.clock import today
from services.platform.db import Database
from services.platform.principal import Principal

LIST = """
mutation($i: ListEntityInput!) {
  listEntity(input: $i) {
    listing { id kind reason reasonLabel listedOn documentNumber facts standing escalationDueOn dueForEscalation
              removedOn department { code } entity { uscc } }
    errors { field code message }
  }
}
"""


DELIST = """
mutation($i: DelistEntityInput!) {
  delistEntity(input: $i) {
    listing { id reason removedOn removalReason removalNote standing removedBy { code } }
    errors { field code message }
  }
}
"""


async def unlisted(db: Database, authority: str, region: str | None = "210202", count: int = 1) -> list[str]:
    """Active entities of `region` (None: any) registered by `authority`, established over 4 years ago, never listed."""
    async with db.session(Principal.system()) as session:
        rows = await session.scalars(
            select(col(MarketEntity.uscc))
            .join(Department, col(Department.id) == col(MarketEntity.registration_authority_id))
            .where(
                col(Department.code) == authority,
                col(MarketEntity.region_code) == (region or col(MarketEntity.region_code)),
                col(MarketEntity.status) == EntityStatus.ACTIVE,
                col(MarketEntity.established_on) < today() - timedelta(days=4 * 365),
                ~select(col(Listing.id)).where(col(Listing.entity_id) == col(MarketEntity.id)).exists(),
            )
            .order_by(col(MarketEntity.uscc))
            .limit(count)
        )
        found = list(rows.all())
    assert len(found) == count, f"the demo city has too few such entities of {authority}"
    return found


def listing(uscc: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "uscc": uscc,
        "kind": "ABNORMAL_OPERATION",
        "reason": "ANNUAL_REPORT",
        "documentNumber": "大中山市监异字〔2026〕第 3 号",
        "listedOn": (today() - timedelta(days=100)).isoformat(),
        "facts": "未在 2026 年 6 月 30 日前报送 2025 年度报告",
    }
    data.update(overrides)
    return data


def removal(uscc: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "uscc": uscc,
        "kind": "ABNORMAL_OPERATION",
        "removedOn": (today() - timedelta(days=10)).isoformat(),
        "reason": "CURED",
    }
    data.update(overrides)
    return data
