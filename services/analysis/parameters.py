"""The analyses' limits, kept by catalog maintainers: the longest period an analysis may cover.

Each setting is a new row, audited; the newest is in force from the next read. Until a
maintainer sets one, DEFAULT_MAX_PERIOD_DAYS holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import AnalysisParameters
from services.platform import audit
from services.platform.access import principal_of, require_maintainer
from services.platform.errors import Collector

# Until a maintainer sets another: three years and a day, so that any three calendar years fit.
DEFAULT_MAX_PERIOD_DAYS = 3 * 366 + 1
# A maintainer may allow up to ten years and a few days: no analysis scans the whole history by accident.
CEILING_DAYS = 10 * 366 + 1


@dataclass(frozen=True)
class InForce:
    max_period_days: int
    set_by: str | None  # None: the default, no maintainer has set one
    set_at: datetime | None


async def in_force(session: AsyncSession) -> InForce:
    row = await session.scalar(select(AnalysisParameters).order_by(col(AnalysisParameters.id).desc()).limit(1))
    if row is None:
        return InForce(DEFAULT_MAX_PERIOD_DAYS, None, None)
    return InForce(row.max_period_days, row.set_by, row.set_at)


async def set_max_period_days(session: AsyncSession, days: int) -> AnalysisParameters | None:
    """A maintainer's new longest period, checked and audited; None when it is the one in force."""
    principal = principal_of(session)
    require_maintainer(principal)
    problems = Collector()
    if not 1 <= days <= CEILING_DAYS:
        problems.add("OUT_OF_RANGE", f"最长统计期间须为 1 至 {CEILING_DAYS} 天", "maxPeriodDays")
    problems.raise_if_any()
    before = await in_force(session)
    if before.max_period_days == days:
        return None
    row = AnalysisParameters(max_period_days=days, set_by=principal.name[:128])
    session.add(row)
    await session.flush()
    await audit.record(session, "analysis.parameters_set", "AnalysisParameters", "current",
                       {"maxPeriodDays": before.max_period_days}, {"maxPeriodDays": days})  # fmt: skip
    return row
