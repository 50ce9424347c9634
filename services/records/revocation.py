"""吊销许可证件: which licences stand revoked, decided from the penalties that revoke them.

A licence is REVOKED while a penalty of its entity that still stands (effective, or
repaired: 信用修复 takes a decision out of public view but does not undo it) has the
category 吊销许可证件 and names the licence's number. Whatever could change that (a penalty
recorded, corrected or withdrawn; a licence recorded or corrected) calls `reconcile` for
the (entity, licence number) pairs it touched. So the order in which records arrive does
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
    """A licence this reconciliation marked REVOKED, and the penalty that revokes it."""

    penalty_id: int
    source_department_id: int
    document_number: str
    licence: License


def revocation_reason(document_number: str) -> str:
    """A revoked licence's status_reason: the penalty decision that revoked it."""
    return f"被行政处罚决定“{document_number}”吊销"


@dataclass(frozen=True)
class Reconciled:
    revoked: list[Revocation]  # licences newly revoked (or now revoked by another penalty)
    entities: set[int]  # entities whose licences changed, either way: their colour may have


async def reconcile(
    session: AsyncSession, pairs: Iterable[tuple[int, str | None]], actor: str, cause: str
) -> Reconciled:
    """Bring the licences of `pairs` (entity id, licence number) in line with the penalties
    that stand, audited as `actor`; a licence given back its standing is audited with `cause`."""
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
    licences = await session.scalars(
        select(License).where(
            col(License.entity_id).in_(entity_ids),
            col(License.license_number).in_(numbers),
            sa.or_(col(License.status) == RecordStatus.REVOKED, col(License.license_number).in_(named)),
        )
    )
    revoked: list[Revocation] = []
    entities: set[int] = set()
    for licence in licences.all():
        pair = (licence.entity_id, licence.license_number or "")
        if pair not in wanted:
            continue
        standing = sorted(revokers.get(pair, []), key=lambda penalty: (penalty.decision_date, penalty.id))
        before = {"status": licence.status.value, "reason": licence.status_reason}
        if standing:
            # The penalty already recorded as the revoker keeps that role while it stands.
            by = next((penalty for penalty in standing if penalty.id == licence.revoked_by_id), standing[0])
            if licence.status is RecordStatus.REVOKED and licence.revoked_by_id == by.id:
                continue
            licence.status, licence.revoked_by_id = RecordStatus.REVOKED, by.id
            licence.status_reason = revocation_reason(by.document_number)
            after = {"status": licence.status.value, "by": by.document_number}
            action = "license.revoked"
            revoked.append(Revocation(by.id, by.source_department_id, by.document_number, licence))
        elif licence.revoked_by_id is not None:
            licence.status, licence.status_reason, licence.revoked_by_id = RecordStatus.EFFECTIVE, None, None
            after, action = {"status": licence.status.value, "cause": cause}, "license.restored"
        else:
            continue  # revoked by no penalty of ours (as stored before this platform): left as it is
        licence.updated_at = utcnow()
        entities.add(licence.entity_id)
        await session.flush()
        await audit.record(session, action, "License", licence.document_number, before, after, actor)
    for done in revoked:
        # 联动告知, here so that single records, batch files and corrections alike raise it.
        await referrals.refer_revocation(session, done)
    return Reconciled(revoked, entities)
