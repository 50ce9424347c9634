"""联动告知 in the admin pages: the referrals' desk (services.platform.desk), each referral beside what
the desk shows of it (the entity, both departments, the revoked license)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, License, MarketEntity, Referral
from services.credit.referrals import ReferralFilter, licenses_by_ids, visible_referrals
from services.notices.notices import entities_by_ids
from services.platform.access import principal_of
from services.platform.desk import Desk
from services.platform.labels import label
from services.registry.departments import departments_by_ids


@dataclass(frozen=True)
class ReferralRow:
    referral: Referral
    entity: MarketEntity | None  # None outside the caller's jurisdiction
    sender: Department | None  # None: the platform sent it
    recipient: Department | None
    license: License | None
    received: bool  # the caller's department is the recipient: the one that acts


async def _rows(session: AsyncSession, referrals: list[Referral]) -> list[ReferralRow]:
    entities = await entities_by_ids(session, [r.entity_id for r in referrals])
    department_ids = sorted(
        {r.to_department_id for r in referrals} | {r.from_department_id for r in referrals if r.from_department_id}
    )
    departments = {d.id: d for d in await departments_by_ids(session, department_ids) if d is not None}
    license_ids = sorted({r.license_id for r in referrals if r.license_id is not None})
    licenses = {lic.id: lic for lic in await licenses_by_ids(session, license_ids) if lic is not None}
    own = principal_of(session).department_id
    return [
        ReferralRow(
            referral=referral,
            entity=entity,
            sender=departments.get(referral.from_department_id or 0),
            recipient=departments.get(referral.to_department_id),
            license=licenses.get(referral.license_id or 0),
            received=referral.to_department_id == own,
        )
        for referral, entity in zip(referrals, entities, strict=True)
    ]


async def _describe(session: AsyncSession, referral: Referral) -> tuple[str | None, str]:
    [entity] = await entities_by_ids(session, [referral.entity_id])
    return entity.name if entity else None, label(referral.reason)


# The referrals the caller may see (services.credit.referrals.visible_referrals); a message names
# one by its entity and reason.
REFERRAL_DESK: Desk[Referral, ReferralFilter, ReferralRow] = Desk(
    cases=lambda session, flt: visible_referrals(session, select(Referral), flt),
    unfiltered=ReferralFilter(),
    key=col(Referral.id),
    kind="referral-inbox",
    noun="联动告知",
    rows=_rows,
    describe=_describe,
)
