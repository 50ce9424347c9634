"""联动告知 in the admin pages: a page of the caller's referrals, newest first, with what a desk needs
beside each (the entity, both departments, the revoked license), fetched a kind at a time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, License, MarketEntity, Referral
from services.credit.referrals import ReferralFilter, count_referrals, licenses_by_ids, visible_referrals
from services.notices.notices import entities_by_ids
from services.platform.access import principal_of
from services.platform.labels import label
from services.platform.paging import both_ways
from services.registry.departments import departments_by_ids

_CURSOR = "referral-inbox"


@dataclass(frozen=True)
class ReferralRow:
    referral: Referral
    entity: MarketEntity | None  # None outside the caller's jurisdiction
    sender: Department | None  # None: the platform sent it
    recipient: Department | None
    license: License | None
    received: bool  # the caller's department is the recipient: the one that acts


@dataclass(frozen=True)
class ReferralPage:
    rows: list[ReferralRow]
    total: int
    older: str | None  # cursor of the next page (older referrals), if there is one
    newer: str | None  # cursor of the previous page (newer referrals), if there is one


async def referral_page(
    session: AsyncSession, flt: ReferralFilter, size: int, older: str | None = None, newer: str | None = None
) -> ReferralPage:
    """The referrals the caller may see (services.credit.referrals.visible_referrals), `size` to a page."""
    query = visible_referrals(session, select(Referral), flt)
    page = await both_ways(session, query, col(Referral.id), _CURSOR, size, older, newer)
    referrals = page.items
    entities = await entities_by_ids(session, [r.entity_id for r in referrals])
    department_ids = sorted(
        {r.to_department_id for r in referrals} | {r.from_department_id for r in referrals if r.from_department_id}
    )
    departments = {d.id: d for d in await departments_by_ids(session, department_ids) if d is not None}
    license_ids = sorted({r.license_id for r in referrals if r.license_id is not None})
    licenses = {lic.id: lic for lic in await licenses_by_ids(session, license_ids) if lic is not None}
    own = principal_of(session).department_id
    rows = [
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
    return ReferralPage(
        rows=rows,
        total=await count_referrals(session, flt),
        older=page.older,
        newer=page.newer,
    )


async def title_of(session: AsyncSession, referral_id: int) -> str:
    """How a message names one referral: its entity and reason, as far as the caller may see them."""
    referral = await session.scalar(
        visible_referrals(session, select(Referral), ReferralFilter()).where(col(Referral.id) == referral_id)
    )
    if referral is None:
        return f"联动告知 {referral_id}"
    [entity] = await entities_by_ids(session, [referral.entity_id])
    return f"{entity.name if entity else f'联动告知 {referral_id}'}·{label(referral.reason)}"
