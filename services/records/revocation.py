"""吊销许可证件: which licenses stand revoked, decided from the penalties that revoke them.

A license is REVOKED while a penalty of its entity that still stands (effective, or
repaired: 信用修复 takes a decision out of public view but does not undo it) has the
category 吊销许可证件 and names the license's number. Whatever could change that (a penalty
recorded, corrected or withdrawn; a license recorded or corrected) marks the (entity,
license number) pairs it touched: ORM writes by construction (`_touched_licenses`), a batch
file's Core writes through `services.platform.follow_on.mark`. The licenses are reconciled
once, before the transaction commits (a writer that reports the outcome settles it
sooner). So the order in which records arrive does not matter, and one rule decides for a
single record and for a batch alike. Each license revoked is marked in `REVOCATIONS` for
the referral that follows (联动告知, services.credit)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, License, Penalty
from models.enums import PenaltyCategory, RecordStatus
from models.types import utcnow
from services.platform import audit, follow_on

RECONCILE = "records.reconcile_licenses"

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
class LicenseMark:
    """A license whose revocation may have changed, and the record that changed it."""

    entity_id: int
    license_number: str
    department_id: int  # the changed record's department: the license's change is audited for it
    cause: str  # why a license given back its standing was, in that record's words


# Licenses to reconcile; and the licenses a reconciliation revoked, for the referral that follows.
LICENSES: follow_on.Topic[LicenseMark] = follow_on.Topic("licenses")
REVOCATIONS: follow_on.Topic[Revocation] = follow_on.Topic("revocations")
# What a reconciliation itself writes: a change of these alone touches no license's revocation.
_RECONCILED = frozenset({"status", "status_reason", "revoked_by_id", "updated_at"})


@follow_on.watch(LICENSES, License, Penalty)
def _touched_licenses(change: follow_on.Change) -> Iterator[LicenseMark]:
    """A license recorded or corrected; a penalty recorded, corrected, withdrawn or repaired: the
    license it names now, and the one it named before."""
    row = change.row
    if isinstance(row, License):
        touched = change.how == "inserted" or (change.how == "updated" and change.changed - _RECONCILED)
        if touched and row.license_number:
            yield LicenseMark(row.entity_id, row.license_number, row.source_department_id,
                              f"许可决定“{row.document_number}”已更正")  # fmt: skip
        return
    assert isinstance(row, Penalty)
    yield from penalty_marks(row, (change.before("entity_id"), change.before("revoked_license_number")))


def penalty_marks(penalty: Penalty, earlier: tuple[int, str | None] | None = None) -> list[LicenseMark]:
    """The license a penalty names, and the one it named `earlier` (before a correction)."""
    done = "撤销" if penalty.status is RecordStatus.WITHDRAWN else "更正"
    cause = f"处罚决定“{penalty.document_number}”已{done}"
    pairs = dict.fromkeys([(penalty.entity_id, penalty.revoked_license_number), earlier or (0, None)])
    return [
        LicenseMark(entity_id, number, penalty.source_department_id, cause) for entity_id, number in pairs if number
    ]


@follow_on.step(RECONCILE, LICENSES)
async def _reconcile_marked(session: AsyncSession, marks: list[LicenseMark], _cause: str) -> None:
    """The licenses marked, each with the first record that marked it (a correction may have
    marked a license twice), grouped as their changes are audited."""
    first: dict[tuple[int, str], LicenseMark] = {}
    for mark in marks:
        first.setdefault((mark.entity_id, mark.license_number), mark)
    groups: dict[tuple[int, str], list[tuple[int, str | None]]] = {}
    for pair, mark in first.items():
        groups.setdefault((mark.department_id, mark.cause), []).append(pair)
    for (department_id, cause), pairs in groups.items():
        department = await session.get(Department, department_id)
        assert department is not None
        await reconcile(session, pairs, department.code, cause)


async def reconcile(
    session: AsyncSession, pairs: Iterable[tuple[int, str | None]], actor: str, cause: str
) -> list[Revocation]:
    """Bring the licenses of `pairs` (entity id, license number) in line with the penalties
    that stand, audited as `actor`; a license given back its standing is audited with `cause`.
    The licenses newly revoked (or now revoked by another penalty), marked in REVOCATIONS."""
    wanted = {(entity_id, number) for entity_id, number in pairs if number}
    if not wanted:
        return []
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
        await session.flush()
        await audit.record(session, action, "License", license.document_number, before, after, actor)
    # 联动告知 follows, so that single records, batch files and corrections alike raise it.
    follow_on.mark(session, REVOCATIONS, revoked)
    return revoked
