"""联动告知: one department alerts another about an entity.

A referral goes SENT → ACKNOWLEDGED → HANDLED (with an outcome). Referrals the platform
raises itself (a revoked licence, the 3-year escalation reminder) carry a source key, so
each reaches each department once however often the cause is seen again."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models import Referral
from models.enums import ReferralReason, ReferralStatus
from services.db import insert_if_absent


async def refer_once(
    session: AsyncSession,
    *,
    entity_id: int,
    to_department_id: int,
    reason: ReferralReason,
    message: str,
    source_key: str,
    from_department_id: int | None = None,
    license_id: int | None = None,
    listing_id: int | None = None,
) -> Referral | None:
    """An automatic referral: sent unless this department already has the one of `source_key`
    (a concurrent sender's insert waits, then yields). The new referral, or None."""
    values = {
        "entity_id": entity_id,
        "to_department_id": to_department_id,
        "from_department_id": from_department_id,
        "reason": reason,
        "message": message,
        "status": ReferralStatus.SENT,
        "source_key": source_key,
        "license_id": license_id,
        "listing_id": listing_id,
    }
    new_id = await insert_if_absent(session, Referral, values, ["source_key", "to_department_id"])
    return await session.get(Referral, new_id) if new_id is not None else None
