"""公示: what the public may see of one entity, without a login."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import License, MarketEntity, Penalty
from services.platform.access import UNRESTRICTED
from services.platform.clock import today
from services.platform.errors import Collector
from services.records.records import public_records
from services.registry import uscc


@dataclass(frozen=True)
class PublicProfile:
    """What domain.md makes public about one entity: its name and code, and its
    effective licenses and penalties inside their publicity period (双公示).
    Published inspection results and current listings join it as they arrive."""

    uscc: str
    name: str
    licenses: list[License]
    penalties: list[Penalty]


async def public_profile(session: AsyncSession, code: str) -> PublicProfile | None:
    problems = Collector()
    normalised = uscc.checked_uscc(code, problems).code
    problems.raise_if_any()
    # Public data is the same for every caller, so no jurisdiction applies.
    entity = await session.scalar(
        select(MarketEntity).where(col(MarketEntity.uscc) == normalised).execution_options(**UNRESTRICTED)
    )
    if entity is None or entity.id is None:
        return None
    shown = await public_records(session, entity.id, today())
    return PublicProfile(entity.uscc, entity.name, shown.licenses, shown.penalties)
