"""公示: what the public may see of one entity, without a login."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import MarketEntity
from services import uscc
from services.access import UNRESTRICTED
from services.errors import DomainError


@dataclass(frozen=True)
class PublicProfile:
    """What domain.md makes public about one entity. For now its name and code;
    published inspection results, licences and penalties in their publicity
    period, and current listings join it as those records arrive."""

    uscc: str
    name: str


async def public_profile(session: AsyncSession, code: str) -> PublicProfile | None:
    try:
        normalised = uscc.check(code).code
    except uscc.MalformedUscc as exc:
        raise DomainError("INVALID_USCC", exc.message, "uscc") from exc
    # Public data is the same for every caller, so no jurisdiction applies.
    entity = await session.scalar(
        select(MarketEntity).where(col(MarketEntity.uscc) == normalised).execution_options(**UNRESTRICTED)
    )
    return PublicProfile(uscc=entity.uscc, name=entity.name) if entity else None
