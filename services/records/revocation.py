"""吊销许可证件: which licenses stand revoked, decided from the penalties that revoke them.

A license is REVOKED while a penalty of its entity that still stands (effective, or
repaired: 信用修复 takes a decision out of public view but does not undo it) has the
category 吊销许可证件 and names the license's number. Whatever could change that (a penalty
recorded, corrected or withdrawn; a license recorded or corrected) calls `reconcile` for
the (entity, license number) pairs it touched. So the order in which records arrive does
not matter, and one rule decides for a single record and for a batch alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import License, Penalty
from models.enums import PenaltyCategory, RecordStatus
from models.types import utcnow
from services.credit import referrals
from services.platform import audit

# A withdrawn (annulled) decision revokes nothing; a repaired one still does.
STANDING = (RecordStatus.EFFECTIVE, RecordStatus.REPAIRED)


@dataclass(frozen=True)
class _Revoker:
    id: int
    source_department_id: int
    document_number: str
    decision_date: date


@dataclass(frozen=True)
class Revocation:
    """A license this reconciliation marked REVOKED, and the penalty that revokes it."""

    penalty_id: int
    source_department_id: int
    document_number: str
    license: License


def revocation_reason(document_number: str) -> str:
    """A revoked license's status_reason: the penalty decision that revoked it."""
    return f"被行政处罚决定“{document_number}”吊销"


@dataclass(frozen=True)
class Reconciled:
    revoked: list[Revocation]  # licenses newly revoked (or now revoked by another penalty)
    entities: set[int]  # entities whose licenses changed, either way: their colour may have


async def reconcile(
    session: AsyncSession, pairs: Iterable[tuple[int, str | None]], actor: str, cause: str
) -> Reconciled:
    """Bring the licenses of `pairs` (entity id, license number) in line with the penalties
    that stand, audited as `actor`; a license given back its standing is audited with `cause`."""
    wanted = {(entity_id, number) for entity_id, number in pairs if number}
    if not wanted:
        return Reconciled([], set())
    entity_ids, numbers = {entity_id for entity_id, _ in wanted}, {number for _, number in wanted}
    rows = await session.execute(
        sa.select(
            col(Penalty.id),
            col(Penalty.source_department_id),
            col(Penalty.document_number),
            col(Penalty.decision_date),
            col(Penalty.entity_id),
            col(Penalty.revoked_license_number),
            col(Penalty.categories),
        ).where(
            col(Penalty.entity_id).in_(entity_ids),
            col(Penalty.revoked_license_number).in_(numbers),
            col(Penalty.status).in_(STANDING),
        )
    )
    revokers: dict[tuple[int, str], list[_Revoker]] = {}
    for id_, department_id, document, decided, entity_id, number, categories in rows.all():
        pair = (entity_id, number or "")
        if pair in wanted and PenaltyCategory.LICENSE_REVOCATION in categories:
            revokers.setdefault(pair, []).append(_Revoker(int(id_ or 0), department_id, document, decided))
    named = {number for _, number in revokers}
    licenses = await session.scalars(
        select(License).where(
            col(License.entity_id).in_(entity_ids),
            col(License.license_number).in_(numbers),
            sa.or_(col(License.status) == RecordStatus.REVOKED, col(License.license_number).in_(named)),
        )
    )
    revoked: list[Revocation] = []
    entities: set[int] = set()
    for license in licenses.all():
        pair = (license.entity_id, license.license_number or "")
        if pair not in wanted:
            continue
        standing = sorted(revokers.get(pair, []), key=lambda penalty: (penalty.decision_date, penalty.id))
        before = {"status": license.status.value, "reason": license.status_reason}
        if standing:
            # The penalty already recorded as the revoker keeps that role while it stands.
            by = next((penalty for penalty in standing if penalty.id == license.revoked_by_id), standing[0])
            if license.status is RecordStatus.REVOKED and license.revoked_by_id == by.id:
                continue
            license.status, license.revoked_by_id = RecordStatus.REVOKED, by.id
            license.status_reason = revocation_reason(by.document_number)
            after = {"status": license.status.value, "by": by.document_number}
            action = "license.revoked"
            revoked.append(Revocation(by.id, by.source_department_id, by.document_number, license))
        elif license.revoked_by_id is not None:
            license.status, license.status_reason, license.revoked_by_id = RecordStatus.EFFECTIVE, None, None
            after, action = {"status": license.status.value, "cause": cause}, "license.restored"
        else:
            continue  # revoked by no penalty of ours (as stored before this platform): left as it is
        license.updated_at = utcnow()
        entities.add(license.entity_id)
        await session.flush()
        await audit.record(session, action, "License", license.document_number, before, after, actor)
    for done in revoked:
        # 联动告知, here so that single records, batch files and corrections alike raise it.
        await referrals.refer_revocation(session, done)
    return Reconciled(revoked, entities)
