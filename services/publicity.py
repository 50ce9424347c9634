"""公示: what the public may see of one entity, without a login."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, MarketEntity
from models.enums import EntityStatus, EntityType
from services import uscc
from services.access import UNRESTRICTED
from services.errors import DomainError


@dataclass(frozen=True)
class PublicProfile:
    """The registration facts published for every entity (企业信用信息公示)."""

    uscc: str
    name: str
    entity_type: EntityType
    legal_representative: str
    established_on: date
    status: EntityStatus
    address: str
    registration_authority_name: str


async def public_profile(session: AsyncSession, code: str) -> PublicProfile | None:
    try:
        normalised = uscc.check(code).code
    except uscc.MalformedUscc as exc:
        raise DomainError("INVALID_USCC", exc.message, "uscc") from exc
    # Public data is the same for every caller, so no jurisdiction applies.
    row = (
        await session.execute(
            select(MarketEntity, Department.name)
            .join(Department, col(Department.id) == MarketEntity.registration_authority_id)
            .where(col(MarketEntity.uscc) == normalised)
            .execution_options(**UNRESTRICTED)
        )
    ).first()
    if row is None:
        return None
    entity, authority_name = row
    return PublicProfile(
        uscc=entity.uscc,
        name=entity.name,
        entity_type=entity.entity_type,
        legal_representative=entity.legal_representative,
        established_on=entity.established_on,
        status=entity.status,
        address=entity.address,
        registration_authority_name=authority_name,
    )
